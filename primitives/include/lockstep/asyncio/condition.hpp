#pragma once
// lockstep::asyncio::condition: asyncio.Condition over an async lock (its own, or
// one given). wait() releases the lock, waits for a notify, and reacquires the
// lock before it returns, also when cancelled (then it rethrows). wait() and
// notify() by a task that does not hold the lock are errors (asyncio's
// RuntimeError), reported as misuse.
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <source_location>
#include <string_view>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/lock.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

class condition {
public:
    explicit condition(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_condition, name, created)),
          own_(std::in_place, std::string_view{}, created), lock_(&*own_) {}
    explicit condition(lock& l, std::string_view name = {},
                       std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_condition, name, created)), lock_(&l) {}
    condition(const condition&) = delete;
    condition& operator=(const condition&) = delete;

    // The lock's interface: `auto held = co_await cond.scoped();` is `async with condition:`.
    task<void> acquire(std::source_location where = std::source_location::current()) { return lock_->acquire(where); }
    task<scoped_release<lock>> scoped(std::source_location where = std::source_location::current()) {
        return lock_->scoped(where);
    }
    void release(std::source_location where = std::source_location::current()) { lock_->release(where); }
    bool locked() const noexcept { return lock_->locked(); }

    task<void> wait(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "condition::wait", where);
        detail::task_state& me = co_await detail::current_task{};
        require_held(me, "wait", where);
        lock_->release(where);
        const detail::wait_end end = co_await detail::wait_in(waiters_, id_, "a notify of", where);
        // A notify that reached a task cancelled before it ran goes to the next waiter.
        if (end.cancelled && end.was_woken) wake(loop, 1);
        // Reacquire the lock whatever happens (asyncio does, retrying when cancelled).
        bool cancelled = end.cancelled;
        for (;;) {
            try {
                co_await lock_->acquire(where);
                break;
            } catch (const cancelled_error&) {
                cancelled = true;
            }
        }
        if (cancelled) throw cancelled_error();
    }

    // Waits until pred() holds, checking it first (asyncio's wait_for(predicate)).
    template <class Predicate>
    task<void> wait_for(Predicate pred, std::source_location where = std::source_location::current()) {
        while (!pred()) co_await wait(where);
    }

    void notify(std::size_t n = 1, std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "condition::notify", where);
        require_held(*loop.running(), "notify", where);
        wake(loop, n);
    }
    void notify_all(std::source_location where = std::source_location::current()) {
        notify(std::numeric_limits<std::size_t>::max(), where);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    void require_held(const detail::task_state& me, std::string_view what, std::source_location where) const {
        if (lock_->locked() && lock_->holder() == &me) return;
        detail::fail(failure_kind::misuse,
                     [&] {
                         return fmt::format("{} on {} by {}, which does not hold its lock {} ({}; asyncio: "
                                            "RuntimeError \"cannot {} on un-acquired lock\")",
                                            what, lockstep::detail::object_label(id_), me.label(),
                                            lockstep::detail::object_label(lock_->object()),
                                            lock_->locked() ? "another task holds it" : "it is not locked",
                                            what);
                     },
                     where);
    }
    void wake(detail::loop_core& loop, std::size_t n) {
        for (detail::waiter* w = waiters_.first(); w != nullptr && n > 0; w = w->next)
            if (w->state == detail::waiter::status::waiting) {
                loop.wake(*w);
                --n;
            }
    }

    detail::object_id id_;
    detail::loop_core* bound_ = nullptr;
    std::optional<lock> own_;
    lock* lock_;
    detail::waiter_queue waiters_;
};

} // namespace lockstep::asyncio
