// options.spin_reduction: a thread whose wait-loop turn only read, and that
// goes back to the top of its loop, waits until something it read is written.
// Checked here: the counts drop by orders of magnitude on the catalogue's spin
// models with the same verdicts; generated spin-loop programs give the same
// outcomes and verdicts with the reduction on and off, under dfs and dpor;
// bugs that need spinning are still found; tokens record the reduction and
// replay byte for byte; and why the reduction is opt-in (a loop with a side
// effect, one that gives up, is no wait loop).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"
#include "environment_guard.hpp"

namespace {
using lockstep::atomic;
using lockstep::thread;

lockstep::options with(lockstep::strategy s, bool reduction,
                       lockstep::memory_model mm = lockstep::memory_model::rc11) {
    lockstep::options o;
    o.strategy = s;
    o.spin_reduction = reduction;
    o.memory_model = mm;
    o.stop_on_failure = false;
    return o;
}

constexpr lockstep::strategy every_strategy[] = {lockstep::strategy::dfs, lockstep::strategy::dpor,
                                                 lockstep::strategy::random, lockstep::strategy::pct};

// The reduction on, stopping at the first failure within `executions` (0: all).
lockstep::options until_failure(lockstep::strategy s, std::uint64_t executions) {
    lockstep::options o = with(s, true);
    o.stop_on_failure = true;
    o.max_executions = executions;
    return o;
}

std::set<std::string> outcome_set(const lockstep::result& r) {
    std::set<std::string> out;
    for (const auto& [name, counts] : r.outcomes)
        for (const auto& [value, n] : counts) out.insert(name + "=" + value);
    return out;
}

// ---- generated spin-loop programs ----

// Small threads over three atomics: stores, read-modify-writes, loads, and
// waits: `while (x[a] < b) yield();`, the same with no yield, a wait for either
// of two conditions, and a compare-exchange lock that yields while it is held.
enum class op { store, fetch_add, exchange, load, spin_yield, spin_plain, spin_either, cas_lock };

struct instr {
    op kind;
    int a, b, c, d;
    std::memory_order order;
};

struct spin_program {
    std::vector<std::vector<instr>> threads;
};

class rng {
public:
    explicit rng(std::uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ull + 1) {}
    int below(int n) {
        s_ += 0x9e3779b97f4a7c15ull;
        std::uint64_t z = s_;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return static_cast<int>((z ^ (z >> 31)) % static_cast<std::uint64_t>(n));
    }

private:
    std::uint64_t s_;
};

// Odd seeds: seq_cst only; even seeds: acquire/release and relaxed too.
spin_program generate(std::uint64_t seed) {
    rng r(seed);
    spin_program p;
    const int threads = 2 + (r.below(4) == 0 ? 1 : 0);
    for (int t = 0; t < threads; ++t) {
        std::vector<instr> body;
        const int n = 1 + r.below(threads == 2 ? 3 : 2);
        for (int i = 0; i < n; ++i) {
            instr in{static_cast<op>(r.below(8)), r.below(3), 1 + r.below(2), r.below(3), 1 + r.below(2),
                     std::memory_order_seq_cst};
            if (seed % 2 == 0) {
                const int o = r.below(3);
                in.order = o == 0 ? std::memory_order_relaxed : o == 1 ? std::memory_order_acq_rel
                                                                       : std::memory_order_seq_cst;
            }
            body.push_back(in);
        }
        p.threads.push_back(std::move(body));
    }
    return p;
}

std::memory_order load_order(std::memory_order o) {
    return o == std::memory_order_acq_rel ? std::memory_order_acquire : o;
}
std::memory_order store_order(std::memory_order o) {
    return o == std::memory_order_acq_rel ? std::memory_order_release : o;
}

void run_thread(const std::vector<instr>& body, atomic<int>* x, int& reg) {
    for (const instr& in : body) {
        atomic<int>& v = x[in.a];
        switch (in.kind) {
        case op::store: v.store(in.b, store_order(in.order)); break;
        case op::fetch_add: reg = reg * 3 + v.fetch_add(1, in.order); break;
        case op::exchange: reg = reg * 3 + v.exchange(in.b, in.order); break;
        case op::load: reg = reg * 3 + v.load(load_order(in.order)); break;
        case op::spin_yield: {
            int seen = 0;
            while ((seen = v.load(load_order(in.order))) < in.b) lockstep::this_thread::yield();
            reg = reg * 3 + seen;
            break;
        }
        case op::spin_plain:
            while (v.load(load_order(in.order)) < in.b) {}
            break;
        case op::spin_either:
            while (v.load(load_order(in.order)) < in.b && x[in.c].load(load_order(in.order)) < in.d)
                lockstep::this_thread::yield();
            break;
        case op::cas_lock: {
            atomic<int>& lock = x[2];
            for (int expected = 0; !lock.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                                                 std::memory_order_relaxed);
                 expected = 0)
                lockstep::this_thread::yield();
            reg = reg * 3 + x[in.a == 2 ? 0 : in.a].load(std::memory_order_relaxed);
            lock.store(0, std::memory_order_release);
            break;
        }
        }
    }
}

std::function<void()> model_of(const spin_program& p) {
    return [p] {
        atomic<int> x[3] = {atomic<int>(0, "x0"), atomic<int>(0, "x1"), atomic<int>(0, "x2")};
        std::vector<int> regs(p.threads.size(), 0);
        std::vector<thread> threads;
        for (std::size_t t = 0; t < p.threads.size(); ++t)
            threads.emplace_back(lockstep::thread_name("t"),
                                 [&, t] { run_thread(p.threads[t], x, regs[t]); });
        for (thread& t : threads) t.join();
        std::string final;
        for (atomic<int>& v : x) final += std::to_string(v.load()) + " ";
        for (int r : regs) final += std::to_string(r) + " ";
        lockstep::observe("final", final);
    };
}

struct comparison {
    std::uint64_t programs = 0, skipped = 0, mismatches = 0, dfs_compared = 0, dfs_over_budget = 0;
    std::uint64_t executions_off = 0, executions_on = 0;
};

// One program: dpor without the reduction (the reference, within a budget;
// dpor against dfs without it is test_dpor's sweep), then dfs and dpor with it:
// the same outcomes and the same verdict.
void compare(const spin_program& p, lockstep::memory_model mm, comparison& c) {
    const auto model = model_of(p);
    lockstep::options o = with(lockstep::strategy::dpor, false, mm);
    o.max_steps = 200;
    o.max_executions = 2'000;
    const lockstep::result reference = lockstep::explore(model, o);
    if (!reference.complete) {
        ++c.skipped;
        return;
    }
    ++c.programs;
    c.executions_off += reference.executions;
    for (lockstep::strategy s : {lockstep::strategy::dpor, lockstep::strategy::dfs}) {
        o.strategy = s;
        o.spin_reduction = true;
        // dpor with the reduction must end; dfs, which explores every interleaving, may not
        // within its budget (then it is not compared).
        o.max_executions = s == lockstep::strategy::dpor ? 50'000 : 5'000;
        const lockstep::result on = lockstep::explore(model, o);
        if (std::getenv("LOCKSTEP_SPIN_VERBOSE") != nullptr)
            MESSAGE("strategy " << static_cast<int>(s) << ": off " << reference.executions << ", on " << on.executions
                                << (on.complete ? std::string() : std::string(" (not complete)")));
        if (s == lockstep::strategy::dpor) c.executions_on += on.executions;
        if (s == lockstep::strategy::dfs && !on.complete) {
            ++c.dfs_over_budget;
            continue;
        }
        if (s == lockstep::strategy::dfs) ++c.dfs_compared;
        const bool same = on.complete && outcome_set(on) == outcome_set(reference) &&
                          (on.failed_executions > 0) == (reference.failed_executions > 0) &&
                          (!on.failure || !reference.failure || on.failure->kind == reference.failure->kind);
        if (!same) {
            ++c.mismatches;
            INFO(static_cast<int>(s));
            INFO(reference);
            INFO(on);
            CHECK(same);
        }
        if (on.failure) {
            // Found with the reduction: its token says so, and replays it byte for byte
            // (under the same memory model: tokens do not record it).
            CHECK(on.failure->token.starts_with("ls3-"));
            lockstep::options ro;
            ro.memory_model = mm;
            const lockstep::result again = lockstep::replay(model, on.failure->token, ro);
            REQUIRE(again.failure);
            CHECK(again.failure->text == on.failure->text);
        }
    }
}

std::uint64_t seeds_from_environment(std::uint64_t fallback) {
    const char* v = std::getenv("LOCKSTEP_SPIN_SEEDS");
    return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

// ---- hand-written models ----

// A test-and-set lock whose release is missing a store when two threads contend:
// a broken spin lock. Mutual exclusion fails only if a thread spins on it.
void broken_spin_lock() {
    atomic<int> locked(0, "locked");
    atomic<int> inside(0, "inside");
    auto work = [&] {
        // Broken: test, then set (not one read-modify-write).
        while (locked.load() != 0) lockstep::this_thread::yield();
        locked.store(1);
        LOCKSTEP_ASSERT(inside.fetch_add(1) == 0, "two threads inside the spin lock");
        inside.fetch_sub(1);
        locked.store(0);
    };
    thread a(work), b(work);
    a.join();
    b.join();
}

// A correct test-and-test-and-set lock around a counter.
void spin_lock_counter() {
    atomic<int> locked(0, "locked");
    lockstep::var<int> counter(0, "counter");
    auto work = [&] {
        for (;;) {
            while (locked.load(std::memory_order_relaxed) != 0) lockstep::this_thread::yield();
            if (locked.exchange(1, std::memory_order_acquire) == 0) break;
        }
        counter = counter.get() + 1;
        locked.store(0, std::memory_order_release);
    };
    thread a(work), b(work);
    a.join();
    b.join();
    lockstep::observe("counter", counter.get());
}

// A wait that gives up after two turns: its turns count, so it is no wait
// loop, and the reduction (which takes it for one) loses the give-up path.
void wait_with_give_up() {
    atomic<int> flag(0, "flag");
    thread setter([&] { flag.store(1); });
    int turns = 0;
    while (flag.load() == 0 && ++turns < 2) lockstep::this_thread::yield();
    lockstep::observe("gave up", turns == 2 ? "yes" : "no");
    setter.join();
}

// Waits for a flag no thread sets.
void wait_forever() {
    atomic<int> flag(0, "flag");
    atomic<int> other(0, "other");
    thread t(lockstep::thread_name("waiter"), [&] {
        while (flag.load() == 0) lockstep::this_thread::yield();
    });
    other.store(1);
    t.join();
}

} // namespace

TEST_CASE("spin reduction: the catalogue's spin models need orders of magnitude fewer executions, same verdicts") {
    // (name, at least this many times fewer dpor executions)
    const std::pair<const char*, std::uint64_t> models[] = {{"alg_spsc_ring", 100}, {"alg_peterson", 100}};
    for (const auto& [name, factor] : models) {
        const std::string model_name = name;
        CAPTURE(model_name);
        const lockstep::model& m = lockstep::models::find(name);
        lockstep::options on;
        on.spin_reduction = true;
        lockstep::options off;
        const lockstep::result r_off = lockstep::run_model(m, off, false);
        const lockstep::result r_on = lockstep::run_model(m, on, false);
        INFO(r_off);
        INFO(r_on);
        CHECK(lockstep::judge(m, r_off).as_expected);
        CHECK(lockstep::judge(m, r_on).as_expected);
        CHECK(r_on.complete);
        CHECK(r_on.executions * factor <= r_off.executions);
        MESSAGE(model_name << ": dpor " << r_off.executions << " -> " << r_on.executions << " executions");
    }
    // readerwriterqueue takes ~35 s without the reduction: it must not complete in 10x the reduced count.
    const lockstep::model& rwq = lockstep::models::find("real_readerwriterqueue");
    lockstep::options on;
    on.spin_reduction = true;
    const lockstep::result r_on = lockstep::run_model(rwq, on, false);
    INFO(r_on);
    CHECK(lockstep::judge(rwq, r_on).as_expected);
    CHECK(r_on.complete);
    lockstep::options off;
    off.max_executions = r_on.executions * 10;
    const lockstep::result r_off = lockstep::run_model(rwq, off, false);
    CHECK_FALSE(r_off.complete);
    CHECK(r_off.ok());
}

TEST_CASE("spin reduction: the catalogue's spin models with a bug are still found, under every strategy, and replay") {
    for (const char* name : {"alg_spsc_ring_publish_first", "alg_spsc_ring_relaxed", "alg_peterson_turn_first",
                             "alg_peterson_acq_rel", "real_readerwriterqueue_missing_fence"}) {
        const lockstep::model& m = lockstep::models::find(name);
        for (lockstep::strategy s : every_strategy) {
            const std::string model_name = name;
            CAPTURE(model_name);
            CAPTURE(static_cast<int>(s));
            lockstep::options on;
            on.spin_reduction = true;
            on.strategy = s;
            on.max_executions = s == lockstep::strategy::dfs ? 200'000 : s == lockstep::strategy::dpor ? 0 : 20'000;
            const lockstep::result r = lockstep::run_model(m, on, true);
            INFO(r);
            REQUIRE(r.failure);
            CHECK(r.failure->kind == *m.expected_failure);
            CHECK(r.failure->token.starts_with("ls3-"));
            lockstep::options ro = m.settings;  // as run_model runs it
            ro.name = m.name;
            ro.replay_command = "lockstep-models --replay " + m.name;
            const lockstep::result again = lockstep::replay(m.body, r.failure->token, ro);
            REQUIRE(again.failure);
            CHECK(again.failure->text == r.failure->text);
        }
    }
}

TEST_CASE("spin reduction: a broken spin lock's mutual exclusion violation is found by every strategy") {
    for (lockstep::strategy s : every_strategy) {
        CAPTURE(static_cast<int>(s));
        const bool sampled = s == lockstep::strategy::random || s == lockstep::strategy::pct;
        const lockstep::result r = lockstep::explore(broken_spin_lock, until_failure(s, sampled ? 5'000 : 0));
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::assertion);
        CHECK(r.failure->token.starts_with("ls3-"));
        // Replayed with options that say nothing of the reduction: the token does.
        const lockstep::result again = lockstep::replay(broken_spin_lock, r.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->text == r.failure->text);
    }
}

TEST_CASE("spin reduction: a correct spin lock is proven with fewer executions and the same outcomes") {
    for (auto mm : {lockstep::memory_model::rc11, lockstep::memory_model::sc}) {
        CAPTURE(static_cast<int>(mm));
        // Without the reduction dpor does not finish this lock under rc11 within 200,000
        // executions (a quarter of them redundant): a budget.
        lockstep::options budget = with(lockstep::strategy::dpor, false, mm);
        budget.max_executions = 20'000;
        const lockstep::result off = lockstep::explore(spin_lock_counter, budget);
        const lockstep::result on = lockstep::explore(spin_lock_counter, with(lockstep::strategy::dpor, true, mm));
        const lockstep::result dfs_on = lockstep::explore(spin_lock_counter, with(lockstep::strategy::dfs, true, mm));
        INFO(off);
        INFO(on);
        CHECK(off.ok());
        CHECK(on.ok());
        CHECK(dfs_on.ok());
        CHECK(on.complete);
        CHECK(dfs_on.complete);
        CHECK(outcome_set(on) == outcome_set(off));
        CHECK(outcome_set(dfs_on) == outcome_set(off));
        CHECK(on.executions < off.executions);
    }
}

TEST_CASE("spin reduction: a loop that gives up after N turns is why it is opt-in") {
    const lockstep::result off = lockstep::explore(wait_with_give_up, with(lockstep::strategy::dfs, false));
    const lockstep::result on = lockstep::explore(wait_with_give_up, with(lockstep::strategy::dfs, true));
    CHECK(off.ok());
    CHECK(on.ok());
    // Without the reduction both paths are seen; with it the waiter never gives up:
    // it waits for the flag after its first turn, so the give-up path is lost.
    CHECK(outcome_set(off) == std::set<std::string>{"gave up=no", "gave up=yes"});
    CHECK(outcome_set(on) == std::set<std::string>{"gave up=no"});
}

TEST_CASE("spin reduction: a wait nothing can end is a livelock naming the spinning thread and what it waits for") {
    for (lockstep::strategy s : every_strategy) {
        CAPTURE(static_cast<int>(s));
        lockstep::options o = until_failure(s, 100);
        const lockstep::result r = lockstep::explore(wait_forever, o);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == lockstep::failure_kind::livelock);
        INFO(r.failure->message);
        CHECK(r.failure->message.find("thread waiter spins at") != std::string::npos);
        CHECK(r.failure->message.find("waiting for a write to flag") != std::string::npos);
        CHECK(r.failure->location.find("test_spin_reduction.cpp") != std::string::npos);
        // Without the reduction: the same verdict, at max_steps.
        o.spin_reduction = false;
        o.max_steps = 500;
        const lockstep::result off = lockstep::explore(wait_forever, o);
        REQUIRE(off.failure);
        CHECK(off.failure->kind == lockstep::failure_kind::livelock);
    }
}

TEST_CASE("spin reduction: the option, its variable and tokens") {
    lockstep::options o = with(lockstep::strategy::dfs, false);
    o.stop_on_failure = true;
    {
        const lockstep::testing::environment_guard env("LOCKSTEP_SPIN_REDUCTION", "1");
        const lockstep::result r = lockstep::explore(broken_spin_lock, o);
        REQUIRE(r.failure);
        CHECK(r.failure->token.starts_with("ls3-"));
    }
    {
        const lockstep::testing::environment_guard env("LOCKSTEP_SPIN_REDUCTION", "yes");
        CHECK_THROWS_WITH_AS(lockstep::explore(broken_spin_lock, o),
                             doctest::Contains("LOCKSTEP_SPIN_REDUCTION=\"yes\" is not a switch"),
                             lockstep::usage_error);
    }
    const lockstep::result r = lockstep::explore(broken_spin_lock, o);
    REQUIRE(r.failure);
    CHECK(r.failure->token.starts_with("ls2-"));
    // Each token replays under the setting it was recorded with.
    o.spin_reduction = true;
    const lockstep::result again = lockstep::replay(broken_spin_lock, r.failure->token, o);
    REQUIRE(again.failure);
    CHECK(again.failure->text == r.failure->text);
}

TEST_CASE("spin reduction: generated spin-loop programs, reduction on vs off and dfs vs dpor: same outcomes and "
          "verdicts") {
    const std::uint64_t seeds = seeds_from_environment(16);
    comparison c;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const spin_program p = generate(seed);
        CAPTURE(seed);
        compare(p, seed % 4 == 1 ? lockstep::memory_model::sc : lockstep::memory_model::rc11, c);
    }
    MESSAGE("spin programs: " << c.programs << " compared, " << c.skipped << " over the budget, "
                              << c.mismatches << " mismatches (dfs with the reduction compared on " << c.dfs_compared
                              << ", over its budget on " << c.dfs_over_budget << "); reference (dpor, no reduction) " << c.executions_off
                              << " executions, dpor with the reduction " << c.executions_on);
    CHECK(c.mismatches == 0);
    CHECK(c.programs >= seeds / 3);
}
