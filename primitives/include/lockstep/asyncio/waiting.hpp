#pragma once
// The two awaitables the async primitives are built from: the awaiting task
// itself (no suspension), and a wait in a primitive's queue of waiters.
#include <coroutine>
#include <source_location>
#include <string_view>

#include <lockstep/asyncio/core.hpp>

namespace lockstep::asyncio::detail {

// co_await current_task{}: the task running this coroutine; never suspends.
struct current_task {
    task_state* owner = nullptr;
    void bind(task_state& t, std::source_location) { owner = &t; }
    bool await_ready() const noexcept { return true; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    task_state& await_resume() const noexcept { return *owner; }
};

// How a wait in a queue ended.
struct wait_end {
    bool cancelled = false;  // the task was cancelled: the caller cleans up, then throws cancelled_error
    bool was_woken = false;  // it had been woken (granted) before the cancellation arrived
};

// co_await wait_in{queue, ...}: suspends the task at the end of a primitive's
// queue until the primitive wakes it (or it is cancelled).
class wait_in {
public:
    wait_in(waiter_queue& queue, object_id object, std::string_view what, std::source_location where,
            std::string (*describe)(const waiter&) = nullptr, void* context = nullptr)
        : queue_(queue) {
        w_.object = object;
        w_.what = what;
        w_.where = where;
        w_.describe = describe;
        w_.context = context;
    }
    void bind(task_state& t, std::source_location) { owner_ = &t; }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        queue_.push(w_);
        owner_->loop->suspend(*owner_, w_, h);
    }
    wait_end await_resume() {
        queue_.remove(w_);
        const bool cancelled = owner_->loop->resumed(*owner_);
        return {cancelled, w_.state == waiter::status::woken};
    }

private:
    waiter_queue& queue_;
    task_state* owner_ = nullptr;
    waiter w_{};
};

// The primitive's loop, checked against the one running the caller (asyncio binds a primitive to one loop).
inline loop_core& loop_for(loop_core*& bound, object_id primitive, std::string_view operation,
                           std::source_location where) {
    loop_core& loop = loop_core::running_loop(operation, where);
    loop.check_bound(bound, primitive, where);
    return loop;
}

// Wakes the first waiter still waiting; false when there is none.
inline bool wake_first(loop_core* loop, waiter_queue& queue) {
    for (waiter* w = queue.first(); w != nullptr; w = w->next)
        if (w->state == waiter::status::waiting) {
            loop->wake(*w);
            return true;
        }
    return false;
}

} // namespace lockstep::asyncio::detail
