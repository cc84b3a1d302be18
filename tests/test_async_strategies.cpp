// lockstep::asyncio under every strategy: failures found by each, tokens that
// replay, and dpor agreeing with dfs on models that mix event loops and threads.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;
namespace asyncio = lockstep::asyncio;

std::set<std::string> outcome_values(const lockstep::result& r, const std::string& name) {
    std::set<std::string> values;
    if (auto it = r.outcomes.find(name); it != r.outcomes.end())
        for (const auto& [value, count] : it->second) values.insert(value);
    return values;
}

// A thread hands the loop callbacks while two tasks update a counter across an
// await; an atomic shared with the thread is read inside a task.
void mixed_thread_and_loop() {
    asyncio::event_loop loop;
    lockstep::atomic<int> flag(0, "flag");
    asyncio::event posted;
    int counter = 0;
    lockstep::thread poster(lockstep::thread_name("poster"), [&] {
        flag.store(1);
        loop.call_soon_threadsafe([&] {
            ++counter;
            posted.set();
        });
    });
    auto bump = [&]() -> asyncio::task<void> {
        const int seen = counter;
        co_await asyncio::sleep(0);
        counter = seen + 1;
    };
    auto main_task = [&]() -> asyncio::task<void> {
        lockstep::observe("flag seen", flag.load());
        co_await asyncio::gather(bump(), bump());
        co_await posted.wait();
    };
    loop.run(main_task());
    poster.join();
    lockstep::observe("counter", counter);
    LOCKSTEP_ASSERT(counter >= 2);
}

// Two loops on two threads: a task of one schedules a coroutine on the other,
// whose result the main thread then waits for.
void two_loops() {
    asyncio::event_loop left("left"), right("right");
    asyncio::event right_done;
    auto value = [](int v) -> asyncio::task<int> {
        co_await asyncio::sleep(0);
        co_return v;
    };
    lockstep::thread other(lockstep::thread_name("right thread"), [&] {
        auto main_task = [&]() -> asyncio::task<void> { co_await right_done.wait(); };
        right.run(main_task());
    });
    std::optional<asyncio::thread_future<int>> result;
    auto main_task = [&]() -> asyncio::task<void> {
        result.emplace(right.run_coroutine_threadsafe(value(7)));
        co_await asyncio::sleep(1ms);
    };
    left.run(main_task());
    lockstep::observe("value", result->get());
    right.call_soon_threadsafe([&] { right_done.set(); });
    other.join();
}

// A producer thread and a consumer task exchange items through an atomic
// slot; the task polls with sleep(0) between tries, up to a bound.
void polling_task() {
    asyncio::event_loop loop;
    lockstep::atomic<int> slot(0, "slot");
    lockstep::thread producer(lockstep::thread_name("producer"), [&] { slot.store(5); });
    auto consumer = [&]() -> asyncio::task<int> {
        for (int tries = 0; tries < 2; ++tries) {
            const int v = slot.load();
            if (v != 0) co_return v;
            co_await asyncio::sleep(0);
        }
        co_return -1;
    };
    lockstep::observe("got", loop.run(consumer()));
    producer.join();
}

// A task polls an atomic with sleep(0) until another thread sets it: the fair
// scheduler lets the thread run (the poll sees nothing new), so it ends.
void unbounded_poll() {
    asyncio::event_loop loop;
    lockstep::atomic<int> flag(0, "flag");
    lockstep::thread setter(lockstep::thread_name("setter"), [&] { flag.store(1); });
    auto poll = [&]() -> asyncio::task<int> {
        int rounds = 0;
        while (flag.load() == 0) {
            ++rounds;
            co_await asyncio::sleep(0);
        }
        co_return rounds;
    };
    auto other = []() -> asyncio::task<void> {
        for (int i = 0; i < 2; ++i) co_await asyncio::sleep(0);
    };
    auto main_task = [&]() -> asyncio::task<void> { (void)co_await asyncio::gather(poll(), other()); };
    loop.run(main_task());
    setter.join();
}

} // namespace

TEST_CASE("async: every strategy finds the lost update across an await, and its token replays") {
    const lockstep::model& m = lockstep::models::find("s40_check_then_act_across_await");
    for (lockstep::strategy s : {lockstep::strategy::dfs, lockstep::strategy::dpor, lockstep::strategy::random,
                                 lockstep::strategy::pct}) {
        CAPTURE(static_cast<int>(s));
        lockstep::options o;
        o.strategy = s;
        o.max_executions = 1000;
        const lockstep::result found = lockstep::run_model(m, o, true);
        REQUIRE(found.failure);
        CHECK(found.failure->kind == lockstep::failure_kind::assertion);
        lockstep::options again_options = m.settings;
        again_options.name = m.name;
        again_options.replay_command = "lockstep-models --replay " + m.name;
        const lockstep::result again = lockstep::replay(m.body, found.failure->token, again_options);
        REQUIRE(again.failure);
        CHECK(again.failure->token == found.failure->token);
        CHECK(again.failure->message == found.failure->message);
        CHECK(again.failure->traces.at(0).steps.size() == found.failure->traces.at(0).steps.size());
    }
}

TEST_CASE("async: random and pct run passing async models without a failure") {
    for (const char* name : {"s33_async_lock_demo", "s34_async_semaphore_fetches", "s36_async_condition_while",
                             "s38_async_queue_join"}) {
        CAPTURE(name);
        for (lockstep::strategy s : {lockstep::strategy::random, lockstep::strategy::pct}) {
            lockstep::options o;
            o.strategy = s;
            o.max_executions = 300;
            const lockstep::result r = lockstep::run_model(lockstep::models::find(name), o, true);
            CHECK(r.ok());
            CHECK(r.executions == 300);
        }
    }
}

TEST_CASE("async: the report names the task of each turn and the line it resumes at") {
    const lockstep::model& m = lockstep::models::find("s40_check_then_act_across_await");
    const lockstep::result r = lockstep::run_model(m, {}, false);
    REQUIRE(r.failure);
    const auto& steps = r.failure->traces.at(0).steps;
    bool named = false;
    for (const auto& s : steps) {
        CHECK(s.operation == "resume");
        CHECK(s.location.find("async_s40_check_then_act.cpp:") != std::string::npos);
        named = named || s.object == "increment 2";
    }
    CHECK(named);
}

TEST_CASE("async: dpor agrees with dfs on models that mix event loops and threads") {
    const std::pair<std::string, std::function<void()>> models[] = {
        {"mixed_thread_and_loop", mixed_thread_and_loop},
        {"two_loops", two_loops},
        {"polling_task", polling_task},
        {"unbounded_poll", unbounded_poll},
    };
    for (const auto& [name, body] : models) {
        CAPTURE(name);
        lockstep::options dfs, dpor;
        dfs.strategy = lockstep::strategy::dfs;
        dpor.strategy = lockstep::strategy::dpor;
        dfs.stop_on_failure = dpor.stop_on_failure = false;
        const lockstep::result a = lockstep::explore(body, dfs);
        const lockstep::result b = lockstep::explore(body, dpor);
        INFO(a);
        INFO(b);
        REQUIRE(a.complete);
        CHECK(b.complete);
        CHECK(a.ok() == b.ok());
        CHECK(b.executions <= a.executions);
        for (const auto& [outcome, counts] : a.outcomes) {
            CAPTURE(outcome);
            CHECK(outcome_values(b, outcome) == outcome_values(a, outcome));
        }
        MESSAGE(fmt::format("{}: dfs {} executions, dpor {} ({} redundant)", name, a.executions, b.executions,
                            b.redundant_executions));
    }
}

TEST_CASE("async: dpor agrees with dfs on every async model of the catalogue, past failures") {
    int compared = 0;
    for (const lockstep::model& m : lockstep::models::catalog()) {
        if (m.scenario < "S33") continue;  // the asyncio scenarios
        CAPTURE(m.name);
        lockstep::options dfs, dpor;
        dfs.strategy = lockstep::strategy::dfs;
        dpor.strategy = lockstep::strategy::dpor;
        lockstep::model whole = m;
        whole.settings.stop_on_failure = false;
        const lockstep::result a = lockstep::run_model(whole, dfs, true);
        const lockstep::result b = lockstep::run_model(whole, dpor, true);
        INFO(a);
        INFO(b);
        REQUIRE(a.complete);
        CHECK(b.complete);
        CHECK(a.ok() == b.ok());
        CHECK((b.failed_executions > 0) == (a.failed_executions > 0));
        for (const auto& [outcome, counts] : a.outcomes)
            CHECK(outcome_values(b, outcome) == outcome_values(a, outcome));
        ++compared;
    }
    CHECK(compared >= 11);
}

TEST_CASE("async: every scenario S33-S40 has a model in the catalogue") {
    std::set<std::string> scenarios;
    for (const lockstep::model& m : lockstep::models::catalog()) scenarios.insert(m.scenario);
    for (int i = 33; i <= 40; ++i) {
        const std::string id = fmt::format("S{:02}", i);
        CAPTURE(id);
        CHECK(scenarios.count(id) == 1);
    }
}
