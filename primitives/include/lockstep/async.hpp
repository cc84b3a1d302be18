#pragma once
// lockstep::async, as std::async: launch::async runs the function on a new
// lockstep thread (its result is set in a step that publishes to the future,
// and the last future referring to it waits for the thread in its destructor,
// as std's does); launch::deferred runs it in the first thread that calls get()
// or wait(). With both bits (the default), it runs on a thread, as libstdc++,
// libc++ and MSVC do.
#include <functional>
#include <memory>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

#include <lockstep/detail/future_state.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/future.hpp>
#include <lockstep/future_error.hpp>
#include <lockstep/thread.hpp>

namespace lockstep {
namespace detail {

template <class R, class F, class... Args>
class deferred_state final : public future_state<R> {
public:
    deferred_state(std::source_location created, F f, std::tuple<Args...> args)
        : future_state<R>(std::string_view{}, created), f_(std::move(f)), args_(std::move(args)) {
        this->deferred_ = true;
    }

private:
    void run_deferred() override {
        this->store_result_of([this]() -> R { return std::apply(std::move(f_), std::move(args_)); });
    }
    F f_;
    std::tuple<Args...> args_;
};

} // namespace detail

// async's policy, with the caller's line (a parameter pack leaves no room for a
// defaulted source_location after it).
struct launch_policy {
    launch policy;
    std::source_location where;
    launch_policy(launch p, std::source_location at = std::source_location::current()) : policy(p), where(at) {}
};

template <class F, class... Args>
    requires std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...>
[[nodiscard]] auto async(launch_policy how, F&& f, Args&&... args)
    -> future<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
    using R = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;
    const std::source_location where = how.where;
    if ((how.policy & launch::async) != launch::async) {
        if ((how.policy & launch::deferred) != launch::deferred)
            throw future_error(std::future_errc::no_state,
                               fmt::format("async at {} with a launch policy that has neither launch::async nor "
                                           "launch::deferred",
                                           detail::at(where)));
        auto s = std::make_shared<detail::deferred_state<R, std::decay_t<F>, std::decay_t<Args>...>>(
            where, std::forward<F>(f), std::make_tuple(std::forward<Args>(args)...));
        return future<R>(detail::future_handle<R>(std::move(s)));
    }
    auto s = std::make_shared<detail::future_state<R>>(std::string_view{}, where);
    thread t(
        thread_name(std::string_view{}, where),
        [where](std::shared_ptr<detail::future_state<R>> state, std::decay_t<F> fn, std::decay_t<Args>... a) {
            state->store_result_of([&]() -> R { return std::invoke(std::move(fn), std::move(a)...); });
            state->finish(where);
        },
        s, std::forward<F>(f), std::forward<Args>(args)...);
    s->run_by(t.native_handle());
    t.detach();  // joined by the last future (detail::future_state_base::drop_handle)
    return future<R>(detail::future_handle<R>(std::move(s)));
}

template <class F, class... Args>
    requires(!std::is_convertible_v<F, launch_policy> && std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...>)
[[nodiscard]] auto async(F&& f, Args&&... args) {
    return async(launch_policy(launch::async | launch::deferred, {}), std::forward<F>(f), std::forward<Args>(args)...);
}

} // namespace lockstep
