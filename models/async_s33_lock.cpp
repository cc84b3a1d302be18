// S33 (document 002, part 8 "Asyncio Equivalents", asyncio_lock_demo): five
// worker coroutines gathered on one loop, each `async with lock:` around an
// `await asyncio.sleep(0.1)`. The lock is held across the await, so while one
// worker sleeps the others queue for it: never two inside. Kept at the
// document's 5 workers; the sleep is 100 ms of logical time.
#include <chrono>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s33_async_lock_demo() {
    model m;
    m.scenario = "S33";
    m.name = "s33_async_lock_demo";
    m.summary = "asyncio.Lock: 5 gathered workers, `async with lock` around an await: never two inside";
    m.body = [] {
        asyncio::event_loop loop;
        asyncio::lock lock("lock");
        int inside = 0;
        auto worker = [&](int id) -> asyncio::task<void> {
            auto held = co_await lock.scoped();  // async with lock:
            ++inside;
            LOCKSTEP_ASSERT(inside == 1, "two workers inside the asyncio lock");
            co_await asyncio::sleep(100ms);
            --inside;
            (void)id;
        };
        auto demo = [&]() -> asyncio::task<void> {
            co_await asyncio::gather(worker(0).named("worker 0"), worker(1).named("worker 1"),
                                   worker(2).named("worker 2"), worker(3).named("worker 3"),
                                   worker(4).named("worker 4"));
        };
        loop.run(demo().named("asyncio_lock_demo"));
    };
    return m;
}

} // namespace lockstep::models
