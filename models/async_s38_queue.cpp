// S38 (document 002, part 8, and the asyncio queue example it links to): a
// producer puts items into an asyncio.Queue(maxsize) and then a None sentinel;
// a consumer gets each, processes it and calls task_done() (also for the
// sentinel, after which it stops); main awaits the producer, then
// `await queue.join()`, which returns only once every item is task_done().
// The variant that forgets task_done() leaves join() waiting forever: a
// deadlock that names the task awaiting join. Scaled to 2 items and maxsize 1.
#include <optional>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool CallsTaskDone>
void queue_demo() {
    constexpr int items = 2;
    asyncio::event_loop loop;
    asyncio::queue<std::optional<int>> queue(1, "queue");
    int processed = 0;
    auto producer = [&]() -> asyncio::task<void> {
        for (int item = 1; item <= items; ++item) co_await queue.put(item);
        co_await queue.put(std::nullopt);  // the None sentinel
    };
    auto consumer = [&]() -> asyncio::task<void> {
        for (;;) {
            const std::optional<int> item = co_await queue.get();
            if (item) ++processed;
            if (CallsTaskDone) queue.task_done();
            if (!item) co_return;
        }
    };
    auto demo = [&]() -> asyncio::task<void> {
        auto consuming = asyncio::create_task(consumer(), "consumer");
        co_await asyncio::create_task(producer(), "producer");
        co_await queue.join();  // every item's task_done()
        LOCKSTEP_ASSERT(processed == items, "join() returned before every item was processed");
        co_await std::move(consuming);
    };
    loop.run(demo().named("main"));
}

} // namespace

model s38_async_queue_join() {
    model m;
    m.scenario = "S38";
    m.name = "s38_async_queue_join";
    m.summary = "asyncio.Queue producer/consumer with a None sentinel, task_done() and join()";
    m.body = [] { queue_demo<true>(); };
    return m;
}

model s38_async_queue_no_task_done() {
    model m;
    m.scenario = "S38";
    m.name = "s38_async_queue_no_task_done";
    m.summary = "the consumer forgets task_done(): queue.join() waits forever (deadlock)";
    m.expected_failure = failure_kind::deadlock;
    m.body = [] { queue_demo<false>(); };
    return m;
}

} // namespace lockstep::models
