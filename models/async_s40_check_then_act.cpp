// S40 (document 002, part 8): "I awaited, so surely nobody else ran" is wrong
// both ways. Two tasks do `seen = counter; await asyncio.sleep(0); counter =
// seen + 1`: the await lets the other task run between the read and the
// write, and an update is lost. Without an await in between, the read and the
// write are one turn of the task, which no other task of the loop interrupts:
// no lost update, no lock needed.
#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool AwaitBetween>
void check_then_act() {
    asyncio::event_loop loop;
    int counter = 0;
    auto increment = [&]() -> asyncio::task<void> {
        const int seen = counter;
        if constexpr (AwaitBetween) co_await asyncio::sleep(0);
        counter = seen + 1;
        co_await asyncio::sleep(0);
    };
    auto demo = [&]() -> asyncio::task<void> {
        co_await asyncio::gather(increment().named("increment 1"), increment().named("increment 2"));
    };
    loop.run(demo().named("main"));
    observe("counter", counter);
    LOCKSTEP_ASSERT(counter == 2, "lost update: both tasks read the counter before either wrote it");
}

} // namespace

model s40_check_then_act_across_await() {
    model m;
    m.scenario = "S40";
    m.name = "s40_check_then_act_across_await";
    m.summary = "seen = counter; await sleep(0); counter = seen + 1 in two tasks: lost update";
    m.expected_failure = failure_kind::assertion;
    m.body = [] { check_then_act<true>(); };
    return m;
}

model s40_check_then_act_one_turn() {
    model m;
    m.scenario = "S40";
    m.name = "s40_check_then_act_one_turn";
    m.summary = "the same with no await between read and write: one turn, no lost update";
    m.body = [] { check_then_act<false>(); };
    m.expected_outcomes = {{"counter", {"2"}}};
    return m;
}

} // namespace lockstep::models
