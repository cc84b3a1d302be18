// The memory model against the classic litmus tests: for each, the full set of
// outcomes exhaustive search reaches, asserted against RC11's verdicts (as
// herd7's rc11.cat gives them, and the RC11 paper discusses for SB, MP, LB,
// IRIW and IRIW-acq-sc), under dfs and dpor alike; and under
// memory_model::sc, the weak outcome is never reached.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include <lockstep/lockstep.hpp>

namespace {
using lockstep::atomic;
using lockstep::thread;
using std::memory_order;
constexpr memory_order rlx = std::memory_order_relaxed, acq = std::memory_order_acquire,
                       rel = std::memory_order_release, sc = std::memory_order_seq_cst;

using outcomes = std::set<std::string>;

// dfs runs every interleaving of the spawns and joins too: IRIW has 19 million,
// so it gets a budget, and where the budget cuts it, what it saw must be a subset.
constexpr std::uint64_t dfs_budget = 200'000;

outcomes explore(const std::function<void()>& model, lockstep::strategy s,
                 lockstep::memory_model mm = lockstep::memory_model::rc11, bool* complete = nullptr) {
    lockstep::options o;
    o.strategy = s;
    o.memory_model = mm;
    o.stop_on_failure = false;
    if (s == lockstep::strategy::dfs) o.max_executions = dfs_budget;
    const lockstep::result r = lockstep::explore(model, o);
    if (complete != nullptr) *complete = r.complete;
    else CHECK(r.complete);
    CHECK_FALSE(r.failure);
    outcomes out;
    for (const auto& [name, counts] : r.outcomes)
        for (const auto& [value, n] : counts) out.insert(value);
    return out;
}

// The outcomes under dpor, checked against dfs.
outcomes reachable(const std::function<void()>& model) {
    const outcomes dpor = explore(model, lockstep::strategy::dpor);
    bool whole = false;
    const outcomes dfs = explore(model, lockstep::strategy::dfs, lockstep::memory_model::rc11, &whole);
    if (whole) CHECK(dfs == dpor);
    else CHECK(std::includes(dpor.begin(), dpor.end(), dfs.begin(), dfs.end()));
    return dpor;
}

// Under sequential consistency the weak outcome is never reached.
void sc_forbids(const std::function<void()>& model, const std::string& weak) {
    bool whole = false;
    CHECK(explore(model, lockstep::strategy::dfs, lockstep::memory_model::sc, &whole).count(weak) == 0);
    CHECK(explore(model, lockstep::strategy::dpor, lockstep::memory_model::sc).count(weak) == 0);
}

void observe2(int a, int b) { lockstep::observe("r", std::to_string(a) + std::to_string(b)); }

// SB: store buffering. Weak: 00.
auto sb(memory_order st, memory_order ld, bool fences = false) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r1 = -1, r2 = -1;
        thread t1([&] {
            x.store(1, st);
            if (fences) lockstep::atomic_thread_fence(sc);
            r1 = y.load(ld);
        });
        thread t2([&] {
            y.store(1, st);
            if (fences) lockstep::atomic_thread_fence(sc);
            r2 = x.load(ld);
        });
        t1.join();
        t2.join();
        observe2(r1, r2);
    };
}

// MP: message passing. Weak: r1 = 1 (flag seen), r2 = 0 (data not).
auto mp(memory_order st, memory_order ld, bool fences = false) {
    return [=] {
        atomic<int> data(0, "data"), flag(0, "flag");
        int r1 = -1, r2 = -1;
        thread t1([&] {
            data.store(1, rlx);
            if (fences) lockstep::atomic_thread_fence(rel);
            flag.store(1, st);
        });
        thread t2([&] {
            r1 = flag.load(ld);
            if (fences) lockstep::atomic_thread_fence(acq);
            r2 = data.load(rlx);
        });
        t1.join();
        t2.join();
        observe2(r1, r2);
    };
}

// LB: load buffering. Weak: 11, which RC11 forbids at every order (po ∪ rf acyclic).
auto lb(memory_order st, memory_order ld) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r1 = -1, r2 = -1;
        thread t1([&] {
            r1 = x.load(ld);
            y.store(1, st);
        });
        thread t2([&] {
            r2 = y.load(ld);
            x.store(1, st);
        });
        t1.join();
        t2.join();
        observe2(r1, r2);
    };
}

// 2+2W. Observes the final x and y; weak: 11 (each thread's first store last in mo).
auto two_plus_two_w(memory_order st) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        thread t1([&] {
            x.store(1, st);
            y.store(2, st);
        });
        thread t2([&] {
            y.store(1, st);
            x.store(2, st);
        });
        t1.join();
        t2.join();
        observe2(x.load(rlx), y.load(rlx));
    };
}

// R. Observes the final y and T2's read of x; weak: 20.
auto r_test(memory_order st, memory_order ld) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r = -1;
        thread t1([&] {
            x.store(1, st);
            y.store(1, st);
        });
        thread t2([&] {
            y.store(2, st);
            r = x.load(ld);
        });
        t1.join();
        t2.join();
        observe2(y.load(rlx), r);
    };
}

// S. Observes T2's read of y and the final x; weak: 12.
auto s_test(memory_order st, memory_order ld) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r = -1;
        thread t1([&] {
            x.store(2, st);
            y.store(1, st);
        });
        thread t2([&] {
            r = y.load(ld);
            x.store(1, st);
        });
        t1.join();
        t2.join();
        observe2(r, x.load(rlx));
    };
}

// IRIW: two readers see two independent writes in opposite orders. Weak: 1010.
auto iriw(memory_order st, memory_order first, memory_order second, bool fences = false) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r1 = -1, r2 = -1, r3 = -1, r4 = -1;
        thread w1([&] { x.store(1, st); });
        thread w2([&] { y.store(1, st); });
        thread a([&] {
            r1 = x.load(first);
            if (fences) lockstep::atomic_thread_fence(sc);
            r2 = y.load(second);
        });
        thread b([&] {
            r3 = y.load(first);
            if (fences) lockstep::atomic_thread_fence(sc);
            r4 = x.load(second);
        });
        w1.join();
        w2.join();
        a.join();
        b.join();
        lockstep::observe("r", std::to_string(r1) + std::to_string(r2) + std::to_string(r3) + std::to_string(r4));
    };
}

// WRC: write-to-read causality. Weak: 110.
auto wrc(memory_order st, memory_order ld) {
    return [=] {
        atomic<int> x(0, "x"), y(0, "y");
        int r1 = -1, r2 = -1, r3 = -1;
        thread t1([&] { x.store(1, st); });
        thread t2([&] {
            r1 = x.load(ld);
            y.store(1, st);
        });
        thread t3([&] {
            r2 = y.load(ld);
            r3 = x.load(ld);
        });
        t1.join();
        t2.join();
        t3.join();
        lockstep::observe("r", std::to_string(r1) + std::to_string(r2) + std::to_string(r3));
    };
}

// CoRR: two reads of one location by one thread. Weak: 10, forbidden at every order.
auto corr(memory_order st, memory_order ld) {
    return [=] {
        atomic<int> x(0, "x");
        int r1 = -1, r2 = -1;
        thread t1([&] { x.store(1, st); });
        thread t2([&] {
            r1 = x.load(ld);
            r2 = x.load(ld);
        });
        t1.join();
        t2.join();
        observe2(r1, r2);
    };
}

const outcomes all_pairs{"00", "01", "10", "11"};

outcomes all_but(const outcomes& all, const std::string& weak) {
    outcomes out = all;
    out.erase(weak);
    return out;
}

outcomes all_bits(int n) {
    outcomes out;
    for (int v = 0; v < (1 << n); ++v) {
        std::string s;
        for (int i = n - 1; i >= 0; --i) s += static_cast<char>('0' + ((v >> i) & 1));
        out.insert(s);
    }
    return out;
}

} // namespace

TEST_CASE("litmus SB: store buffering is allowed but for seq_cst accesses or seq_cst fences") {
    CHECK(reachable(sb(rlx, rlx)) == all_pairs);
    CHECK(reachable(sb(rel, acq)) == all_pairs);
    CHECK(reachable(sb(sc, sc)) == all_but(all_pairs, "00"));
    CHECK(reachable(sb(rlx, rlx, true)) == all_but(all_pairs, "00"));
    CHECK(reachable(sb(sc, acq)) == all_pairs);  // the load is not seq_cst: no psc edge to forbid it
    sc_forbids(sb(rlx, rlx), "00");
}

TEST_CASE("litmus MP: release/acquire (or release and acquire fences) publish, relaxed does not") {
    CHECK(reachable(mp(rlx, rlx)) == all_pairs);
    CHECK(reachable(mp(rel, acq)) == all_but(all_pairs, "10"));
    CHECK(reachable(mp(sc, sc)) == all_but(all_pairs, "10"));
    CHECK(reachable(mp(rlx, rlx, true)) == all_but(all_pairs, "10"));
    CHECK(reachable(mp(rel, rlx)) == all_pairs);  // no acquire: no synchronization
    sc_forbids(mp(rlx, rlx), "10");
}

TEST_CASE("litmus LB: load buffering is forbidden at every order (RC11)") {
    for (auto [st, ld] : {std::pair{rlx, rlx}, std::pair{rel, acq}, std::pair{sc, sc}})
        CHECK(reachable(lb(st, ld)) == all_but(all_pairs, "11"));
}

TEST_CASE("litmus 2+2W: stores take any place in modification order coherence permits") {
    const outcomes finals{"11", "12", "21", "22"};
    CHECK(reachable(two_plus_two_w(rlx)) == finals);
    CHECK(reachable(two_plus_two_w(rel)) == finals);
    CHECK(reachable(two_plus_two_w(sc)) == all_but(finals, "11"));
    sc_forbids(two_plus_two_w(rlx), "11");
}

TEST_CASE("litmus R") {
    const outcomes all{"10", "11", "20", "21"};
    CHECK(reachable(r_test(rlx, rlx)) == all);
    CHECK(reachable(r_test(rel, acq)) == all);
    CHECK(reachable(r_test(sc, sc)) == all_but(all, "20"));
    sc_forbids(r_test(rlx, rlx), "20");
}

TEST_CASE("litmus S: a store ordered after a read by release/acquire goes after in mo") {
    const outcomes all{"01", "02", "11", "12"};
    CHECK(reachable(s_test(rlx, rlx)) == all);
    CHECK(reachable(s_test(rel, acq)) == all_but(all, "12"));
    CHECK(reachable(s_test(sc, sc)) == all_but(all, "12"));
    sc_forbids(s_test(rlx, rlx), "12");
}

TEST_CASE("litmus IRIW and IRIW-acq-sc: seq_cst is exact, not a global SC view") {
    const outcomes all = all_bits(4);
    CHECK(reachable(iriw(rlx, rlx, rlx)) == all);
    CHECK(reachable(iriw(rel, acq, acq)) == all);
    CHECK(reachable(iriw(sc, sc, sc)) == all_but(all, "1010"));
    // Acquire first loads, seq_cst second loads: RC11 allows the weak outcome.
    CHECK(reachable(iriw(sc, acq, sc)) == all);
    CHECK(reachable(iriw(rlx, rlx, rlx, true)) == all_but(all, "1010"));
    sc_forbids(iriw(rlx, rlx, rlx), "1010");
}

TEST_CASE("litmus WRC: release/acquire is transitive") {
    const outcomes all = all_bits(3);
    CHECK(reachable(wrc(rlx, rlx)) == all);
    CHECK(reachable(wrc(rel, acq)) == all_but(all, "110"));
    CHECK(reachable(wrc(sc, sc)) == all_but(all, "110"));
    sc_forbids(wrc(rlx, rlx), "110");
}

TEST_CASE("litmus CoRR: reads of one location never go back in modification order") {
    for (auto [st, ld] : {std::pair{rlx, rlx}, std::pair{rel, acq}, std::pair{sc, sc}})
        CHECK(reachable(corr(st, ld)) == all_but(all_pairs, "10"));
}

TEST_CASE("litmus release sequences: continued by read-modify-writes only (C++20)") {
    // T1 publishes data with a release store to y; T2's relaxed RMW continues its
    // release sequence, so T3's acquire reading T2's value sees the data.
    auto through_rmw = [] {
        atomic<int> data(0, "data"), y(0, "y");
        int r = -1, d = -1;
        thread t1([&] {
            data.store(1, rlx);
            y.store(1, rel);
        });
        thread t2([&] { y.fetch_add(10, rlx); });
        thread t3([&] {
            r = y.load(acq);
            d = data.load(rlx);
        });
        t1.join();
        t2.join();
        t3.join();
        lockstep::observe("r", std::to_string(r) + "," + std::to_string(d));
    };
    const outcomes seen = reachable(through_rmw);
    CHECK(seen.count("11,1") == 1);
    CHECK(seen.count("11,0") == 0);  // 11 was written by an RMW reading the release store (y = 1)
    CHECK(seen.count("1,1") == 1);
    CHECK(seen.count("1,0") == 0);
    CHECK(seen.count("10,0") == 1);  // the RMW read the initial value: nothing to continue
    // A later plain store of the same thread does not continue it (C++20).
    auto through_store = [] {
        atomic<int> data(0, "data"), y(0, "y");
        int r = -1, d = -1;
        thread t1([&] {
            data.store(1, rlx);
            y.store(1, rel);
            y.store(2, rlx);
        });
        thread t3([&] {
            r = y.load(acq);
            d = data.load(rlx);
        });
        t1.join();
        t3.join();
        observe2(r, d);
    };
    CHECK(reachable(through_store).count("20") == 1);
}

TEST_CASE("compare_exchange_weak fails spuriously, explored as a choice, and a retry loop still ends") {
    auto model = [] {
        atomic<int> x(0, "x");
        int expected = 0;
        const bool ok = x.compare_exchange_weak(expected, 1);
        lockstep::observe("first", ok);
        int e = x.load();
        while (!x.compare_exchange_weak(e, e + 1)) {}  // a retry loop
        lockstep::observe("final", x.load());
    };
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    const lockstep::result r = lockstep::explore(model, o);
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(r.outcomes.at("first").size() == 2);
    CHECK(r.outcomes.at("final").size() == 2);
    o.memory_model = lockstep::memory_model::sc;
    CHECK(lockstep::explore(model, o).outcomes.at("first").size() == 1);
}

TEST_CASE("a spin loop that yields ends under weak memory: it may not re-read a stale store forever") {
    auto model = [] {
        atomic<int> flag(0, "flag");
        thread t([&] { flag.store(1, rlx); });
        while (flag.load(rlx) == 0) lockstep::this_thread::yield();
        t.join();
    };
    for (auto s : {lockstep::strategy::dfs, lockstep::strategy::dpor}) {
        lockstep::options o;
        o.strategy = s;
        const lockstep::result r = lockstep::explore(model, o);
        CHECK(r.ok());
        CHECK(r.complete);
    }
}

TEST_CASE("a relaxed flag does not publish plain data (a data race with both accesses); release/acquire does") {
    auto message_passing = [](memory_order st, memory_order ld) {
        return [=] {
            lockstep::var<int> data(0, "data");
            atomic<int> flag(0, "flag");
            thread producer([&] {
                data = 42;
                flag.store(1, st);
            });
            while (flag.load(ld) == 0) lockstep::this_thread::yield();
            LOCKSTEP_ASSERT(data.get() == 42);
            producer.join();
        };
    };
    for (auto s : {lockstep::strategy::dfs, lockstep::strategy::dpor}) {
        lockstep::options o;
        o.strategy = s;
        const lockstep::result relaxed = lockstep::explore(message_passing(rlx, rlx), o);
        REQUIRE(relaxed.failure);
        CHECK(relaxed.failure->kind == lockstep::failure_kind::data_race);
        CHECK(relaxed.failure->message.find("data") != std::string::npos);
        CHECK(relaxed.failure->message.find("write") != std::string::npos);
        CHECK(relaxed.failure->message.find("reads") != std::string::npos);
        const lockstep::result published = lockstep::explore(message_passing(rel, acq), o);
        CHECK(published.ok());
        CHECK(published.complete);
        o.memory_model = lockstep::memory_model::sc;  // every access seq_cst: published
        CHECK(lockstep::explore(message_passing(rlx, rlx), o).ok());
    }
}

TEST_CASE("the report says what each atomic load read, and marks a stale read") {
    auto model = [] {
        atomic<int> x(0, "x");
        int r = -1;
        thread t([&] { x.store(1, rlx); });
        thread u([&] { r = x.load(rlx); });
        t.join();
        u.join();
        LOCKSTEP_ASSERT(r == 1 || x.load(rlx) != 1, "read the old value");
    };
    lockstep::options o;
    const lockstep::result r = lockstep::explore(model, o);
    REQUIRE(r.failure);
    const std::string& text = r.failure->text;
    CHECK(text.find("store relaxed 1") != std::string::npos);
    CHECK(text.find("load relaxed -> 0; read the initial value (stale: newest is 1 from T1 at step") !=
          std::string::npos);
    // It replays to the same report.
    const lockstep::result again = lockstep::replay(model, r.failure->token);
    REQUIRE(again.failure);
    CHECK(again.failure->text == text);
}

TEST_CASE("atomic wait and notify block and wake; a wait nothing notifies is a deadlock") {
    auto handoff = [](bool notifies) {
        return [=] {
            atomic<int> ready(0, "ready");
            lockstep::atomic_flag done("done");
            thread waiter([&] {
                ready.wait(0, acq);
                done.test_and_set(rel);
                done.notify_one();
            });
            ready.store(1, rel);
            if (notifies) ready.notify_one();
            done.wait(false, acq);
            waiter.join();
        };
    };
    for (auto s : {lockstep::strategy::dfs, lockstep::strategy::dpor}) {
        lockstep::options o;
        o.strategy = s;
        const lockstep::result ok = lockstep::explore(handoff(true), o);
        CHECK(ok.ok());
        CHECK(ok.complete);
        const lockstep::result hung = lockstep::explore(handoff(false), o);
        REQUIRE(hung.failure);
        CHECK(hung.failure->kind == lockstep::failure_kind::deadlock);
        CHECK(hung.failure->text.find("wait") != std::string::npos);
    }
}
