#pragma once
// lockstep::asyncio::lock: asyncio.Lock. `co_await l.acquire()` takes it without
// yielding when it is free and nobody queues for it; otherwise the task waits,
// in arrival order. release() when it is not locked is an error (asyncio's
// RuntimeError), reported as misuse. `auto held = co_await l.scoped();` is
// `async with lock:`. The lock binds to the loop that first uses it.
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

// Releases what it holds when it goes out of scope (the end of `async with`).
template <class Primitive>
class [[nodiscard]] scoped_release {
public:
    scoped_release(Primitive& p, std::source_location where) : p_(&p), where_(where) {}
    scoped_release(scoped_release&& other) noexcept : p_(std::exchange(other.p_, nullptr)), where_(other.where_) {}
    scoped_release& operator=(scoped_release&&) = delete;
    ~scoped_release() {
        if (p_ != nullptr) p_->release(where_);
    }

private:
    Primitive* p_;
    std::source_location where_;
};

class lock {
public:
    explicit lock(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_lock, name, created)) {}
    lock(const lock&) = delete;
    lock& operator=(const lock&) = delete;

    bool locked() const noexcept { return locked_; }

    task<void> acquire(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "lock::acquire", where);
        detail::task_state& me = co_await detail::current_task{};
        if (!locked_ && all_cancelled()) {
            take(me, where);
            co_return;
        }
        const detail::wait_end end = co_await detail::wait_in(waiters_, id_, "acquire of", where, &holder_text, this);
        if (end.cancelled) {
            if (!locked_) wake_first(loop);
            throw cancelled_error();
        }
        take(me, where);
    }

    // `async with lock:` — co_await it; the lock is released where the result goes out of scope.
    task<scoped_release<lock>> scoped(std::source_location where = std::source_location::current()) {
        co_await acquire(where);
        co_return scoped_release<lock>(*this, where);
    }

    void release(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "lock::release", where);
        if (!locked_)
            detail::fail(failure_kind::misuse,
                         [&] {
                             return fmt::format("release of {}, which is not locked (asyncio: RuntimeError \"Lock is "
                                                "not acquired\")",
                                                lockstep::detail::object_label(id_));
                         },
                         where);
        locked_ = false;
        holder_ = nullptr;
        wake_first(loop);
    }

    detail::object_id object() const noexcept { return id_; }
    // The task that acquired it last, while it is locked (asyncio's lock has no owner: for reports).
    const detail::task_state* holder() const noexcept { return holder_; }

private:
    bool all_cancelled() const {
        bool all = true;
        waiters_.each([&all](const detail::waiter& w) { all = all && w.state == detail::waiter::status::cancelled; });
        return all;
    }
    // asyncio wakes the first waiter only, if it is still waiting; a cancelled
    // first waiter passes the lock on when it resumes.
    void wake_first(detail::loop_core& loop) {
        if (detail::waiter* w = waiters_.first(); w != nullptr) loop.wake(*w);
    }
    void take(detail::task_state& me, std::source_location where) {
        locked_ = true;
        holder_ = &me;
        since_ = where;
    }
    static std::string holder_text(const detail::waiter& w) {
        const lock& l = *static_cast<const lock*>(w.context);
        if (!l.locked_) return ", which is free (the task it was passed to has not run yet)";
        return fmt::format(", held by {} (acquired at {})", l.holder_->name, detail::where_text(l.since_));
    }

    detail::object_id id_;
    detail::loop_core* bound_ = nullptr;
    bool locked_ = false;
    detail::task_state* holder_ = nullptr;
    std::source_location since_{};
    detail::waiter_queue waiters_;
};

} // namespace lockstep::asyncio
