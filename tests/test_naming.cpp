// lockstep::name: objects made without a name (code behind the std alias) named
// afterwards, for every kind of object; default names stay stable.
#include <doctest/doctest.h>

#include <mutex>
#include <string>

#include <lockstep/lockstep.hpp>

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

namespace sync = lockstep;  // as real code switches to lockstep

} // namespace

TEST_CASE("a mutex and threads made without names are named afterwards, in every step of the report") {
    const auto r = lockstep::explore([] {
        sync::mutex a, b;
        lockstep::name(a, "accounts");
        sync::thread t([&] {
            std::lock_guard x(a);
            std::lock_guard y(b);
        });
        lockstep::name(t, "transfer");
        {
            std::lock_guard y(b);
            lockstep::name(b, "ledger");  // after its first step: that step shows the name too
            std::lock_guard x(a);
        }
        t.join();
    });
    REQUIRE(r.failure);
    REQUIRE(r.failure->kind == lockstep::failure_kind::deadlock);
    const std::string& text = r.failure->report();
    CHECK(contains(text, "transfer: holds accounts"));
    CHECK(contains(text, "waits to lock ledger"));
    CHECK(contains(text, "main holds ledger, waits for accounts; transfer holds accounts, waits for ledger"));
    CHECK_FALSE(contains(text, "mutex#1"));
    CHECK_FALSE(contains(text, "mutex#2"));
    CHECK_FALSE(contains(text, "T1"));
    for (const auto& s : r.failure->traces.at(0).steps) {
        CHECK(s.object != "mutex#1");
        CHECK(s.object != "mutex#2");
    }
}

TEST_CASE("default names do not shift when other objects are named") {
    const auto r = lockstep::explore([] {
        sync::mutex a, b, c;
        lockstep::name(b, "middle");
        a.lock();
        c.unlock();  // misuse: the third mutex is still mutex#3
    });
    REQUIRE(r.failure);
    CHECK(contains(r.failure->message, "mutex#3, which is not locked"));
}

TEST_CASE("every kind of lockstep object can be named") {
    const auto r = lockstep::explore([] {
        sync::mutex m;
        sync::recursive_mutex rm;
        sync::timed_mutex tm;
        sync::shared_mutex sm;
        sync::condition_variable cv;
        sync::condition_variable_any cva;
        sync::counting_semaphore<4> sem(1);
        sync::bounded_semaphore bs(1);
        sync::atomic<int> at(0);
        sync::atomic_flag flag;
        sync::var<int> v(0);
        sync::event ev;
        sync::latch l(1);
        sync::barrier<> bar(1);
        sync::blocking_queue<int> q(1);
        sync::thread_local_slot<int> slot;
        lockstep::name(m, "n-mutex");
        lockstep::name(rm, "n-recursive");
        lockstep::name(tm, "n-timed");
        lockstep::name(sm, "n-shared");
        lockstep::name(cv, "n-cv");
        lockstep::name(cva, "n-cva");
        lockstep::name(sem, "n-sem");
        lockstep::name(bs, "n-bounded");
        lockstep::name(at, "n-atomic");
        lockstep::name(flag, "n-flag");
        lockstep::name(v, "n-var");
        lockstep::name(ev, "n-event");
        lockstep::name(l, "n-latch");
        lockstep::name(bar, "n-barrier");
        lockstep::name(q, "n-queue");
        lockstep::name(slot, "n-slot");
        m.lock(); m.unlock();
        rm.lock(); rm.unlock();
        tm.lock(); tm.unlock();
        sm.lock(); sm.unlock();
        cv.notify_one();
        cva.notify_all();
        sem.acquire(); sem.release();
        bs.acquire(); bs.release();
        at.store(1);
        flag.test_and_set();
        v.set(1);
        ev.set();
        l.count_down();
        bar.arrive_and_wait();
        q.put(1);
        slot.get();
        LOCKSTEP_ASSERT(false, "show the trace");
    });
    REQUIRE(r.failure);
    std::string objects;
    for (const auto& s : r.failure->traces.at(0).steps) objects += s.object + " ";
    for (const char* name : {"n-mutex", "n-recursive", "n-timed", "n-shared", "n-cv", "n-cva", "n-sem", "n-bounded",
                             "n-atomic", "n-flag", "n-event", "n-latch", "n-barrier", "n-queue"})
        CHECK_MESSAGE(contains(objects, name), name, " is not in the trace: ", objects);
}

TEST_CASE("a race on a named var names it") {
    const auto r = lockstep::explore([] {
        sync::var<int> balance(0);
        lockstep::name(balance, "balance");
        sync::thread t([&] { balance.set(1); });
        balance.set(2);
        t.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::data_race);
    CHECK(contains(r.failure->message, "balance"));
}

TEST_CASE("naming is checked: an empty name, a thread that is not joinable, outside a model") {
    const auto empty = lockstep::explore([] {
        sync::mutex m;
        lockstep::name(m, "");
    });
    REQUIRE(empty.failure);
    CHECK(empty.failure->kind == lockstep::failure_kind::misuse);
    CHECK(contains(empty.failure->message, "mutex#1 an empty name"));

    const auto joined = lockstep::explore([] {
        sync::thread t([] {});
        t.join();
        lockstep::name(t, "late");
    });
    REQUIRE(joined.failure);
    CHECK(joined.failure->kind == lockstep::failure_kind::misuse);
    CHECK(contains(joined.failure->message, "not joinable"));

    CHECK_THROWS_AS(lockstep::detail::name_object(0, "x", {}), lockstep::usage_error);
}
