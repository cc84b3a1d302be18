// Logical time and the primitives added with it: timeouts explored both ways,
// the clock advancing only when every thread is blocked, bounded semaphores,
// queues, barriers, events, spurious wake-ups, condition_variable_any over a
// recursive mutex, and contention counts.
#include <chrono>
#include <set>
#include <shared_mutex>
#include <string>

#include <doctest/doctest.h>

#include <lockstep/lockstep.hpp>
#include <lockstep/model.hpp>

using namespace std::chrono_literals;
using lockstep::failure_kind;

namespace {
std::set<std::string> values(const lockstep::result& r, const std::string& name) {
    std::set<std::string> out;
    if (auto it = r.outcomes.find(name); it != r.outcomes.end())
        for (const auto& [v, n] : it->second) out.insert(v);
    return out;
}
lockstep::options everything() {
    lockstep::options o;
    o.stop_on_failure = false;
    return o;
}
} // namespace

TEST_CASE("the clock advances only when every thread is blocked") {
    const auto r = lockstep::explore([] {
        lockstep::atomic<int> steps(0);
        lockstep::thread sleeper([] {
            lockstep::this_thread::sleep_for(1s);
            LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 1s);
        });
        lockstep::thread busy([&] {
            for (int i = 0; i < 3; ++i) {
                ++steps;
                LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 0s, "time moved while a thread could");
            }
        });
        busy.join();
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 0s);
        sleeper.join();
        lockstep::observe("end", lockstep::clock::now().time_since_epoch().count());
    });
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(values(r, "end") == std::set<std::string>{"1000000000"});
}

TEST_CASE("sleep_until and two sleepers wake in deadline order") {
    const auto r = lockstep::explore([] {
        int order = 0, first = 0;
        lockstep::thread a([&] {
            lockstep::this_thread::sleep_until(lockstep::clock::time_point(2s));
            if (order++ == 0) first = 1;
        });
        lockstep::thread b([&] {
            lockstep::this_thread::sleep_for(1s);
            if (order++ == 0) first = 2;
        });
        a.join();
        b.join();
        LOCKSTEP_ASSERT(first == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("try_lock_for is explored both ways when the holder sleeps past the deadline") {
    const auto r = lockstep::explore(
        [] {
            lockstep::timed_mutex m("m");
            lockstep::thread holder([&] {
                m.lock();
                lockstep::this_thread::sleep_for(3s);
                m.unlock();
            });
            lockstep::thread other([&] {
                if (m.try_lock_for(2s)) {
                    lockstep::observe("other", "acquired");
                    m.unlock();
                } else {
                    lockstep::observe("other", "timed out");
                    LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 2s);
                }
            });
            holder.join();
            other.join();
        },
        everything());
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(values(r, "other") == std::set<std::string>{"acquired", "timed out"});
}

TEST_CASE("a timed lock never times out while the holder can still move") {
    const auto r = lockstep::explore([] {
        lockstep::recursive_timed_mutex m;
        lockstep::thread holder([&] {
            m.lock();
            m.lock();
            m.unlock();
            m.unlock();
        });
        lockstep::thread other([&] {
            LOCKSTEP_ASSERT(m.try_lock_for(1ms), "timed out although the holder was running");
            m.unlock();
        });
        holder.join();
        other.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("condition_variable::wait_for: notified or timed out, both explored") {
    const auto r = lockstep::explore(
        [] {
            lockstep::mutex m;
            lockstep::condition_variable cv;
            bool ready = false;
            lockstep::thread waiter([&] {
                lockstep::unique_lock lock(m);
                const bool got = cv.wait_for(lock, 1s, [&] { return ready; });
                lockstep::observe("waiter", got ? "notified" : "timed out");
            });
            lockstep::thread notifier([&] {
                lockstep::this_thread::sleep_for(1s);
                lockstep::lock_guard guard(m);
                ready = true;
                cv.notify_one();
            });
            waiter.join();
            notifier.join();
        },
        everything());
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(values(r, "waiter") == std::set<std::string>{"notified", "timed out"});
}

TEST_CASE("a wait with no notifier is a deadlock, a timed one is not") {
    auto body = [](bool timed) {
        return [timed] {
            lockstep::mutex m;
            lockstep::condition_variable cv;
            lockstep::unique_lock lock(m);
            if (timed) {
                CHECK(cv.wait_until(lock, lockstep::clock::now() + 5s) == std::cv_status::timeout);
            } else {
                cv.wait(lock);
            }
        };
    };
    const auto untimed = lockstep::explore(body(false));
    REQUIRE(untimed.failure);
    CHECK(untimed.failure->kind == failure_kind::deadlock);
    CHECK(lockstep::explore(body(true)).ok());
}

TEST_CASE("counting_semaphore::try_acquire_for and event::wait_for") {
    const auto r = lockstep::explore(
        [] {
            lockstep::counting_semaphore<2> sem(0);
            lockstep::event done("done");
            lockstep::thread t([&] {
                lockstep::observe("sem", sem.try_acquire_for(1s) ? "acquired" : "timed out");
                lockstep::observe("event", done.wait_for(2s) ? "set" : "timed out");
            });
            lockstep::this_thread::sleep_for(1s);
            sem.release();
            lockstep::this_thread::sleep_for(2s);
            done.set();
            t.join();
        },
        everything());
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(values(r, "sem") == std::set<std::string>{"acquired", "timed out"});
    CHECK(values(r, "event") == std::set<std::string>{"set", "timed out"});
}

TEST_CASE("event: set wakes the threads waiting at that moment even if cleared at once") {
    const auto r = lockstep::explore([] {
        lockstep::event e;
        lockstep::thread waiter([&] { e.wait(); });
        lockstep::this_thread::sleep_for(1s);  // the waiter is waiting by now
        e.set();
        e.clear();
        waiter.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("bounded_semaphore: release beyond the initial count is a misuse at the release") {
    const auto r = lockstep::explore([] {
        lockstep::bounded_semaphore pool(2, "pool");
        pool.acquire();
        pool.release();
        pool.release();  // line checked below
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(r.failure->message.find("initial value 2") != std::string::npos);
    CHECK(r.failure->location.find("test_primitives_time.cpp") != std::string::npos);
}

TEST_CASE("blocking_queue: join returns after every task_done; one task_done too many is a misuse") {
    auto body = [](int extra) {
        return [extra] {
            lockstep::blocking_queue<int> q(1, "q");
            int processed = 0;
            lockstep::thread consumer([&] {
                for (int i = 0; i < 2; ++i) {
                    const int item = q.get();
                    processed += item;
                    q.task_done();
                }
                for (int i = 0; i < extra; ++i) q.task_done();
            });
            q.put(1);
            q.put(2);
            q.join();
            LOCKSTEP_ASSERT(processed == 3, "join returned before every task_done");
            consumer.join();
        };
    };
    const auto good = lockstep::explore(body(0));
    CHECK(good.ok());
    CHECK(good.complete);
    const auto bad = lockstep::explore(body(1));
    REQUIRE(bad.failure);
    CHECK(bad.failure->kind == failure_kind::misuse);
    CHECK(bad.failure->message.find("task_done") != std::string::npos);
}

TEST_CASE("blocking_queue: try and timed variants") {
    const auto r = lockstep::explore(
        [] {
            lockstep::blocking_queue<int> q(1);
            CHECK(q.try_put(1));
            CHECK(!q.try_put(2));
            CHECK(!q.put_for(2, 1s));
            CHECK(q.try_get() == 1);
            CHECK(!q.try_get());
            CHECK(!q.get_for(1s));
            CHECK(lockstep::clock::now().time_since_epoch() == 2s);
            q.task_done();
        });
    CHECK(r.ok());
}

TEST_CASE("barrier: the completion runs once per phase, on the last arriving thread") {
    const auto r = lockstep::explore([] {
        int arrived = 0, completions = 0;
        auto on_completion = [&]() noexcept {
            LOCKSTEP_ASSERT(arrived == 3 * (completions + 1), "completion before every thread arrived");
            ++completions;
        };
        lockstep::barrier sync(3, on_completion);
        auto worker = [&] {
            for (int phase = 0; phase < 2; ++phase) {
                ++arrived;
                sync.arrive_and_wait();
                LOCKSTEP_ASSERT(completions == phase + 1, "released before the phase completed");
            }
        };
        lockstep::thread a(worker), b(worker), c(worker);
        a.join();
        b.join();
        c.join();
        LOCKSTEP_ASSERT(completions == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("latch and shared_mutex") {
    const auto r = lockstep::explore([] {
        lockstep::latch started(2);
        lockstep::shared_mutex rw("rw");
        int value = 0, readers_inside = 0;
        lockstep::thread reader([&] {
            started.count_down();
            std::shared_lock lock(rw);
            ++readers_inside;
            LOCKSTEP_ASSERT(value == 0 || value == 1);
            --readers_inside;
        });
        lockstep::thread writer([&] {
            started.count_down();
            std::unique_lock lock(rw);
            LOCKSTEP_ASSERT(readers_inside == 0, "a writer next to a reader");
            value = 1;
        });
        started.wait();
        reader.join();
        writer.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

namespace {
// One waiter with `if` instead of `while`: correct without spurious wake-ups.
void if_instead_of_while() {
    lockstep::mutex m;
    lockstep::condition_variable cv;
    bool ready = false;
    lockstep::thread waiter([&] {
        lockstep::unique_lock lock(m);
        if (!ready) cv.wait(lock);
        LOCKSTEP_ASSERT(ready, "woke up with the predicate false");
    });
    {
        lockstep::lock_guard guard(m);
        ready = true;
        cv.notify_one();
    }
    waiter.join();
}
} // namespace

TEST_CASE("spurious wake-ups find an if-instead-of-while bug with one waiter") {
    CHECK(lockstep::explore(if_instead_of_while).ok());
    lockstep::model m;
    m.name = "if_instead_of_while";
    m.body = if_instead_of_while;
    m.settings.spurious_wakeups = true;
    const auto r = lockstep::run_model(m, {}, false);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::assertion);
    CHECK(r.failure->text.find("spurious wake-up") != std::string::npos);
    // The token replays it through the runner's body as well.
    const auto again = lockstep::replay(
        [] {
            lockstep::allow_spurious_wakeups();
            if_instead_of_while();
        },
        r.failure->token);
    CHECK(again.failure);
}

TEST_CASE("condition_variable_any over a recursive_mutex releases one level only") {
    auto body = [](int levels) {
        return [levels] {
            lockstep::recursive_mutex rm("rlock");
            lockstep::condition_variable_any cond("cond");
            bool ready = false;
            lockstep::thread waiter([&] {
                for (int i = 0; i < levels; ++i) rm.lock();
                while (!ready) cond.wait(rm);
                for (int i = 0; i < levels; ++i) rm.unlock();
            });
            lockstep::thread notifier([&] {
                lockstep::lock_guard guard(rm);
                ready = true;
                cond.notify_all();
            });
            waiter.join();
            notifier.join();
        };
    };
    const auto once = lockstep::explore(body(1));
    CHECK(once.ok());
    CHECK(once.complete);
    const auto twice = lockstep::explore(body(2));
    REQUIRE(twice.failure);
    CHECK(twice.failure->kind == failure_kind::deadlock);
    CHECK(twice.failure->text.find("holds rlock") != std::string::npos);
}

TEST_CASE("contention: how often a thread had to wait for each named lock") {
    lockstep::model m;
    m.name = "contention";
    m.settings.strategy = lockstep::strategy::dfs;  // over every interleaving, not one per trace
    m.body = [] {
        lockstep::mutex big("big"), quiet("quiet");
        auto worker = [&] { lockstep::lock_guard g(big); };
        lockstep::thread a(worker), b(worker);
        {
            lockstep::lock_guard g(quiet);
        }
        a.join();
        b.join();
    };
    const auto r = lockstep::run_model(m, {}, false);
    CHECK(r.ok());
    REQUIRE(r.contention.count("big") == 1);
    CHECK(r.contention.at("big") > 0);
    CHECK(r.contention.count("quiet") == 0);
}

TEST_CASE("blocking_queue::get_for: an item or a timeout, both explored") {
    const auto r = lockstep::explore(
        [] {
            lockstep::blocking_queue<int> q;
            lockstep::thread producer([&] {
                lockstep::this_thread::sleep_for(1s);
                q.put(7);
            });
            const auto item = q.get_for(1s);
            lockstep::observe("get_for", item ? "item" : "timed out");
            if (!item) CHECK(q.get() == 7);
            q.task_done();
            producer.join();
        },
        everything());
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(values(r, "get_for") == std::set<std::string>{"item", "timed out"});
}

TEST_CASE("latch: counting below zero is a misuse; barrier: arrive_and_drop shrinks the next phase") {
    const auto bad = lockstep::explore([] {
        lockstep::latch done(1, "done");
        done.count_down();
        done.count_down();
    });
    REQUIRE(bad.failure);
    CHECK(bad.failure->kind == failure_kind::misuse);
    CHECK(bad.failure->message.find("done") != std::string::npos);

    const auto r = lockstep::explore([] {
        int completions = 0;
        lockstep::barrier sync(2, [&]() noexcept { ++completions; });
        lockstep::thread leaver([&] { sync.arrive_and_drop(); });
        sync.arrive_and_wait();  // phase 0: both
        sync.arrive_and_wait();  // phase 1: only this thread is expected
        leaver.join();
        LOCKSTEP_ASSERT(completions == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("shared_mutex: try variants, and a shared holder locking exclusively is a self-deadlock") {
    const auto r = lockstep::explore([] {
        lockstep::shared_mutex rw;
        lockstep::thread reader([&] {
            if (rw.try_lock_shared()) rw.unlock_shared();
        });
        if (rw.try_lock()) rw.unlock();
        reader.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
    const auto upgrade = lockstep::explore([] {
        lockstep::shared_mutex rw("rw");
        std::shared_lock lock(rw);
        rw.lock();
    });
    REQUIRE(upgrade.failure);
    CHECK(upgrade.failure->kind == failure_kind::self_deadlock);
}

TEST_CASE("condition_variable_any: spurious wake-ups and timed waits") {
    const auto r = lockstep::explore([] {
        lockstep::allow_spurious_wakeups();
        lockstep::mutex m;
        lockstep::condition_variable_any cv;
        lockstep::unique_lock lock(m);
        // Nobody notifies. A thread that may still wake spuriously can always
        // move, so the clock does not advance: the first wait ends spuriously at
        // t=0; with its one spurious wake-up spent, the second times out at t=1s.
        CHECK(cv.wait_for(lock, 1s) == std::cv_status::no_timeout);
        CHECK(lockstep::clock::now().time_since_epoch() == 0s);
        CHECK(cv.wait_for(lock, 1s) == std::cv_status::timeout);
        CHECK(lockstep::clock::now().time_since_epoch() == 1s);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}
