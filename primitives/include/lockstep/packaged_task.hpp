#pragma once
// lockstep::packaged_task<R(Args...)>, as std's: calling it runs the function
// and makes its result (or exception) ready in one step that publishes to the
// future. Calling it twice throws promise_already_satisfied; a task destroyed
// (or reset) uncalled delivers broken_promise to its future.
#include <concepts>
#include <functional>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lockstep/detail/future_state.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/future.hpp>
#include <lockstep/future_error.hpp>

namespace lockstep {
namespace detail {

template <class R, class... Args>
class task_state : public future_state<R> {
public:
    using future_state<R>::future_state;
    virtual void invoke(Args&&... args) = 0;
    virtual std::shared_ptr<task_state> fresh() const = 0;  // for reset()
    bool invoked = false;
    std::source_location invoked_at{};
};

template <class F, class R, class... Args>
class task_state_of final : public task_state<R, Args...> {
public:
    task_state_of(F f, std::string_view name, std::source_location created)
        : task_state<R, Args...>(name, created), f_(std::move(f)), created_(created) {}
    void invoke(Args&&... args) override {
        this->store_result_of([&]() -> R { return std::invoke(f_, std::forward<Args>(args)...); });
    }
    std::shared_ptr<task_state<R, Args...>> fresh() const override {
        if constexpr (std::is_copy_constructible_v<F>)
            return std::make_shared<task_state_of>(f_, std::string_view{}, created_);
        else
            throw std::logic_error("lockstep::packaged_task::reset needs a copyable function");
    }

private:
    F f_;
    std::source_location created_;
};

} // namespace detail

template <class Signature>
class packaged_task;

template <class R, class... Args>
class packaged_task<R(Args...)> {
public:
    packaged_task() noexcept = default;
    template <class F>
        requires(!std::same_as<std::remove_cvref_t<F>, packaged_task> &&
                 std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
    explicit packaged_task(F&& f, std::source_location created = std::source_location::current())
        : state_(std::make_shared<detail::task_state_of<std::decay_t<F>, R, Args...>>(std::forward<F>(f),
                                                                                        std::string_view{}, created)) {}
    packaged_task(packaged_task&&) noexcept = default;
    packaged_task& operator=(packaged_task&& other) {
        if (this != &other) {
            abandon();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    packaged_task(const packaged_task&) = delete;
    packaged_task& operator=(const packaged_task&) = delete;
    ~packaged_task() { abandon(); }

    bool valid() const noexcept { return state_ != nullptr; }
    void swap(packaged_task& other) noexcept { state_.swap(other.state_); }

    future<R> get_future(std::source_location where = std::source_location::current()) {
        state("get_future", where).retrieve("packaged_task", where);
        return future<R>(detail::future_handle<R>(std::static_pointer_cast<detail::future_state<R>>(state_)));
    }

    // Runs the function and makes the result ready (one step, after the function's own).
    void operator()(Args... args, std::source_location where = std::source_location::current()) {
        detail::task_state<R, Args...>& s = state("operator()", where);
        if (s.invoked)
            throw future_error(std::future_errc::promise_already_satisfied,
                               fmt::format("packaged_task of {} called again at {}; it already ran at {} "
                                           "(future_errc::promise_already_satisfied)",
                                           s.label(), detail::at(where), detail::at(s.invoked_at)));
        s.invoked = true;
        s.invoked_at = where;
        s.invoke(std::forward<Args>(args)...);
        s.finish(where);
    }

    // A new shared state for the same function; the old one's future gets broken_promise.
    void reset(std::source_location where = std::source_location::current()) {
        auto next = state("reset", where).fresh();
        abandon();
        state_ = std::move(next);
    }

private:
    detail::task_state<R, Args...>& state(std::string_view what, std::source_location where) {
        if (!state_)
            throw future_error(std::future_errc::no_state,
                               fmt::format("{} at {} on a packaged_task with no shared state (default-constructed "
                                           "or moved from) (future_errc::no_state)",
                                           what, detail::at(where)));
        return *state_;
    }
    void abandon() {
        if (auto s = std::move(state_); s && s->retrieved()) s->abandon("packaged_task");
    }

    std::shared_ptr<detail::task_state<R, Args...>> state_;
};

template <class R, class... Args>
void swap(packaged_task<R(Args...)>& a, packaged_task<R(Args...)>& b) noexcept {
    a.swap(b);
}

} // namespace lockstep
