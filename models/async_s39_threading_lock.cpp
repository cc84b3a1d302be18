// S39 (document 002, part 8, the warning "Do Not Mix Threading and Asyncio
// Primitives": threading.Lock inside a coroutine blocks the entire event
// loop): two tasks of one loop take a threading lock (lockstep::mutex) and hold
// it across an await. When the second task asks for the lock the first holds,
// the loop's thread blocks, and the first task, which would release it, can
// never run again. The checker reports "blocks the event loop" there, naming
// the task and the line.
#include <chrono>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s39_threading_lock_in_task() {
    model m;
    m.scenario = "S39";
    m.name = "s39_threading_lock_in_task";
    m.summary = "a threading lock held across an await by two tasks of one loop: blocks the event loop";
    m.expected_failure = failure_kind::blocks_event_loop;
    m.body = [] {
        asyncio::event_loop loop;
        lockstep::mutex lock("threading_lock");
        auto worker = [&]() -> asyncio::task<void> {
            lock.lock();  // with threading.Lock(): -- wrong inside a coroutine
            co_await asyncio::sleep(100ms);
            lock.unlock();
        };
        auto demo = [&]() -> asyncio::task<void> {
            co_await asyncio::gather(worker().named("worker 1"), worker().named("worker 2"));
        };
        loop.run(demo().named("main"));
    };
    return m;
}

} // namespace lockstep::models
