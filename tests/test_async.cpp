// lockstep::asyncio: tasks, the event loop's turns, asyncio's primitives and their
// errors, cancellation and timeouts, and the failures the checker reports.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "environment_guard.hpp"

namespace {

using namespace std::chrono_literals;
namespace asyncio = lockstep::asyncio;

lockstep::result explore(std::function<void()> model, lockstep::strategy s = lockstep::strategy::dfs) {
    lockstep::options o;
    o.strategy = s;
    return lockstep::explore(std::move(model), o);
}

// Every outcome of `name` over the whole space (also past failures).
std::set<std::string> outcomes(std::function<void()> model, const std::string& name, lockstep::options o) {
    o.stop_on_failure = false;
    const lockstep::result r = lockstep::explore(std::move(model), o);
    std::set<std::string> values;
    if (auto it = r.outcomes.find(name); it != r.outcomes.end())
        for (const auto& [value, count] : it->second) values.insert(value);
    return values;
}

std::set<std::string> outcomes(std::function<void()> model, const std::string& name,
                               lockstep::strategy s = lockstep::strategy::dfs) {
    lockstep::options o;
    o.strategy = s;
    return outcomes(std::move(model), name, o);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("async: a task's result, awaited in place and as a scheduled task") {
    const auto r = explore([] {
        asyncio::event_loop loop;
        auto leaf = [](int x) -> asyncio::task<int> { co_return x * 2; };
        auto main_task = [&]() -> asyncio::task<int> {
            const int a = co_await leaf(1);                      // in place
            auto scheduled = asyncio::create_task(leaf(10), "leaf");  // a task of its own
            const int b = co_await scheduled;
            const int c = co_await scheduled;  // a finished task gives its result again
            co_return a + b + c;
        };
        lockstep::observe("sum", loop.run(main_task()));
    });
    CHECK(r.ok());
    CHECK(r.complete);
    REQUIRE(r.outcomes.count("sum") == 1);
    CHECK(r.outcomes.at("sum").begin()->first == "42");
}

TEST_CASE("async: awaiting what is available does not yield, sleep(0) does") {
    // Task A checks then writes with awaits on available things in between: no
    // other task can run there. With sleep(0) in between, B can.
    auto run = [](bool yield) {
        return outcomes(
            [yield] {
                asyncio::event_loop loop;
                asyncio::lock lock;
                int shared = 0;
                auto a = [&]() -> asyncio::task<void> {
                    const int seen = shared;
                    co_await lock.acquire();  // free: no yield
                    lock.release();
                    if (yield) co_await asyncio::sleep(0);
                    shared = seen + 1;
                };
                auto b = [&]() -> asyncio::task<void> {
                    shared += 10;
                    co_return;
                };
                auto main_task = [&]() -> asyncio::task<void> { co_await asyncio::gather(a(), b()); };
                loop.run(main_task());
                lockstep::observe("shared", shared);
            },
            "shared");
    };
    CHECK(run(false) == std::set<std::string>{"11"});
    CHECK(run(true) == std::set<std::string>{"1", "11"});
}

TEST_CASE("async: every order of ready tasks is explored, and order::fifo keeps asyncio's") {
    auto model = [](asyncio::order o) {
        return [o] {
            asyncio::event_loop loop({}, o);
            std::string trace;
            auto step = [&](char c) -> asyncio::task<void> {
                trace += c;
                co_await asyncio::sleep(0);
                trace += c;
            };
            auto main_task = [&]() -> asyncio::task<void> { co_await asyncio::gather(step('a'), step('b'), step('c')); };
            loop.run(main_task());
            lockstep::observe("trace", trace);
        };
    };
    const auto any = outcomes(model(asyncio::order::any), "trace");
    CHECK(any.size() > 6);
    CHECK(any.count("abcabc") == 1);
    CHECK(any.count("cbacba") == 1);
    CHECK(any.count("aabbcc") == 1);
    CHECK(outcomes(model(asyncio::order::fifo), "trace") == std::set<std::string>{"abcabc"});
}

TEST_CASE("async: options.task_order and LOCKSTEP_TASK_ORDER set the order of loops constructed without one") {
    // The first turns of two tasks: either may run first, unless FIFO order is asked for.
    auto model = [](std::optional<asyncio::order> o) {
        return [o] {
            asyncio::event_loop loop({}, o);
            std::string trace;
            auto step = [&](char c) -> asyncio::task<void> {
                trace += c;
                co_return;
            };
            auto main_task = [&]() -> asyncio::task<void> { co_await asyncio::gather(step('a'), step('b')); };
            loop.run(main_task());
            lockstep::observe("trace", trace);
        };
    };
    auto traces = [](const std::function<void()>& m, lockstep::task_order order) {
        lockstep::options o;
        o.strategy = lockstep::strategy::dfs;
        o.task_order = order;
        return outcomes(m, "trace", o);
    };
    const std::set<std::string> both{"ab", "ba"}, fifo{"ab"};
    CHECK(traces(model(std::nullopt), lockstep::task_order::any) == both);
    CHECK(traces(model(std::nullopt), lockstep::task_order::fifo) == fifo);
    // A loop's own order wins over the options'.
    CHECK(traces(model(asyncio::order::any), lockstep::task_order::fifo) == both);
    CHECK(traces(model(asyncio::order::fifo), lockstep::task_order::any) == fifo);
    {
        const lockstep::testing::environment_guard env("LOCKSTEP_TASK_ORDER", "fifo");
        CHECK(traces(model(std::nullopt), lockstep::task_order::any) == fifo);
    }
    {
        const lockstep::testing::environment_guard env("LOCKSTEP_TASK_ORDER", "lifo");
        CHECK_THROWS_WITH_AS(traces(model(std::nullopt), lockstep::task_order::any),
                             "lockstep: LOCKSTEP_TASK_ORDER=\"lifo\" is not a task order: expected any or fifo",
                             lockstep::usage_error);
    }
}

TEST_CASE("async: sleep and call_later follow the logical clock") {
    const auto r = explore([] {
        asyncio::event_loop loop;
        std::vector<int> order;
        auto sleeper = [&](int ms) -> asyncio::task<void> {
            co_await asyncio::sleep(std::chrono::milliseconds(ms));
            order.push_back(ms);
            LOCKSTEP_ASSERT(asyncio::event_loop::time() == std::chrono::milliseconds(ms));
        };
        auto main_task = [&]() -> asyncio::task<void> {
            loop.call_later(20ms, [&] { order.push_back(-20); });
            co_await asyncio::gather(sleeper(30), sleeper(10));
        };
        loop.run(main_task());
        LOCKSTEP_ASSERT((order == std::vector<int>{10, -20, 30}));
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("async: a deadlock names every pending task, what it awaits, where, and who holds it") {
    const auto r = explore([] {
        asyncio::event_loop loop;
        asyncio::lock a("a"), b("b");
        auto one = [&]() -> asyncio::task<void> {
            auto ha = co_await a.scoped();
            co_await asyncio::sleep(1ms);
            auto hb = co_await b.scoped();
        };
        auto two = [&]() -> asyncio::task<void> {
            auto hb = co_await b.scoped();
            co_await asyncio::sleep(1ms);
            auto ha = co_await a.scoped();
        };
        auto main_task = [&]() -> asyncio::task<void> {
            co_await asyncio::gather(one().named("one"), two().named("two"));
        };
        loop.run(main_task().named("main task"));
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::deadlock);
    const std::string& m = r.failure->message;
    CHECK(contains(m, "task one (created at"));
    CHECK(contains(m, "awaits acquire of b at"));
    CHECK(contains(m, "held by two"));
    CHECK(contains(m, "task two (created at"));
    CHECK(contains(m, "awaits acquire of a at"));
    CHECK(contains(m, "held by one"));
    CHECK(contains(m, "task main task (created at"));
    CHECK(contains(m, "awaits gather of its tasks"));
    // Relative to the project, as every report's paths (the build passes its root).
    CHECK(contains(m, "(created at tests/test_async.cpp:"));
    CHECK_FALSE(contains(m, LOCKSTEP_PROJECT_ROOT));
}

TEST_CASE("async: a blocking lockstep operation inside a task blocks the event loop") {
    auto blocked = [](std::function<void(lockstep::mutex&, lockstep::condition_variable&,
                                         lockstep::blocking_queue<int>&)> op) {
        return explore([op] {
            asyncio::event_loop loop;
            lockstep::mutex m;
            lockstep::condition_variable cv;
            lockstep::blocking_queue<int> q;
            auto main_task = [&]() -> asyncio::task<void> {
                op(m, cv, q);
                co_return;
            };
            loop.run(main_task().named("blocker"));
        });
    };
    SUBCASE("this_thread::sleep_for") {
        const auto r = blocked([](auto&, auto&, auto&) { lockstep::this_thread::sleep_for(1ms); });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::blocks_event_loop);
        CHECK(contains(r.failure->message, "task blocker"));
        CHECK(contains(r.failure->message, "sleeps"));
        CHECK(contains(r.failure->location, "test_async.cpp"));
    }
    SUBCASE("sleep_for(0) is a yield, no block") {
        CHECK(blocked([](auto&, auto&, auto&) { lockstep::this_thread::sleep_for(0ms); }).ok());
    }
    SUBCASE("a condition_variable wait") {
        const auto r = blocked([](lockstep::mutex& m, lockstep::condition_variable& cv, auto&) {
            std::unique_lock guard(m);
            cv.wait(guard);
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::blocks_event_loop);
    }
    SUBCASE("a blocking queue get on an empty queue") {
        const auto r = blocked([](auto&, auto&, lockstep::blocking_queue<int>& q) { (void)q.get(); });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::blocks_event_loop);
        CHECK(contains(r.failure->message, "would block: get"));
    }
    SUBCASE("a mutex that is free does not block") {
        CHECK(blocked([](lockstep::mutex& m, auto&, auto&) {
                  m.lock();
                  m.unlock();
              }).ok());
    }
}

TEST_CASE("async: a mutex held by another thread blocks the event loop when the task would wait for it") {
    const auto r = explore([] {
        lockstep::mutex m("m");
        lockstep::thread holder([&] {
            m.lock();
            m.unlock();
        });
        asyncio::event_loop loop;
        auto main_task = [&]() -> asyncio::task<void> {
            m.lock();
            m.unlock();
            co_return;
        };
        loop.run(main_task());
        holder.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::blocks_event_loop);
    CHECK(contains(r.failure->message, "would block: lock m"));
}

TEST_CASE("async: a lock kept from an earlier run and taken in a task is reported at the task's line") {
    // Not a static: one would be destroyed by any exit() a later test's model calls.
    lockstep::recursive_mutex* kept = nullptr;
    CHECK(explore([&] { kept = new lockstep::recursive_mutex("kept"); }).ok());
    const auto r = explore([&] {
        asyncio::event_loop loop;
        auto main_task = [&]() -> asyncio::task<void> {
            kept->lock();
            kept->unlock();
            co_return;
        };
        loop.run(main_task());
    });
    delete kept;  // outside any run: nothing to check
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::misuse);
    CHECK(contains(r.failure->message, "from an earlier run"));
    CHECK(r.failure->location.starts_with("tests/test_async.cpp:"));
}

TEST_CASE("async: a task never awaited, an exception never retrieved, a coroutine never awaited") {
    SUBCASE("pending when the loop finishes") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            auto background = []() -> asyncio::task<void> { co_await asyncio::sleep(5ms); };
            auto main_task = [&]() -> asyncio::task<void> {
                auto t = asyncio::create_task(background(), "background");
                co_await asyncio::sleep(1ms);
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "task background (created at"));
        CHECK(contains(r.failure->message, "never awaited"));
    }
    SUBCASE("finished fire-and-forget tasks are fine; cancelled pending ones are run to their end") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            bool cleaned = false;
            auto quick = []() -> asyncio::task<void> { co_return; };
            auto forever = [&]() -> asyncio::task<void> {
                try {
                    co_await asyncio::sleep(1h);
                } catch (const asyncio::cancelled_error&) {
                    cleaned = true;
                    throw;
                }
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto q = asyncio::create_task(quick());
                auto f = asyncio::create_task(forever());
                co_await asyncio::sleep(1ms);
                f.cancel();
            };
            loop.run(main_task());
            LOCKSTEP_ASSERT(cleaned);
        });
        CHECK(r.ok());
    }
    SUBCASE("an exception nobody retrieved") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            auto failing = []() -> asyncio::task<void> {
                throw std::runtime_error("boom");
                co_return;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto t = asyncio::create_task(failing(), "failing");
                co_await asyncio::sleep(1ms);
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::exception);
        CHECK(contains(r.failure->message, "task failing"));
        CHECK(contains(r.failure->message, "never retrieved"));
        CHECK(contains(r.failure->message, "boom"));
    }
    SUBCASE("an exception awaited is retrieved") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            auto failing = []() -> asyncio::task<void> {
                throw std::runtime_error("boom");
                co_return;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto t = asyncio::create_task(failing());
                try {
                    co_await t;
                } catch (const std::runtime_error&) {
                    lockstep::observe("caught", "yes");
                }
            };
            loop.run(main_task());
        });
        CHECK(r.ok());
        CHECK(r.outcomes.count("caught") == 1);
    }
    SUBCASE("a coroutine created and dropped") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            auto work = []() -> asyncio::task<void> { co_return; };
            auto main_task = [&]() -> asyncio::task<void> {
                auto forgotten = work();
                co_return;
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "never awaited"));
    }
    SUBCASE("the main task's exception comes out of run()") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            auto main_task = []() -> asyncio::task<void> {
                throw std::logic_error("main failed");
                co_return;
            };
            bool caught = false;
            try {
                loop.run(main_task());
            } catch (const std::logic_error&) {
                caught = true;
            }
            LOCKSTEP_ASSERT(caught);
        });
        CHECK(r.ok());
    }
}

TEST_CASE("async: lock semantics and errors") {
    SUBCASE("waiters acquire in arrival order") {
        const auto values = outcomes(
            [] {
                asyncio::event_loop loop({}, asyncio::order::fifo);
                asyncio::lock lock;
                std::string order;
                auto worker = [&](char c) -> asyncio::task<void> {
                    auto held = co_await lock.scoped();
                    order += c;
                    co_await asyncio::sleep(1ms);
                };
                auto main_task = [&]() -> asyncio::task<void> {
                    co_await asyncio::gather(worker('a'), worker('b'), worker('c'));
                };
                loop.run(main_task());
                lockstep::observe("order", order);
            },
            "order");
        CHECK(values == std::set<std::string>{"abc"});
    }
    SUBCASE("release when not locked") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::lock lock("lk");
            auto main_task = [&]() -> asyncio::task<void> {
                lock.release();
                co_return;
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "release of lk, which is not locked"));
    }
    SUBCASE("a waiter cancelled while it waits leaves the queue; the lock stays usable") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::lock lock;
            auto holder = [&]() -> asyncio::task<void> {
                auto held = co_await lock.scoped();
                co_await asyncio::sleep(10ms);
            };
            auto waiter = [&]() -> asyncio::task<void> { auto held = co_await lock.scoped(); };
            auto main_task = [&]() -> asyncio::task<void> {
                auto h = asyncio::create_task(holder());
                co_await asyncio::sleep(1ms);  // the holder has the lock
                auto w = asyncio::create_task(waiter());
                co_await asyncio::sleep(1ms);  // the waiter waits for it
                w.cancel();
                bool cancelled = false;
                try {
                    co_await w;
                } catch (const asyncio::cancelled_error&) {
                    cancelled = true;
                }
                LOCKSTEP_ASSERT(cancelled);
                co_await h;
                co_await lock.acquire();  // free again
                lock.release();
            };
            loop.run(main_task());
        });
        INFO(r);
        CHECK(r.ok());
        CHECK(r.complete);
    }
}

TEST_CASE("async: semaphores and their errors") {
    SUBCASE("bounded over-release") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::bounded_semaphore s(1, "pool");
            auto main_task = [&]() -> asyncio::task<void> {
                co_await s.acquire();
                s.release();
                s.release();
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "pool released too many times"));
    }
    SUBCASE("a plain semaphore may exceed its initial value") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::semaphore s(1);
            auto main_task = [&]() -> asyncio::task<void> {
                s.release();
                co_await s.acquire();
                co_await s.acquire();  // two permits: no wait
                LOCKSTEP_ASSERT(s.value() == 0);
            };
            loop.run(main_task());
        });
        CHECK(r.ok());
    }
}

TEST_CASE("async: event, condition, barrier, queue") {
    SUBCASE("set wakes every waiter, even if cleared before they run") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::event e;
            int woken = 0;
            auto waiter = [&]() -> asyncio::task<void> {
                co_await e.wait();
                ++woken;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto w1 = asyncio::create_task(waiter());
                auto w2 = asyncio::create_task(waiter());
                co_await asyncio::sleep(1ms);
                e.set();
                e.clear();
                co_await w1;
                co_await w2;
            };
            loop.run(main_task());
            LOCKSTEP_ASSERT(woken == 2);
        });
        CHECK(r.ok());
    }
    SUBCASE("condition wait and notify without the lock") {
        for (bool wait : {true, false}) {
            CAPTURE(wait);
            const auto r = explore([wait] {
                asyncio::event_loop loop;
                asyncio::condition c("cond");
                auto main_task = [&]() -> asyncio::task<void> {
                    if (wait) co_await c.wait();
                    else c.notify();
                };
                loop.run(main_task().named("careless"));
            });
            REQUIRE(r.failure);
            CHECK(r.failure->kind == lockstep::failure_kind::misuse);
            CHECK(contains(r.failure->message,
                           wait ? "wait on cond by task careless" : "notify on cond by task careless"));
            CHECK(contains(r.failure->message, "does not hold its lock"));
        }
    }
    SUBCASE("condition wait_for a predicate") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::condition c;
            int value = 0;
            auto waiter = [&]() -> asyncio::task<int> {
                auto held = co_await c.scoped();
                co_await c.wait_for([&] { return value >= 2; });
                co_return value;
            };
            auto bumper = [&]() -> asyncio::task<void> {
                for (int i = 0; i < 2; ++i) {
                    auto held = co_await c.scoped();
                    ++value;
                    c.notify_all();
                }
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto [seen, none] = co_await asyncio::gather(waiter(), bumper());
                (void)none;
                LOCKSTEP_ASSERT(seen == 2);
            };
            loop.run(main_task());
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("barrier abort breaks the waiters") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::barrier b(3);
            auto waiter = [&]() -> asyncio::task<void> {
                try {
                    (void)co_await b.wait();
                    LOCKSTEP_ASSERT(false, "passed a barrier of 3 with 2");
                } catch (const asyncio::broken_barrier_error&) {
                }
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto w1 = asyncio::create_task(waiter());
                auto w2 = asyncio::create_task(waiter());
                co_await asyncio::sleep(1ms);
                b.abort();
                co_await w1;
                co_await w2;
            };
            loop.run(main_task());
        });
        CHECK(r.ok());
    }
    SUBCASE("queue maxsize, nowait errors, task_done too many times") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            asyncio::queue<int> q(1);
            auto main_task = [&]() -> asyncio::task<void> {
                q.put_nowait(1);
                bool full = false;
                try {
                    q.put_nowait(2);
                } catch (const asyncio::queue_full&) {
                    full = true;
                }
                LOCKSTEP_ASSERT(full);
                LOCKSTEP_ASSERT(q.get_nowait() == 1);
                bool empty = false;
                try {
                    (void)q.get_nowait();
                } catch (const asyncio::queue_empty&) {
                    empty = true;
                }
                LOCKSTEP_ASSERT(empty);
                q.task_done();
                co_await q.join();  // nothing unfinished: no wait
                q.task_done();      // one too many
            };
            loop.run(main_task());
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "task_done() on"));
    }
}

TEST_CASE("async: a primitive is bound to one loop, and loop operations need a running loop") {
    SUBCASE("two loops on two threads share a lock") {
        const auto r = explore([] {
            asyncio::lock shared("shared");
            auto use = [&]() -> asyncio::task<void> {
                co_await shared.acquire();
                shared.release();
            };
            lockstep::thread other([&] {
                asyncio::event_loop loop("other");
                loop.run(use());
            });
            asyncio::event_loop loop("mine");
            loop.run(use());
            other.join();
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::misuse);
        CHECK(contains(r.failure->message, "shared is bound to event loop"));
    }
    SUBCASE("create_task outside a loop") {
        const auto r = explore([] {
            auto work = []() -> asyncio::task<void> { co_return; };
            auto t = asyncio::create_task(work());
        });
        REQUIRE(r.failure);
        CHECK(contains(r.failure->message, "outside a running lockstep::asyncio event loop"));
    }
}

TEST_CASE("async: cancellation is delivered where the task is suspended") {
    SUBCASE("cancelling the awaiter of a task cancels that task") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            bool inner_cancelled = false;
            auto inner = [&]() -> asyncio::task<void> {
                try {
                    co_await asyncio::sleep(1h);
                } catch (const asyncio::cancelled_error&) {
                    inner_cancelled = true;
                    throw;
                }
            };
            asyncio::task<void> child;
            auto outer = [&]() -> asyncio::task<void> {
                child = asyncio::create_task(inner());
                co_await child;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto o = asyncio::create_task(outer());
                co_await asyncio::sleep(1ms);
                o.cancel();
                try {
                    co_await o;
                } catch (const asyncio::cancelled_error&) {
                }
                LOCKSTEP_ASSERT(o.cancelled());
                LOCKSTEP_ASSERT(child.cancelled());
            };
            loop.run(main_task());
            LOCKSTEP_ASSERT(inner_cancelled);
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("a task cancelled before its first turn never runs its body") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            bool ran = false;
            auto body = [&]() -> asyncio::task<void> {
                ran = true;
                co_return;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                auto t = asyncio::create_task(body());
                t.cancel();
                try {
                    co_await t;
                } catch (const asyncio::cancelled_error&) {
                }
            };
            loop.run(main_task());
            LOCKSTEP_ASSERT(!ran);
        });
        CHECK(r.ok());
    }
    SUBCASE("cancelling a gather cancels its tasks") {
        const auto r = explore([] {
            asyncio::event_loop loop;
            int cancelled = 0;
            auto sleeper = [&]() -> asyncio::task<void> {
                try {
                    co_await asyncio::sleep(1h);
                } catch (const asyncio::cancelled_error&) {
                    ++cancelled;
                    throw;
                }
            };
            auto gathering = [&]() -> asyncio::task<void> { co_await asyncio::gather(sleeper(), sleeper()); };
            auto main_task = [&]() -> asyncio::task<void> {
                auto g = asyncio::create_task(gathering());
                co_await asyncio::sleep(1ms);
                g.cancel();
                try {
                    co_await g;
                } catch (const asyncio::cancelled_error&) {
                }
            };
            loop.run(main_task());
            LOCKSTEP_ASSERT(cancelled == 2);
        });
        CHECK(r.ok());
    }
}

TEST_CASE("async: gather's first exception, and return_exceptions") {
    const auto r = explore([] {
        asyncio::event_loop loop;
        auto ok = []() -> asyncio::task<int> { co_return 1; };
        auto bad = []() -> asyncio::task<int> {
            co_await asyncio::sleep(0);
            throw std::runtime_error("bad");
        };
        auto main_task = [&]() -> asyncio::task<void> {
            bool thrown = false;
            try {
                (void)co_await asyncio::gather(ok(), bad());
            } catch (const std::runtime_error&) {
                thrown = true;
            }
            LOCKSTEP_ASSERT(thrown);
            auto [a, b] = co_await asyncio::gather(asyncio::return_exceptions, ok(), bad());
            LOCKSTEP_ASSERT(a.ok() && a.value() == 1);
            LOCKSTEP_ASSERT(!b.ok());
        };
        loop.run(main_task());
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("async: wait_for explores a timeout and a completion due at the same instant both ways") {
    auto model = [](std::chrono::milliseconds limit) {
        return [limit] {
            asyncio::event_loop loop;
            auto slow = []() -> asyncio::task<int> {
                co_await asyncio::sleep(10ms);
                co_return 7;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                try {
                    lockstep::observe("result", co_await asyncio::wait_for(slow(), limit));
                } catch (const asyncio::timeout_error&) {
                    lockstep::observe("result", "timeout");
                }
            };
            loop.run(main_task());
        };
    };
    CHECK(outcomes(model(10ms), "result") == std::set<std::string>{"7", "timeout"});
    CHECK(outcomes(model(5ms), "result") == std::set<std::string>{"timeout"});
    CHECK(outcomes(model(20ms), "result") == std::set<std::string>{"7"});
}

TEST_CASE("async: other threads hand work to the loop") {
    SUBCASE("call_soon_threadsafe") {
        const auto r = explore(
            [] {
                asyncio::event_loop loop;
                asyncio::event done;
                int value = 0;
                lockstep::thread other([&] {
                    loop.call_soon_threadsafe([&] {
                        value = 5;
                        done.set();
                    });
                });
                auto main_task = [&]() -> asyncio::task<void> { co_await done.wait(); };
                loop.run(main_task());
                other.join();
                LOCKSTEP_ASSERT(value == 5);
            },
            lockstep::strategy::dpor);
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("run_coroutine_threadsafe, and its future's get() from the loop blocks it") {
        const auto values = outcomes(
            [] {
                asyncio::event_loop loop;
                asyncio::event stop;
                auto compute = [](int x) -> asyncio::task<int> {
                    co_await asyncio::sleep(0);
                    co_return x + 1;
                };
                lockstep::thread other([&] {
                    auto f = loop.run_coroutine_threadsafe(compute(41));
                    lockstep::observe("value", f.get());
                    loop.call_soon_threadsafe([&] { stop.set(); });
                });
                auto main_task = [&]() -> asyncio::task<void> { co_await stop.wait(); };
                loop.run(main_task());
                other.join();
            },
            "value", lockstep::strategy::dpor);
        CHECK(values == std::set<std::string>{"42"});

        const auto r = explore([] {
            asyncio::event_loop loop;
            auto compute = []() -> asyncio::task<int> { co_return 1; };
            auto main_task = [&]() -> asyncio::task<void> {
                auto f = loop.run_coroutine_threadsafe(compute());
                (void)f.get();  // waits for a task of its own loop
                co_return;
            };
            loop.run(main_task().named("impatient"));
        });
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::blocks_event_loop);
        CHECK(contains(r.failure->message, "task impatient"));
    }
}

TEST_CASE("async: awaits inside conditions (GCC 12 keeps condition temporaries off the coroutine frame)") {
    const auto r = explore([] {
        asyncio::event_loop loop;
        asyncio::event ev;
        asyncio::queue<int> q;
        asyncio::lock lk;
        int got = 0;
        auto val = [](int v) -> asyncio::task<int> {
            co_await asyncio::sleep(1ms);
            co_return v;
        };
        auto producer = [&]() -> asyncio::task<void> {
            co_await q.put(1);
            co_await q.put(2);
            co_await q.put(0);
            ev.set();
        };
        auto main_task = [&]() -> asyncio::task<void> {
            auto p = asyncio::create_task(producer());
            while ((co_await q.get()) != 0) ++got;
            if (co_await ev.wait()) got += 10;
            auto t = asyncio::create_task(val(5));
            if (co_await t == 5) got += 100;
            if ((co_await asyncio::gather(val(1), val(2))) == std::tuple{1, 2}) got += 1000;
            if (co_await asyncio::wait_for(val(3), 5ms) == 3) got += 10000;
            if (((void)co_await lk.scoped(), lk.locked())) got += 100000;
            co_await p;
        };
        loop.run(main_task());
        LOCKSTEP_ASSERT(got == 111112);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("async: the `if` instead of `while` bug of S36 needs an order other than asyncio's FIFO one") {
    auto model = [](asyncio::order o) {
        return [o] {
            asyncio::event_loop loop({}, o);
            asyncio::condition condition;
            int items = 0;
            auto producer = [&]() -> asyncio::task<void> {
                for (int i = 0; i < 2; ++i) {
                    {
                        auto held = co_await condition.scoped();
                        ++items;
                        condition.notify_all();
                    }
                    co_await asyncio::sleep(100ms);
                }
            };
            auto consumer = [&]() -> asyncio::task<void> {
                auto held = co_await condition.scoped();
                if (items == 0) co_await condition.wait();
                LOCKSTEP_ASSERT(items > 0, "pop from an empty buffer");
                --items;
            };
            auto main_task = [&]() -> asyncio::task<void> {
                co_await asyncio::gather(producer(), consumer(), consumer());
            };
            loop.run(main_task());
        };
    };
    const auto fifo = explore(model(asyncio::order::fifo));
    CHECK(fifo.ok());
    CHECK(fifo.executions == 1);
    const auto any = explore(model(asyncio::order::any));
    REQUIRE(any.failure);
    CHECK(any.failure->kind == lockstep::failure_kind::assertion);
}

TEST_CASE("async: an exception thrown by a callback comes out of run(), and the thread runs no loop after it") {
    const auto r = explore([] {
        lockstep::mutex m;
        bool caught = false;
        {
            asyncio::event_loop loop;
            auto main_task = [&]() -> asyncio::task<void> {
                loop.call_soon([] { throw std::runtime_error("callback failed"); });
                co_await asyncio::sleep(1ms);
            };
            try {
                loop.run(main_task());
            } catch (const std::runtime_error&) {
                caught = true;
            }
        }
        LOCKSTEP_ASSERT(caught);
        lockstep::this_thread::sleep_for(1ms);  // outside any loop: an ordinary sleep
        m.lock();
        m.unlock();
    });
    CHECK(r.ok());
}
