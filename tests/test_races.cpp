// Happens-before through every primitive, and data races on lockstep::var.
#include <doctest/doctest.h>

#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

using lockstep::failure_kind;

namespace {

lockstep::result run(std::function<void()> model, lockstep::options o = {}) { return lockstep::explore(std::move(model), o); }
bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("an unlocked counter of plain data is a data race naming both accesses") {
    const auto r = run([] {
        lockstep::var<int> counter(0, "counter");
        auto inc = [&] { counter += 1; };
        lockstep::thread a(inc), b(inc);
        a.join();
        b.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::data_race);
    CHECK(contains(r.failure->message, "data race on counter: T1 writes it at tests/test_races.cpp:"));
    CHECK(contains(r.failure->message, "and T2 reads it at tests/test_races.cpp:"));
    CHECK(r.executions == 1);  // found in the first execution, not by luck of adjacency
}

TEST_CASE("the same counter under a mutex is race-free, exhaustively") {
    const auto r = run([] {
        lockstep::mutex m("m");
        lockstep::var<int> counter(0, "counter");
        auto inc = [&] {
            lockstep::lock_guard g(m);
            counter += 1;
        };
        lockstep::thread a(inc), b(inc);
        a.join();
        b.join();
        LOCKSTEP_ASSERT(counter.get() == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("detection does not depend on the two accesses being adjacent") {
    const auto r = run([] {
        lockstep::var<int> x(0, "x");
        lockstep::atomic<int> noise(0, "noise");
        lockstep::thread a([&] {
            x = 1;
            for (int i = 0; i < 3; ++i) noise.fetch_add(1);
        });
        lockstep::thread b([&] {
            for (int i = 0; i < 3; ++i) noise.fetch_add(1);
            (void)x.get();
        });
        a.join();
        b.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::data_race);
}

TEST_CASE("happens-before through spawn and join") {
    const auto r = run([] {
        lockstep::var<int> x(1, "x");
        x = 2;  // before the spawn
        lockstep::thread t([&] { x = x.get() + 1; });
        t.join();
        LOCKSTEP_ASSERT(x.get() == 3);  // after the join
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("happens-before through each primitive, and a race without it") {
    SUBCASE("atomic store -> load of a flag") {
        const auto ok = run([] {
            lockstep::var<int> data(0, "data");
            lockstep::atomic<bool> ready(false, "ready");
            lockstep::thread w([&] {
                data = 1;
                ready.store(true);
            });
            lockstep::thread r([&] {
                if (ready.load()) LOCKSTEP_ASSERT(data.get() == 1);
            });
            w.join();
            r.join();
        });
        CHECK(ok.ok());
        CHECK(ok.complete);
        const auto racy = run([] {
            lockstep::var<int> data(0, "data");
            lockstep::atomic<bool> ready(false, "ready");
            lockstep::thread w([&] {
                data = 1;
                ready.store(true);
            });
            lockstep::thread r([&] {
                (void)ready.load();
                (void)data.get();  // read whether or not the flag was set
            });
            w.join();
            r.join();
        });
        REQUIRE(racy.failure);
        CHECK(racy.failure->kind == failure_kind::data_race);
    }
    SUBCASE("semaphore release -> acquire") {
        const auto r = run([] {
            lockstep::binary_semaphore sem(0, "sem");
            lockstep::var<int> data(0, "data");
            lockstep::thread w([&] {
                data = 1;
                sem.release();
            });
            lockstep::thread rd([&] {
                sem.acquire();
                LOCKSTEP_ASSERT(data.get() == 1);
            });
            w.join();
            rd.join();
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("condition variable notify -> woken wait") {
        const auto r = run([] {
            lockstep::mutex m("m");
            lockstep::condition_variable cv("cv");
            lockstep::var<int> data(0, "data");
            bool ready = false;
            lockstep::thread w([&] {
                data = 1;
                {
                    lockstep::lock_guard g(m);
                    ready = true;
                }
                cv.notify_one();
            });
            lockstep::thread rd([&] {
                std::unique_lock lk(m);
                cv.wait(lk, [&] { return ready; });
                LOCKSTEP_ASSERT(data.get() == 1);
            });
            w.join();
            rd.join();
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("event set -> wait") {
        const auto r = run([] {
            lockstep::event e("e");
            lockstep::var<int> data(0, "data");
            lockstep::thread w([&] {
                data = 1;
                e.set();
            });
            lockstep::thread rd([&] {
                e.wait();
                LOCKSTEP_ASSERT(data.get() == 1);
            });
            w.join();
            rd.join();
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("queue put -> the get that takes the item") {
        const auto r = run([] {
            lockstep::blocking_queue<int> q;
            lockstep::var<int> data(0, "data");
            lockstep::thread w([&] {
                data = 1;
                q.put(7);
            });
            lockstep::thread rd([&] {
                (void)q.get();
                LOCKSTEP_ASSERT(data.get() == 1);
            });
            w.join();
            rd.join();
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
    SUBCASE("barrier phase") {
        const auto r = run([] {
            lockstep::barrier<> b(2);
            lockstep::var<int> left(0, "left"), right(0, "right");
            lockstep::thread t1([&] {
                left = 1;
                b.arrive_and_wait();
                LOCKSTEP_ASSERT(right.get() == 1);
            });
            lockstep::thread t2([&] {
                right = 1;
                b.arrive_and_wait();
                LOCKSTEP_ASSERT(left.get() == 1);
            });
            t1.join();
            t2.join();
        });
        CHECK(r.ok());
        CHECK(r.complete);
    }
}

TEST_CASE("race detection can be turned off") {
    lockstep::options o;
    o.detect_races = false;
    const auto r = run(
        [] {
            lockstep::var<int> counter(0);
            lockstep::thread a([&] { counter += 1; }), b([&] { counter += 1; });
            a.join();
            b.join();
        },
        o);
    CHECK(r.ok());
}
