// S36 (document 002, part 8, "Asyncio Condition"): a producer appends items to
// a buffer `async with condition`, notify_all()s, and sleeps 0.1 s between
// items; a consumer `async with condition: while not buffer: await
// condition.wait()`, then pops. The document shows one consumer and the
// `while`; as with threading's Condition (S19), an `if` instead of the `while`
// fails once two consumers wait: notify_all() wakes both for one item, and the
// second pops from an empty buffer. Scaled from 5 items to 2, with two
// consumers taking one item each.
#include <chrono>
#include <deque>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

using namespace std::chrono_literals;

template <bool UseWhile>
void condition_demo() {
    constexpr int items = 2;
    asyncio::event_loop loop;
    asyncio::condition condition("condition");
    std::deque<int> buffer;
    int consumed = 0;
    auto producer = [&]() -> asyncio::task<void> {
        for (int i = 0; i < items; ++i) {
            {
                auto held = co_await condition.scoped();  // async with condition:
                buffer.push_back(i);
                condition.notify_all();
            }
            co_await asyncio::sleep(100ms);
        }
    };
    auto consumer = [&]() -> asyncio::task<void> {
        auto held = co_await condition.scoped();
        if constexpr (UseWhile) {
            while (buffer.empty()) co_await condition.wait();
        } else {
            if (buffer.empty()) co_await condition.wait();
        }
        LOCKSTEP_ASSERT(!buffer.empty(), "pop from an empty buffer");
        buffer.pop_front();  // "Consumed: <item>"
        ++consumed;
    };
    auto demo = [&]() -> asyncio::task<void> {
        co_await asyncio::gather(producer().named("producer"), consumer().named("consumer 1"),
                               consumer().named("consumer 2"));
    };
    loop.run(demo().named("asyncio_condition_demo"));
    LOCKSTEP_ASSERT(consumed == items, "an item was not consumed");
}

} // namespace

model s36_async_condition_while() {
    model m;
    m.scenario = "S36";
    m.name = "s36_async_condition_while";
    m.summary = "asyncio.Condition producer/consumer, `while not buffer: await wait()`, two consumers";
    m.body = [] { condition_demo<true>(); };
    return m;
}

model s36_async_condition_if() {
    model m;
    m.scenario = "S36";
    m.name = "s36_async_condition_if";
    m.summary = "the same with `if` instead of `while`: a consumer woken by notify_all pops from an empty buffer";
    m.expected_failure = failure_kind::assertion;
    m.body = [] { condition_demo<false>(); };
    return m;
}

} // namespace lockstep::models
