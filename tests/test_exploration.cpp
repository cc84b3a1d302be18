// What exhaustive and random search explore: outcomes, choices, spin loops,
// livelocks, thread counts.
#include <doctest/doctest.h>

#include <mutex>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

using lockstep::failure_kind;

namespace {
std::vector<std::string> values(const lockstep::result& r, const std::string& name) {
    std::vector<std::string> v;
    if (auto it = r.outcomes.find(name); it != r.outcomes.end())
        for (const auto& [value, count] : it->second) v.push_back(value);
    return v;
}
bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }
} // namespace

TEST_CASE("S01 with 2 threads x 2 increments reaches exactly the outcomes {2,3,4}") {
    lockstep::options o;
    o.stop_on_failure = false;
    const auto r = lockstep::explore(lockstep::models::lost_update(2, 2), o);
    CHECK(r.complete);
    CHECK(values(r, "counter") == std::vector<std::string>{"2", "3", "4"});
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::assertion);
    CHECK(r.failed_executions > 0);
    CHECK(r.failed_executions < r.executions);
}

TEST_CASE("dfs counts: every interleaving of visible operations") {
    // Two threads with one store each: spawn order fixes little, so count by hand:
    // main spawns T1, T2 then joins both; T1 and T2 each do one store and exit.
    const auto one_choice = lockstep::explore([] {
        const auto v = lockstep::choose(3);
        lockstep::observe("v", v);
    });
    CHECK(one_choice.complete);
    CHECK(one_choice.executions == 3);
    CHECK(values(one_choice, "v") == std::vector<std::string>{"0", "1", "2"});

    const auto two_choices = lockstep::explore([] {
        const auto a = lockstep::choose(2);
        const auto b = lockstep::choose(3);
        lockstep::observe("ab", a * 10 + b);
    });
    CHECK(two_choices.executions == 6);
}

TEST_CASE("a spin loop that yields is not a livelock, and exhaustive search of it ends") {
    const auto r = lockstep::explore([] {
        lockstep::atomic<bool> ready(false, "ready");
        lockstep::thread waiter([&] {
            while (!ready.load()) lockstep::this_thread::yield();
        });
        lockstep::thread setter([&] { ready.store(true); });
        waiter.join();
        setter.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("a failed try_lock followed by a retry is not a livelock") {
    const auto r = lockstep::explore([] {
        lockstep::mutex m("m");
        int n = 0;
        auto worker = [&] {
            while (!m.try_lock()) {
            }
            ++n;
            m.unlock();
        };
        lockstep::thread a(worker), b(worker);
        a.join();
        b.join();
        LOCKSTEP_ASSERT(n == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("std::scoped_lock and lockstep::scoped_lock over mutexes taken in opposite orders") {
    const auto with_std = lockstep::explore([] {
        lockstep::mutex a("a"), b("b");
        lockstep::thread t1([&] { std::scoped_lock lk(a, b); });
        lockstep::thread t2([&] { std::scoped_lock lk(b, a); });
        t1.join();
        t2.join();
    });
    CHECK(with_std.ok());
    CHECK(with_std.complete);

    const auto with_ours = lockstep::explore([] {
        lockstep::mutex a("a"), b("b");
        lockstep::thread t1([&] { lockstep::scoped_lock lk(a, b); });
        lockstep::thread t2([&] { lockstep::scoped_lock lk(b, a); });
        t1.join();
        t2.join();
    });
    CHECK(with_ours.ok());
    CHECK(with_ours.complete);
}

TEST_CASE("a real livelock exceeds max_steps and the report shows the repeating steps") {
    lockstep::options o;
    o.max_steps = 200;
    const auto r = lockstep::explore(
        [] {
            lockstep::atomic<bool> never(false, "never_set");
            lockstep::thread t([&] {
                while (!never.load()) lockstep::this_thread::yield();
            });
            t.join();
        },
        o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::livelock);
    CHECK(contains(r.failure->message, "max_steps = 200"));
    CHECK(contains(r.failure->report(), "the last steps repeat a cycle of 2 steps"));
}

TEST_CASE("the number of threads has no fixed limit") {
    const auto r = lockstep::explore(
        [] {
            lockstep::atomic<int> started(0);
            std::vector<lockstep::thread> threads;
            for (int i = 0; i < 300; ++i) threads.emplace_back([&] { started.fetch_add(1); });
            for (auto& t : threads) t.join();
            LOCKSTEP_ASSERT(started.load() == 300);
        },
        [] {
            lockstep::options o;
            o.max_executions = 3;
            return o;
        }());
    CHECK(r.ok());
    CHECK(r.executions == 3);
}

TEST_CASE("random search is reproducible from its seed") {
    lockstep::options o;
    o.strategy = lockstep::strategy::random;
    o.seed = 7;
    o.max_executions = 2000;
    const auto a = lockstep::explore(lockstep::models::lost_update(3, 2), o);
    const auto b = lockstep::explore(lockstep::models::lost_update(3, 2), o);
    REQUIRE(a.failure);
    REQUIRE(b.failure);
    CHECK(a.executions == b.executions);
    CHECK(a.failure->token == b.failure->token);
    CHECK_FALSE(a.complete);
}

TEST_CASE("condition variable: a correct producer/consumer passes, every notify_one choice explored") {
    const auto r = lockstep::explore([] {
        lockstep::mutex m("m");
        lockstep::condition_variable cv("items_ready");
        int items = 0, consumed = 0;
        auto consumer = [&] {
            std::unique_lock lk(m);
            cv.wait(lk, [&] { return items > 0; });
            --items;
            ++consumed;
        };
        lockstep::thread c1(consumer), c2(consumer);
        for (int i = 0; i < 2; ++i) {
            lockstep::lock_guard g(m);
            ++items;
            cv.notify_one();
        }
        c1.join();
        c2.join();
        LOCKSTEP_ASSERT(consumed == 2 && items == 0);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("semaphores: acquire blocks at zero, a binary semaphore released twice is misuse") {
    const auto ok = lockstep::explore([] {
        lockstep::counting_semaphore<2> slots(2, "slots");
        lockstep::atomic<int> inside(0);
        auto worker = [&] {
            slots.acquire();
            LOCKSTEP_ASSERT(inside.fetch_add(1) < 2);
            inside.fetch_sub(1);
            slots.release();
        };
        lockstep::thread a(worker), b(worker), c(worker);
        a.join();
        b.join();
        c.join();
    });
    CHECK(ok.ok());
    CHECK(ok.complete);

    const auto over = lockstep::explore([] {
        lockstep::binary_semaphore s(1, "flag");
        s.release();
    });
    REQUIRE(over.failure);
    CHECK(over.failure->kind == failure_kind::misuse);
    CHECK(contains(over.failure->message, "above its maximum 1"));
}

TEST_CASE("atomics: compare_exchange and fetch_add make a correct counter") {
    const auto r = lockstep::explore([] {
        lockstep::atomic<int> n(0, "n");
        auto cas_increment = [&] {
            int seen = n.load();
            while (!n.compare_exchange_weak(seen, seen + 1)) {
            }
        };
        lockstep::thread a(cas_increment), b(cas_increment), c([&] { n.fetch_add(1); });
        a.join();
        b.join();
        c.join();
        LOCKSTEP_ASSERT(n.load() == 3);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}
