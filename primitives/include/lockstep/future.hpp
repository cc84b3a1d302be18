#pragma once
// lockstep::future<T> and shared_future<T> (T, T&, void), as std's. get() and
// wait() are steps that block until the value is set and observe what the
// setter did before; wait_for / wait_until run on the logical clock. Misuse
// throws std's errors with a message saying where: get() twice, or on a future
// with no state, is future_errc::no_state.
#include <chrono>
#include <source_location>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/future_state.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/future_error.hpp>

namespace lockstep {

template <class T>
class shared_future;

namespace detail {

// The part future and shared_future share: the handle and the waits.
template <class T>
class future_base {
public:
    bool valid() const noexcept { return static_cast<bool>(state_); }

    void wait(std::source_location where = std::source_location::current()) const {
        state("wait", where).wait(op_kind::wait, where);
    }
    template <class Rep, class Period>
    std::future_status wait_for(const std::chrono::duration<Rep, Period>& timeout,
                                std::source_location where = std::source_location::current()) const {
        return state("wait_for", where).wait_until(deadline_after(timeout), where);
    }
    template <class Clock, class Duration>
        requires model_clock<Clock>
    std::future_status wait_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                  std::source_location where = std::source_location::current()) const {
        return state("wait_until", where).wait_until(deadline_at(deadline), where);
    }

protected:
    future_base() noexcept = default;
    explicit future_base(future_handle<T> h) noexcept : state_(std::move(h)) {}

    future_state<T>& state(std::string_view what, std::source_location where) const {
        if (!state_)
            throw future_error(
                std::future_errc::no_state,
                taken_at_.line() != 0
                    ? fmt::format("{}() at {} on a future whose value was already taken by get() at {}: a future's "
                                  "value can be taken once (future_errc::no_state; share() it to read it again)",
                                  what, at(where), at(taken_at_))
                    : fmt::format("{}() at {} on a future with no shared state (default-constructed, moved from, or "
                                  "shared) (future_errc::no_state)",
                                  what, at(where)));
        return *state_;
    }

    future_handle<T> state_;
    std::source_location taken_at_{};  // where get() took the value
};

} // namespace detail

template <class T>
class future : public detail::future_base<T> {
public:
    future() noexcept = default;
    explicit future(detail::future_handle<T> h) noexcept : detail::future_base<T>(std::move(h)) {}
    future(future&& other) noexcept = default;
    future& operator=(future&& other) = default;
    future(const future&) = delete;
    future& operator=(const future&) = delete;

    // Blocks until the value is set, then takes it: the future is no longer valid.
    T get(std::source_location where = std::source_location::current()) {
        detail::future_state<T>& s = this->state("get", where);
        s.wait(detail::op_kind::get, where);
        // The state is released after the value is taken (with std::async, that
        // waits for the thread to end), also when get() throws.
        struct release {
            detail::future_handle<T>& h;
            std::source_location where;
            ~release() { h.reset(where); }
        } done{this->state_, where};
        this->taken_at_ = where;
        return s.take();
    }

    shared_future<T> share() noexcept { return shared_future<T>(std::move(*this)); }

private:
    friend class shared_future<T>;
};

template <class T>
class shared_future : public detail::future_base<T> {
public:
    shared_future() noexcept = default;
    shared_future(future<T>&& f) noexcept : detail::future_base<T>(std::move(f.state_)) {}
    shared_future(const shared_future&) = default;
    shared_future(shared_future&&) noexcept = default;
    shared_future& operator=(const shared_future&) = default;
    shared_future& operator=(shared_future&&) = default;

    // Blocks until the value is set; every call returns it (a const reference for T).
    decltype(auto) get(std::source_location where = std::source_location::current()) const {
        detail::future_state<T>& s = this->state("get", where);
        s.wait(detail::op_kind::get, where);
        return s.peek();
    }
};

} // namespace lockstep
