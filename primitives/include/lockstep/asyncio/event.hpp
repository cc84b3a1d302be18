#pragma once
// lockstep::asyncio::event: asyncio.Event. `co_await e.wait()` returns at once
// when the flag is set; otherwise the task waits until set() wakes every
// waiting task (even if clear() follows before they run).
#include <source_location>
#include <string_view>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

class event {
public:
    explicit event(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_event, name, created)) {}
    event(const event&) = delete;
    event& operator=(const event&) = delete;

    void set(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "event::set", where);
        if (flag_) return;
        flag_ = true;
        waiters_.each([&loop](detail::waiter& w) { loop.wake(w); });
    }
    void clear(std::source_location where = std::source_location::current()) {
        detail::loop_for(bound_, id_, "event::clear", where);
        flag_ = false;
    }
    bool is_set() const noexcept { return flag_; }

    task<bool> wait(std::source_location where = std::source_location::current()) {
        detail::loop_for(bound_, id_, "event::wait", where);
        if (flag_) co_return true;
        const detail::wait_end end = co_await detail::wait_in(waiters_, id_, "wait on", where);
        if (end.cancelled) throw cancelled_error();
        co_return true;
    }

    detail::object_id object() const noexcept { return id_; }

private:
    detail::object_id id_;
    detail::loop_core* bound_ = nullptr;
    bool flag_ = false;
    detail::waiter_queue waiters_;
};

} // namespace lockstep::asyncio
