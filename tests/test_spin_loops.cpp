// Spin loops as real lock-free code writes them, with no yield: a load (or a
// failed compare-exchange, or a test-and-set that finds the flag set) that sees
// nothing new since its thread's previous access to the location is no
// progress, so fair scheduling lets the other threads run and exhaustive
// search ends with a proof instead of a false livelock.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include <lockstep/lockstep.hpp>

namespace {
using lockstep::atomic;
using lockstep::thread;
constexpr auto rlx = std::memory_order_relaxed, acq = std::memory_order_acquire, rel = std::memory_order_release;

constexpr lockstep::strategy every_strategy[] = {lockstep::strategy::dfs, lockstep::strategy::dpor,
                                                 lockstep::strategy::random, lockstep::strategy::pct};

bool exhaustive(lockstep::strategy s) { return s == lockstep::strategy::dfs || s == lockstep::strategy::dpor; }

lockstep::result run(const std::function<void()>& model, lockstep::strategy s,
                     lockstep::memory_model mm = lockstep::memory_model::rc11) {
    lockstep::options o;
    o.strategy = s;
    o.memory_model = mm;
    o.stop_on_failure = false;
    if (!exhaustive(s)) o.max_executions = 2000;
    return lockstep::explore(model, o);
}

// Every value observed, whatever the count of executions that saw it.
std::set<std::string> values(const lockstep::result& r) {
    std::set<std::string> out;
    for (const auto& [name, counts] : r.outcomes)
        for (const auto& [value, n] : counts) out.insert(name + "=" + value);
    return out;
}

// A flag published with release, awaited with acquire, no yield.
void flag_spin() {
    atomic<int> flag(0, "flag");
    lockstep::var<int> data(0, "data");
    thread t([&] {
        data = 42;
        flag.store(1, rel);
    });
    while (flag.load(acq) == 0) {}
    LOCKSTEP_ASSERT(data.get() == 42, "the flag published the data");
    t.join();
}

// One slot, two items: both sides spin (no yield) on the other's index.
void spsc_spin() {
    atomic<int> head(0, "head"), tail(0, "tail");
    lockstep::var<int> slot(0, "slot");
    thread producer([&] {
        for (int i = 1; i <= 2; ++i) {
            const int t = tail.load(rlx);
            while (t - head.load(acq) == 1) {}
            slot = i;
            tail.store(t + 1, rel);
        }
    });
    int sum = 0;
    for (int expected = 1; expected <= 2; ++expected) {
        const int h = head.load(rlx);
        while (tail.load(acq) == h) {}
        const int v = slot.get();
        LOCKSTEP_ASSERT(v == expected, "the consumer read the slot out of order");
        sum += v;
        head.store(h + 1, rel);
    }
    producer.join();
    lockstep::observe("sum", sum);
}

// A test-and-set lock and a compare-exchange lock, spinning without a yield.
void tas_lock() {
    lockstep::atomic_flag locked("locked");
    lockstep::var<int> counter(0, "counter");
    auto work = [&] {
        while (locked.test_and_set(acq)) {}
        counter = counter.get() + 1;
        locked.clear(rel);
    };
    thread a(work), b(work);
    a.join();
    b.join();
    lockstep::observe("counter", counter.get());
}

void cas_lock() {
    atomic<bool> locked(false, "locked");
    lockstep::var<int> counter(0, "counter");
    auto work = [&] {
        for (bool expected = false; !locked.compare_exchange_weak(expected, true, acq, rlx); expected = false) {}
        counter = counter.get() + 1;
        locked.store(false, rel);
    };
    thread a(work), b(work);
    a.join();
    b.join();
    lockstep::observe("counter", counter.get());
}

} // namespace

TEST_CASE("spin loops without a yield end under every strategy and are proven by dfs and dpor") {
    for (auto model : {flag_spin, spsc_spin, tas_lock, cas_lock})
        for (auto mm : {lockstep::memory_model::rc11, lockstep::memory_model::sc})
            for (lockstep::strategy s : every_strategy) {
                const lockstep::result r = run(model, s, mm);
                CAPTURE(static_cast<int>(s));
                CAPTURE(static_cast<int>(mm));
                CHECK_MESSAGE(r.ok(), (r.failure ? r.failure->message : std::string()));
                if (exhaustive(s)) CHECK(r.complete);
            }
}

TEST_CASE("dfs and dpor reach the same outcomes on spin loops without a yield") {
    for (auto model : {spsc_spin, tas_lock, cas_lock}) {
        const lockstep::result d = run(model, lockstep::strategy::dfs), p = run(model, lockstep::strategy::dpor);
        CHECK(values(d) == values(p));
        CHECK_FALSE(values(p).empty());
        CHECK(p.executions <= d.executions);
    }
}

TEST_CASE("a spin loop nothing can end is a livelock that names the loop and what would end it") {
    auto model = [] {
        atomic<int> flag(0, "flag");
        thread t([&] { flag.store(0, rel); });  // stores, but never the value the loop waits for
        t.join();
        while (flag.load(acq) == 0) {}  // spins here
    };
    lockstep::options o;
    o.max_steps = 2000;
    const lockstep::result r = lockstep::explore(model, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::livelock);
    const std::string& m = r.failure->message;
    CHECK(m.find("keeps repeating load at") != std::string::npos);
    CHECK(m.find("test_spin_loops.cpp:" + std::to_string(__LINE__ - 9)) != std::string::npos);
    CHECK(m.find("No other thread can run") != std::string::npos);
    CHECK(m.find("max_steps") != std::string::npos);
}

TEST_CASE("a loop that writes every turn is not waiting: still a livelock, and the report says why") {
    auto model = [] {
        atomic<int> flag(0, "flag"), counter(0, "counter");
        thread t([&] {
            while (flag.load(acq) == 0) counter.fetch_add(1, rlx);  // busy, never waiting
        });
        // Main can always run, but the spinning thread's every turn is progress.
        for (int i = 0; i < 3; ++i) counter.fetch_add(1, rlx);
        flag.store(1, rel);
        t.join();
    };
    lockstep::options o;
    o.max_steps = 2000;
    o.strategy = lockstep::strategy::dfs;
    const lockstep::result r = lockstep::explore(model, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::livelock);
    CHECK(r.failure->message.find("Other threads can run, but each of its turns changes something") !=
          std::string::npos);
}
