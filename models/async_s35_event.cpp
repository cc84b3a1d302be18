// S35 (document 002, part 8, asyncio_event_demo): a producer sleeps 1 s and
// sets an asyncio.Event; three consumers `await event.wait()`; all four are
// gathered. No consumer passes its wait before the set, and every consumer is
// released by the one set().
#include <chrono>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s35_async_event() {
    model m;
    m.scenario = "S35";
    m.name = "s35_async_event";
    m.summary = "asyncio.Event: a producer sets it after a sleep, 3 consumers wait: none passes before the set";
    m.body = [] {
        asyncio::event_loop loop;
        asyncio::event event("event");
        bool produced = false;
        int received = 0;
        auto producer = [&]() -> asyncio::task<void> {
            co_await asyncio::sleep(1s);
            produced = true;
            event.set();  // signal consumers
        };
        auto consumer = [&](int) -> asyncio::task<void> {
            co_await event.wait();
            LOCKSTEP_ASSERT(produced, "a consumer passed event.wait() before the producer set it");
            ++received;  // "Consumer <cid>: event received"
        };
        auto demo = [&]() -> asyncio::task<void> {
            co_await asyncio::gather(producer().named("producer"), consumer(1).named("consumer 1"),
                                   consumer(2).named("consumer 2"), consumer(3).named("consumer 3"));
        };
        loop.run(demo().named("asyncio_event_demo"));
        LOCKSTEP_ASSERT(received == 3, "a consumer was not released by the set");
    };
    return m;
}

} // namespace lockstep::models
