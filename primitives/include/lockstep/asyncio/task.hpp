#pragma once
// lockstep::asyncio::task<T>: a lazily started coroutine. Awaiting it runs it in
// place, as part of the awaiting task (an `await coro()` in Python), without
// yielding; event_loop::create_task schedules it as a task of its own
// (asyncio.Task), which others may await, cancel, or gather.
#include <cctype>
#include <concepts>
#include <coroutine>
#include <exception>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lockstep/asyncio/core.hpp>

namespace lockstep::asyncio {

template <class T = void>
class task;

namespace detail {

template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<task<T>> : std::true_type {};

// What a task may await: lockstep::asyncio's awaitables, which learn the awaiting
// task when awaited. Anything else would suspend the task behind the loop's back.
template <class A>
concept async_awaitable = requires(std::remove_cvref_t<A>& a, task_state& t, std::source_location w) {
    a.bind(t, w);
};

// "worker" from GCC's "lockstep::asyncio::task<void> worker(int)"; empty when the
// compiler gives no usable name (a lambda, another compiler).
inline std::string coroutine_name(std::string_view f) {
    if (const auto with = f.find(" [with"); with != std::string_view::npos) f = f.substr(0, with);
    if (f.empty() || f.back() != ')') return {};
    int depth = 0;
    std::size_t open = f.size();
    while (open-- > 0) {
        if (f[open] == ')') ++depth;
        else if (f[open] == '(' && --depth == 0) break;
    }
    if (open >= f.size()) return {};
    std::size_t begin = open;
    while (begin > 0 && (std::isalnum(static_cast<unsigned char>(f[begin - 1])) || f[begin - 1] == '_' ||
                         f[begin - 1] == ':'))
        --begin;
    std::string_view name = f.substr(begin, open - begin);
    if (const auto colons = name.rfind("::"); colons != std::string_view::npos) name = name.substr(colons + 2);
    return std::string(name);
}

// The awaiter a task sees for an awaitable. A temporary operand is moved into
// it (nothing is registered before await_suspend): the awaiter is kept in the
// coroutine frame, while GCC 12 may keep a temporary of an `if` or `while`
// condition on the stack across the suspension. A named one is used in place.
template <class A>
struct bound {
    A a;
    bool await_ready() { return a.await_ready(); }
    template <class H>
    auto await_suspend(H h) {
        return a.await_suspend(h);
    }
    decltype(auto) await_resume() { return a.await_resume(); }
};
template <class A>
struct bound<A&> {
    A* a;
    bool await_ready() { return a->await_ready(); }
    template <class H>
    auto await_suspend(H h) {
        return a->await_suspend(h);
    }
    decltype(auto) await_resume() { return a->await_resume(); }
};

struct promise_base {
    task_state* owner = nullptr;            // the task it runs as part of
    std::coroutine_handle<> continuation;  // the coroutine awaiting it in place; none for a task's own
    std::exception_ptr error;
    std::string name;

    explicit promise_base(std::source_location defined) : name(coroutine_name(defined.function_name())) {}

    // A task cancelled before its first turn never starts its body (asyncio).
    struct initial_awaiter {
        promise_base& p;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        void await_resume() const {
            if (!p.continuation && p.owner != nullptr && p.owner->take_cancel()) throw cancelled_error();
        }
    };
    initial_awaiter initial_suspend() noexcept { return {*this}; }

    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
            promise_base& p = h.promise();
            if (p.continuation) return p.continuation;  // back to the coroutine that awaited it in place
            p.owner->loop->finish(*p.owner, p.error);   // a task's own coroutine: the task is done
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() { error = std::current_exception(); }

    template <class A>
    decltype(auto) await_transform(A&& a, std::source_location where = std::source_location::current()) {
        if constexpr (is_task<std::remove_cvref_t<A>>::value) {
            return a.awaiter(*owner, where);
        } else {
            static_assert(async_awaitable<A>,
                          "a lockstep::asyncio task can only await lockstep::asyncio awaitables (tasks, sleep, gather, "
                          "the async primitives): anything else would suspend it behind the event loop's back");
            a.bind(*owner, where);
            if constexpr (std::is_lvalue_reference_v<A>) return bound<A>{&a};
            else return bound<A>{std::move(a)};
        }
    }
};

template <class T>
struct promise : promise_base {
    std::optional<T> value;
    explicit promise(std::source_location defined = std::source_location::current()) : promise_base(defined) {}
    task<T> get_return_object();
    template <class U>
        requires std::convertible_to<U&&, T>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
};

template <>
struct promise<void> : promise_base {
    explicit promise(std::source_location defined = std::source_location::current()) : promise_base(defined) {}
    task<void> get_return_object();
    void return_void() {}
};

// A place in the awaiting task where it waits for a scheduled task to finish.
template <class T>
struct scheduled_wait;

} // namespace detail

template <class T>
class [[nodiscard]] task {
    static_assert(!std::is_reference_v<T>, "task<T&> is not supported: return a pointer or a value");

public:
    using promise_type = detail::promise<T>;
    using handle = std::coroutine_handle<promise_type>;

    task() noexcept = default;
    explicit task(handle h) noexcept : frame_(h) {}
    task(task&& other) noexcept
        : frame_(std::exchange(other.frame_, {})), state_(std::exchange(other.state_, nullptr)),
          awaited_(other.awaited_) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            release();
            frame_ = std::exchange(other.frame_, {});
            state_ = std::exchange(other.state_, nullptr);
            awaited_ = other.awaited_;
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { release(); }

    // Names the task for reports (before it is scheduled): "worker 3" rather than "worker#3".
    task&& named(std::string_view name) && {
        if (frame_ && !state_) frame_.promise().name.assign(name);
        return std::move(*this);
    }

    bool valid() const noexcept { return frame_ || state_; }
    // Scheduled on a loop (create_task, gather): a task of its own.
    bool scheduled() const noexcept { return state_ != nullptr; }
    bool done() const noexcept { return state_ != nullptr && state_->finished(); }
    bool cancelled() const noexcept {
        return state_ != nullptr && state_->state == detail::task_state::phase::cancelled;
    }
    std::string_view name() const noexcept {
        return state_ ? std::string_view(state_->name) : frame_ ? std::string_view(frame_.promise().name) : "";
    }
    // Asks a scheduled task to stop: cancelled_error is thrown at its next
    // suspension (or where it is suspended). False when it has finished.
    bool cancel(std::source_location where = std::source_location::current()) {
        require_scheduled("cancel", where);
        state_->awaited = true;
        return state_->loop->cancel(*state_);
    }
    // The result of a finished task (rethrows its exception; cancelled_error if it was cancelled).
    T result(std::source_location where = std::source_location::current()) {
        require_scheduled("result", where);
        if (!state_->finished())
            detail::fail(failure_kind::misuse,
                         [&] { return fmt::format("result() of {}, which has not finished (asyncio: InvalidStateError)",
                                                  state_->label()); },
                         where);
        return outcome();
    }
    // Its exception, or null; cancelled_error if it was cancelled.
    std::exception_ptr exception(std::source_location where = std::source_location::current()) {
        require_scheduled("exception", where);
        state_->awaited = state_->retrieved = true;
        if (state_->state == detail::task_state::phase::cancelled) throw cancelled_error();
        return state_->error;
    }

    // For event_loop: makes it a scheduled task (the loop keeps its coroutine).
    void schedule(detail::loop_core& loop, std::string_view name, std::source_location where) {
        if (state_) return;
        if (!frame_)
            detail::fail(failure_kind::misuse, [] { return std::string("scheduling an empty or moved-from task"); },
                         where);
        if (awaited_)
            detail::fail(failure_kind::misuse,
                         [] { return std::string("scheduling a coroutine that was already awaited"); }, where);
        std::string n = name.empty() ? std::move(frame_.promise().name) : std::string(name);
        state_ = &loop.adopt(frame_, &destroy_frame, std::move(n), where);
        frame_.promise().owner = state_;
        frame_ = {};
    }
    detail::task_state* state() const noexcept { return state_; }

    // For await_transform.
    auto awaiter(detail::task_state& owner, std::source_location where);

private:
    template <class>
    friend struct detail::scheduled_wait;

    static void destroy_frame(std::coroutine_handle<> h) { h.destroy(); }

    void require_scheduled(std::string_view what, std::source_location where) const {
        if (!state_)
            detail::fail(failure_kind::misuse,
                         [&] {
                             return fmt::format("{}() on a task that was not scheduled (create_task it first)", what);
                         },
                         where);
    }

    // The outcome of a finished scheduled task, for a result() or an await.
    T outcome() { return outcome_of(*state_); }
    static T outcome_of(detail::task_state& state) {
        state.awaited = state.retrieved = true;
        if (state.state == detail::task_state::phase::cancelled) throw cancelled_error();
        if (state.error) std::rethrow_exception(state.error);
        if constexpr (!std::is_void_v<T>) {
            auto& value = *handle::from_address(state.root.address()).promise().value;
            if constexpr (std::is_copy_constructible_v<T>) return value;
            else return std::move(value);
        }
    }

    void release() {
        if (frame_) {
            const bool never_awaited = !awaited_ && !frame_.done();
            const std::string name = frame_.promise().name;
            frame_.destroy();
            frame_ = {};
            if (never_awaited && lockstep::detail::in_model() && std::uncaught_exceptions() == 0)
                detail::fail(failure_kind::misuse,
                             [&] {
                                 return fmt::format("coroutine {} was created but never awaited nor scheduled "
                                                    "(asyncio: \"coroutine was never awaited\"): co_await it, or "
                                                    "create_task it",
                                                    name.empty() ? std::string("(a lambda)") : name);
                             },
                             {});
        }
        state_ = nullptr;
    }

    handle frame_{};                      // while lazy: the coroutine, owned here
    detail::task_state* state_ = nullptr;  // once scheduled: owned by its loop
    bool awaited_ = false;
};

namespace detail {

template <class T>
task<T> promise<T>::get_return_object() {
    return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline task<void> promise<void>::get_return_object() {
    return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}

// co_await on a lazy task: runs it in place, in the awaiting task's turn. The
// awaiter owns the coroutine from then on (see bound).
template <class T>
struct inline_run {
    std::coroutine_handle<promise<T>> frame;
    task_state* owner;
    inline_run(std::coroutine_handle<promise<T>> f, task_state* o) : frame(f), owner(o) {}
    inline_run(inline_run&& other) noexcept : frame(std::exchange(other.frame, {})), owner(other.owner) {}
    inline_run& operator=(inline_run&&) = delete;
    ~inline_run() {
        if (frame) frame.destroy();
    }
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) const noexcept {
        frame.promise().owner = owner;
        frame.promise().continuation = awaiting;
        return frame;
    }
    T await_resume() const {
        if (frame.promise().error) std::rethrow_exception(frame.promise().error);
        if constexpr (!std::is_void_v<T>) return std::move(*frame.promise().value);
    }
};

// co_await on a scheduled task: suspends until it finishes (no suspension if it
// has). Cancelling the awaiting task cancels the awaited one, as in asyncio.
template <class T>
struct scheduled_wait {
    task_state* target;
    task_state* owner;
    waiter w{};
    bool suspended = false;

    bool await_ready() const noexcept { return target->finished(); }
    void await_suspend(std::coroutine_handle<> h) {
        task_state& t = *target;
        if (&t == owner)
            fail(
                failure_kind::misuse, [&] { return fmt::format("{} awaits itself and would wait forever", t.label()); },
                w.where);
        w.what = "the end of task";
        w.object = t.id;
        w.context = this;
        w.on_cancel = [](waiter& self) {
            auto& me = *static_cast<scheduled_wait*>(self.context);
            // The cancellation passes to the awaited task; the awaiting one gets its outcome.
            if (me.owner->loop->cancel(*me.target)) me.owner->cancel_requested = false;
            else me.owner->loop->cancel_wait(self);
        };
        t.on_done.push_back({[](void* c, task_state&) {
                                 auto& me = *static_cast<scheduled_wait*>(c);
                                 me.owner->loop->wake(me.w);
                             },
                             this});
        suspended = true;
        owner->loop->suspend(*owner, w, h);
    }
    T await_resume() {
        target->awaited = true;
        if (suspended) {
            target->remove_callback(this);
            if (owner->loop->resumed(*owner)) throw cancelled_error();
        }
        return task<T>::outcome_of(*target);
    }
};

} // namespace detail

template <class T>
auto task<T>::awaiter(detail::task_state& owner, std::source_location where) {
    struct either {
        std::optional<detail::inline_run<T>> run;
        std::optional<detail::scheduled_wait<T>> wait;
        bool await_ready() const noexcept { return run ? run->await_ready() : wait->await_ready(); }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) {
            if (run) return run->await_suspend(h);
            wait->await_suspend(h);
            return std::noop_coroutine();
        }
        T await_resume() { return run ? run->await_resume() : wait->await_resume(); }
    };
    either e;
    if (state_) {
        e.wait.emplace(detail::scheduled_wait<T>{state_, &owner, {}, false});
        e.wait->w.where = where;
    } else {
        if (!frame_)
            detail::fail(failure_kind::misuse, [] { return std::string("co_await on an empty or moved-from task"); },
                         where);
        if (awaited_)
            detail::fail(failure_kind::misuse,
                         [] {
                             return std::string("a coroutine awaited twice: a lazy task runs once; create_task it to "
                                                "await its result more than once");
                         },
                         where);
        awaited_ = true;
        e.run.emplace(std::exchange(frame_, {}), &owner);
    }
    return e;
}

} // namespace lockstep::asyncio
