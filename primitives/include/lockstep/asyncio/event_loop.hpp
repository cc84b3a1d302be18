#pragma once
// lockstep::asyncio::event_loop: asyncio's event loop, run by a lockstep thread.
// run(task) runs turns until the task finishes: each turn is a step of that
// thread in which the checker picks the ready task or callback to run (every
// order is explored; order::fifo keeps asyncio's), which then runs to its next
// real suspension while no other task of the loop runs. Other threads keep
// interleaving with the loop's thread at every visible operation. Time is the
// checker's logical clock: sleep() and call_later() wait for it, and it moves
// only when no thread can move otherwise.
#include <chrono>
#include <functional>
#include <memory>
#include <source_location>
#include <string_view>
#include <utility>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/future.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/clock.hpp>

namespace lockstep::asyncio {

// A callback scheduled by call_soon or call_later (asyncio.Handle / TimerHandle).
class callback_handle {
public:
    callback_handle() = default;
    explicit callback_handle(std::shared_ptr<detail::callback> c) : call_(std::move(c)) {}
    // The callback will not run (if it has not yet).
    void cancel() {
        if (call_) call_->cancelled = true;
    }
    bool cancelled() const { return call_ && call_->cancelled; }

private:
    std::shared_ptr<detail::callback> call_;
};

class event_loop : public detail::loop_core {
public:
    // Without an order, options.task_order's (any unless set).
    explicit event_loop(std::string_view name = {}, std::optional<order> o = std::nullopt,
                        std::source_location created = std::source_location::current())
        : loop_core(name, o, created) {}
    explicit event_loop(order o, std::source_location created = std::source_location::current())
        : loop_core({}, o, created) {}

    // Runs the loop on the calling thread until `main` finishes, and returns its
    // result (asyncio.run / run_until_complete). Then every other task the program
    // awaited is let finish (cancelled if pending), as asyncio.run does; a task
    // nobody awaited that is still pending, or an exception nobody retrieved, is a failure.
    template <class T>
    T run(task<T> main, std::source_location where = std::source_location::current()) {
        main.schedule(*this, {}, where);
        run_until(*main.state(), where);
        return main.result(where);
    }

    // Schedules `t` as a task of this loop (asyncio.create_task); its first turn
    // comes later. The returned task may be awaited, cancelled, gathered.
    template <class T>
    task<T> create_task(task<T> t, std::string_view name = {},
                        std::source_location where = std::source_location::current()) {
        t.schedule(*this, name, where);
        return t;
    }

    // Runs `fn` in a turn of its own, soon.
    callback_handle call_soon(std::function<void()> fn, std::source_location where = std::source_location::current()) {
        check_thread("call_soon", where);
        return callback_handle(loop_core::call_soon(std::move(fn), where));
    }
    // Runs `fn` in a turn of its own once the logical clock has moved by `delay`.
    template <class Rep, class Period>
    callback_handle call_later(std::chrono::duration<Rep, Period> delay, std::function<void()> fn,
                               std::source_location where = std::source_location::current()) {
        check_thread("call_later", where);
        return callback_handle(call_at(lockstep::detail::deadline_after(delay), std::move(fn), where));
    }
    // From any thread (the only way in from another thread): `fn` runs in a turn of the loop.
    void call_soon_threadsafe(std::function<void()> fn, std::source_location where = std::source_location::current()) {
        loop_core::call_soon_threadsafe(std::move(fn), where);
    }
    // From another thread: schedules `t` on this loop and returns a future that
    // thread can wait on (asyncio.run_coroutine_threadsafe).
    template <class T>
    thread_future<T> run_coroutine_threadsafe(task<T> t, std::source_location where = std::source_location::current()) {
        thread_future<T> result(where);
        auto body = std::make_shared<task<T>>(std::move(t));
        call_soon_threadsafe(
            [this, body, result, where]() mutable {
                auto wrapper = [](task<T> inner, thread_future<T> out) -> task<void> {
                    try {
                        if constexpr (std::is_void_v<T>) {
                            co_await std::move(inner);
                            out.set_value();
                        } else {
                            out.set_value(co_await std::move(inner));
                        }
                    } catch (...) {
                        out.set_exception(std::current_exception());
                    }
                };
                // Awaited by the other thread through the future.
                create_task(wrapper(std::move(*body), result), {}, where).state()->awaited = true;
            },
            where);
        return result;
    }

    // The logical clock (asyncio's loop.time()).
    static std::chrono::nanoseconds time() { return std::chrono::nanoseconds(lockstep::detail::now()); }

private:
    void check_thread(std::string_view what, std::source_location where) {
        loop_core* running = of_this_thread();
        if (running != nullptr && running != this)
            detail::fail(failure_kind::misuse,
                         [&] {
                             return fmt::format("{} on event loop {} from a task of event loop {}: a loop is not "
                                                "thread-safe; use call_soon_threadsafe",
                                                what, label(), running->label());
                         },
                         where);
    }
};

// Runs `main` on a new event loop on the calling thread (asyncio.run).
template <class T>
T run(task<T> main, std::source_location where = std::source_location::current()) {
    event_loop loop({}, std::nullopt, where);
    return loop.run(std::move(main), where);
}

// Schedules `t` on the running loop (asyncio.create_task).
template <class T>
task<T> create_task(task<T> t, std::string_view name = {},
                    std::source_location where = std::source_location::current()) {
    t.schedule(detail::loop_core::running_loop("create_task", where), name, where);
    return t;
}

namespace detail {

// The awaitable of sleep().
class sleep_awaiter {
public:
    sleep_awaiter(std::int64_t ns, std::source_location where) : ns_(ns), where_(where) {}
    void bind(task_state& t, std::source_location) { owner_ = &t; }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        loop_core& loop = *owner_->loop;
        w_.what = ns_ > 0 ? "sleep" : "sleep(0), a yield";
        w_.where = where_;
        loop.suspend(*owner_, w_, h);
        if (w_.state != waiter::status::waiting) return;  // cancelled already
        if (ns_ <= 0) loop.wake(w_);
        else loop.sleep_until(lockstep::detail::now() + ns_, w_);
    }
    void await_resume() {
        owner_->loop->cancel_sleep(w_);
        if (owner_->loop->resumed(*owner_)) throw cancelled_error();
    }

private:
    std::int64_t ns_;
    std::source_location where_;
    task_state* owner_ = nullptr;
    waiter w_{};
};

} // namespace detail

// Suspends the task for `delay` of logical time; sleep(0) lets the other ready
// tasks run first (a yield), as asyncio.sleep(0) does.
template <class Rep, class Period>
detail::sleep_awaiter sleep(std::chrono::duration<Rep, Period> delay,
                            std::source_location where = std::source_location::current()) {
    const std::int64_t deadline = lockstep::detail::deadline_after(delay);
    return {deadline - lockstep::detail::now(), where};
}
inline detail::sleep_awaiter sleep(int zero, std::source_location where = std::source_location::current()) {
    if (zero != 0)
        detail::fail(failure_kind::misuse,
                     [] { return std::string("sleep(n) with a plain number: give a duration (sleep(100ms))"); }, where);
    return {0, where};
}

} // namespace lockstep::asyncio
