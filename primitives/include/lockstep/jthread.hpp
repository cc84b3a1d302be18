#pragma once
// lockstep::jthread, as std::jthread: a lockstep::thread with a stop_source;
// a callable that takes a stop_token first gets the thread's. Destroying a
// joinable jthread requests a stop and joins it.
#include <concepts>
#include <functional>
#include <source_location>
#include <type_traits>
#include <utility>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/stop_token.hpp>
#include <lockstep/thread.hpp>

namespace lockstep {

class jthread {
public:
    using id = thread::id;

    jthread() noexcept : stop_(nostopstate) {}

    template <class F>
        requires(!std::same_as<std::remove_cvref_t<F>, jthread> && !std::same_as<std::remove_cvref_t<F>, thread_name>)
    explicit jthread(F&& f, std::source_location where = std::source_location::current()) : stop_(where) {
        start(thread_name(std::string_view{}, where), std::forward<F>(f));
    }
    template <class F, class A, class... Args>
        requires(!std::same_as<std::remove_cvref_t<F>, thread_name>)
    explicit jthread(F&& f, A&& a, Args&&... args) : stop_(std::source_location{}) {
        start(thread_name(std::string_view{}, std::source_location{}), std::forward<F>(f), std::forward<A>(a),
              std::forward<Args>(args)...);
    }
    template <class F, class... Args>
    jthread(thread_name name, F&& f, Args&&... args) : stop_(name.where) {
        start(name, std::forward<F>(f), std::forward<Args>(args)...);
    }

    jthread(jthread&&) noexcept = default;
    jthread& operator=(jthread&& other) {
        if (this != &other) {
            stop_and_join();
            thread_ = std::move(other.thread_);
            stop_ = std::move(other.stop_);
        }
        return *this;
    }
    jthread(const jthread&) = delete;
    jthread& operator=(const jthread&) = delete;
    ~jthread() { stop_and_join(); }

    bool joinable() const noexcept { return thread_.joinable(); }
    void join(std::source_location where = std::source_location::current()) { thread_.join(where); }
    void detach(std::source_location where = std::source_location::current()) { thread_.detach(where); }
    id get_id() const noexcept { return thread_.get_id(); }
    detail::thread_id native_handle() const noexcept { return thread_.native_handle(); }
    static unsigned hardware_concurrency() noexcept { return thread::hardware_concurrency(); }

    stop_source get_stop_source() const noexcept { return stop_; }
    stop_token get_stop_token() const noexcept { return stop_.get_token(); }
    bool request_stop(std::source_location where = std::source_location::current()) {
        return stop_.request_stop(where);
    }
    void swap(jthread& other) noexcept {
        thread_.swap(other.thread_);
        stop_.swap(other.stop_);
    }
    friend void swap(jthread& a, jthread& b) noexcept { a.swap(b); }

private:
    template <class F, class... Args>
    void start(thread_name name, F&& f, Args&&... args) {
        if constexpr (std::is_invocable_v<std::decay_t<F>, stop_token, std::decay_t<Args>...>)
            thread_ = thread(name, std::forward<F>(f), stop_.get_token(), std::forward<Args>(args)...);
        else
            thread_ = thread(name, std::forward<F>(f), std::forward<Args>(args)...);
    }
    void stop_and_join() {
        if (!thread_.joinable() || !detail::in_model()) return;
        stop_.request_stop({});
        thread_.join({});
    }

    stop_source stop_;
    thread thread_;
};

} // namespace lockstep
