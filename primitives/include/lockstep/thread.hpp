#pragma once
// lockstep::thread: a model thread (a fiber), with std::thread's interface.
#include <compare>
#include <concepts>
#include <cstddef>
#include <functional>
#include <new>
#include <ostream>
#include <source_location>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

// A thread's name for reports; converts from a string literal and remembers where.
struct thread_name {
    std::string_view text;
    std::source_location where;
    thread_name(const char* name, std::source_location loc = std::source_location::current()) : text(name), where(loc) {}
    thread_name(std::string_view name, std::source_location loc = std::source_location::current())
        : text(name), where(loc) {}
};

class thread {
public:
    // std::thread::id: compared, hashed and printed; a default id is no thread.
    // It prints as the thread's name in reports ("T1", "main", or its own).
    class id {
    public:
        id() noexcept = default;
        friend bool operator==(id, id) noexcept = default;
        friend std::strong_ordering operator<=>(id, id) noexcept = default;
        template <class CharT, class Traits>
        friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, id i) {
            if (i.t_ == detail::no_thread) return os << "no thread";
            if (!detail::in_model()) return os << "thread " << i.t_;
            for (char c : detail::thread_label(i.t_)) os << os.widen(c);
            return os;
        }
        explicit id(detail::thread_id t) noexcept : t_(t) {}
        // The runtime's number of the thread (0 is the model's main thread).
        detail::thread_id native() const noexcept { return t_; }

    private:
        detail::thread_id t_ = detail::no_thread;
    };

    thread() noexcept = default;

    template <class F>
        requires std::invocable<std::decay_t<F>>
    explicit thread(F&& f, std::source_location where = std::source_location::current()) {
        start(std::string_view{}, where, std::forward<F>(f));
    }
    template <class F, class A, class... Args>
        requires std::invocable<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>
    explicit thread(F&& f, A&& a, Args&&... args) {
        start(std::string_view{}, std::source_location{}, std::forward<F>(f), std::forward<A>(a),
              std::forward<Args>(args)...);
    }
    template <class F, class... Args>
        requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
    thread(thread_name name, F&& f, Args&&... args) {
        start(name.text, name.where, std::forward<F>(f), std::forward<Args>(args)...);
    }

    thread(thread&& other) noexcept : id_(std::exchange(other.id_, detail::no_thread)) {}
    thread& operator=(thread&& other) noexcept {
        if (this != &other) {
            if (joinable()) never_joined();
            id_ = std::exchange(other.id_, detail::no_thread);
        }
        return *this;
    }
    thread(const thread&) = delete;
    thread& operator=(const thread&) = delete;
    ~thread() {
        if (joinable() && detail::in_model()) never_joined();
    }

    bool joinable() const noexcept { return id_ != detail::no_thread; }

    void join(std::source_location where = std::source_location::current()) {
        if (!joinable())
            detail::fail(failure_kind::misuse, "join() on a thread that is not joinable (already joined, detached, or empty)",
                         where);
        if (id_ == detail::self())
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} joins itself and would wait forever", detail::thread_label(id_)), where);
        const detail::thread_id t = id_;
        detail::schedule({detail::op_kind::join, detail::thread_object(t), where, detail::sync::observe},
                         detail::until([t] { return detail::finished(t); }));
        detail::joined(t);
        id_ = detail::no_thread;
    }

    void detach(std::source_location where = std::source_location::current()) {
        if (!joinable()) detail::fail(failure_kind::misuse, "detach() on a thread that is not joinable", where);
        detail::joined(id_);
        id_ = detail::no_thread;
    }

    id get_id() const noexcept { return id(id_); }
    // The runtime's number of this thread (0 is the model's main thread).
    detail::thread_id native_handle() const noexcept { return id_; }
    // Code that sizes a pool by it gets a small pool, which keeps the model small.
    static unsigned hardware_concurrency() noexcept { return 2; }
    void swap(thread& other) noexcept { std::swap(id_, other.id_); }

private:
    template <class... Parts>
    void start(std::string_view name, std::source_location where, Parts&&... parts) {
        using state = std::tuple<std::decay_t<Parts>...>;
        state callable(std::forward<Parts>(parts)...);
        const detail::thread_body body{
            &callable, sizeof(state), alignof(state),
            [](void* from, void* to) { ::new (to) state(std::move(*static_cast<state*>(from))); },
            [](void* self) {
                state& s = *static_cast<state*>(self);
                std::apply([](auto& f, auto&... args) { std::invoke(std::move(f), std::move(args)...); }, s);
                s.~state();
            }};
        id_ = detail::spawn(body, name, where);
    }

    void never_joined() {
        detail::fail(failure_kind::misuse,
                     fmt::format("thread {} was destroyed while joinable (never joined or detached); std::thread "
                                 "would call std::terminate here",
                                 detail::thread_label(id_)),
                     {});
    }

    detail::thread_id id_ = detail::no_thread;
};

namespace this_thread {

// The calling model thread's id; outside a model, no thread. Not a step: it
// neither blocks nor synchronizes.
inline thread::id get_id() noexcept { return thread::id(detail::in_model() ? detail::self() : detail::no_thread); }

// Lets other threads run; to the fair scheduler this thread made no progress.
inline void yield(std::source_location where = std::source_location::current()) {
    detail::schedule({detail::op_kind::yield, detail::thread_object(detail::self()), where, detail::sync::none});
    detail::no_progress();
}

} // namespace this_thread
} // namespace lockstep

template <>
struct std::hash<lockstep::thread::id> {
    std::size_t operator()(lockstep::thread::id i) const noexcept { return std::hash<std::uint32_t>{}(i.native()); }
};
