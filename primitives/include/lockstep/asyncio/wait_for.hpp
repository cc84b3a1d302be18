#pragma once
// wait_for(t, d): awaits t, but cancels it once d of logical time has passed
// and throws timeout_error instead (asyncio.wait_for, and asyncio.timeout as
// timeout(d, t)). The expiry is a timer callback of the loop: when it falls due
// at the same instant as what t waits for, both orders are explored.
#include <chrono>
#include <memory>
#include <source_location>
#include <utility>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>
#include <lockstep/clock.hpp>

namespace lockstep::asyncio {

template <class T, class Rep, class Period>
task<T> wait_for(task<T> t, std::chrono::duration<Rep, Period> timeout,
                 std::source_location where = std::source_location::current()) {
    detail::task_state& me = co_await detail::current_task{};
    detail::loop_core& loop = *me.loop;
    bool expired = false;
    const std::shared_ptr<detail::callback> timer = loop.call_at(
        lockstep::detail::deadline_after(timeout),
        [&me, &expired, &loop] {
            expired = true;
            loop.cancel(me);
        },
        where);
    struct disarm {
        detail::callback& c;
        ~disarm() { c.cancelled = true; }
    } guard{*timer};
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(t);
            co_return;
        } else {
            co_return co_await std::move(t);
        }
    } catch (const cancelled_error&) {
        if (!expired) throw;
    }
    throw timeout_error();
}

// asyncio.timeout(d): the same, with the duration first.
template <class T, class Rep, class Period>
task<T> timeout(std::chrono::duration<Rep, Period> d, task<T> t,
                std::source_location where = std::source_location::current()) {
    return wait_for(std::move(t), d, where);
}

} // namespace lockstep::asyncio
