// PCT, preemption-bounded dfs and iterative preemption bounding.
#include <doctest/doctest.h>

#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "../checker/src/execution.hpp"
#include "../checker/src/strategy.hpp"
#include "../checker/src/token.hpp"
#include "catalog.hpp"

namespace {

using lockstep::failure_kind;
using lockstep::options;
using lockstep::result;

const lockstep::model* find_model(std::string_view name) {
    for (const lockstep::model& m : lockstep::models::catalog())
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<const lockstep::model*> failing_models_of(std::string_view scenario) {
    std::vector<const lockstep::model*> found;
    for (const lockstep::model& m : lockstep::models::catalog())
        if (m.scenario == scenario && m.expected_failure) found.push_back(&m);
    return found;
}

options pct_options(std::uint64_t seed, std::uint64_t depth, std::uint64_t budget) {
    options o;
    o.strategy = lockstep::strategy::pct;
    o.seed = seed;
    o.pct_depth = depth;
    o.max_executions = budget;
    return o;
}

options dfs_options(std::uint64_t bound) {
    options o;
    o.strategy = lockstep::strategy::dfs;
    o.preemption_bound = bound;
    return o;
}

// Follows a token's schedule and counts its preempting context switches: a
// switch away from the thread that made the last step while that thread is
// still enabled (first in the round-robin list of choices) and did not give up
// its turn.
class preemption_counter final : public lockstep::detail::strategy_base {
public:
    explicit preemption_counter(std::vector<std::uint32_t> choices) : choices_(std::move(choices)) {}
    bool next_execution() override { return !std::exchange(started_, true); }
    std::size_t pick(std::span<const lockstep::detail::choice> choices,
                     const lockstep::detail::step_context& at) override {
        const std::size_t index = choices.size() > 1 ? next() : 0;
        if (choices[0].thread == last_ && !at.last_gave_up && index != 0) ++preemptions;
        last_ = choices[index].thread;
        return index;
    }
    std::size_t choose(std::size_t) override { return next(); }
    std::size_t preemptions = 0;

private:
    std::size_t next() { return position_ < choices_.size() ? choices_[position_++] : 0; }
    std::vector<std::uint32_t> choices_;
    std::size_t position_ = 0;
    bool started_ = false;
    lockstep::detail::thread_id last_ = lockstep::detail::no_thread;
};

// Replays `token` on `model` and returns how many preemptions its execution makes;
// also checks that the replay fails.
std::size_t preemptions_in(const std::function<void()>& model, const std::string& token) {
    const lockstep::detail::recorded_schedule schedule = lockstep::detail::decode_token(token);
    preemption_counter counter(schedule.expanded());
    lockstep::detail::stack_pool stacks(256 * 1024);
    lockstep::detail::execution ex(stacks, schedule.max_steps);
    counter.next_execution();
    ex.run(model, counter);
    CHECK(ex.failure().has_value());
    return counter.preemptions;
}

// Whether the search found the deadlock itself (a lock-order checker may still
// report the potential deadlock of an execution that did not deadlock).
bool deadlocked(const result& r) { return r.failure && r.failure->kind == failure_kind::deadlock; }

// Every failure a result holds replays to a byte-identical report.
void check_replays(const std::function<void()>& model, const result& r, const options& o) {
    REQUIRE(r.failure);
    const result again = lockstep::replay(model, r.failure->token, o);
    REQUIRE(again.failure);
    CHECK(again.failure->kind == r.failure->kind);
    CHECK(again.failure->text == r.failure->text);
}

} // namespace

TEST_CASE("pct finds the AB-BA deadlock (S08) and lost updates within a budget") {
    const lockstep::model* s08 = find_model("s08_ab_ba_deadlock");
    REQUIRE(s08 != nullptr);
    for (std::uint64_t depth : {2u, 3u}) {
        CAPTURE(depth);
        const options o = pct_options(1, depth, 1000);
        const result r = lockstep::explore(s08->body, o);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::deadlock);
        CHECK(r.executions < 1000);
        check_replays(s08->body, r, o);
    }
    for (auto [threads, increments] : {std::pair{2, 2}, std::pair{4, 3}}) {
        CAPTURE(threads);
        CAPTURE(increments);
        const auto model = lockstep::models::lost_update(threads, increments);
        const options o = pct_options(7, 3, 2000);
        const result r = lockstep::explore(model, o);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::assertion);
        check_replays(model, r, o);
    }
}

TEST_CASE("pct is deterministic for a seed") {
    const auto model = lockstep::models::lost_update(4, 3);
    for (std::uint64_t seed : {0u, 1u, 42u}) {
        CAPTURE(seed);
        const options o = pct_options(seed, 3, 5000);
        const result a = lockstep::explore(model, o);
        const result b = lockstep::explore(model, o);
        CHECK(a.executions == b.executions);
        CHECK(a.steps == b.steps);
        REQUIRE(a.failure);
        REQUIRE(b.failure);
        CHECK(a.failure->token == b.failure->token);
        CHECK(a.failure->text == b.failure->text);
    }
    // Without a failure to stop at, the whole run is the same too.
    const lockstep::model* s09 = find_model("s09_lock_ordering");
    REQUIRE(s09 != nullptr);
    const result a = lockstep::explore(s09->body, pct_options(3, 3, 300));
    const result b = lockstep::explore(s09->body, pct_options(3, 3, 300));
    CHECK(a.ok());
    CHECK(a.executions == 300);
    CHECK(a.steps == b.steps);
    CHECK_FALSE(a.complete);
}

TEST_CASE("pct with depth 1 never preempts: the AB-BA deadlock needs a preemption") {
    // Depth 1 has no change points: each execution runs every thread, by priority,
    // until it blocks or ends; S08 deadlocks only if a thread is preempted between
    // its two locks.
    const lockstep::model* s08 = find_model("s08_ab_ba_deadlock");
    REQUIRE(s08 != nullptr);
    const result r = lockstep::explore(s08->body, pct_options(0, 1, 200));
    CHECK_FALSE(deadlocked(r));
    CHECK(r.executions == 200);
}

TEST_CASE("every failure pct finds replays to an identical report") {
    std::vector<std::pair<std::string, std::function<void()>>> models;
    models.emplace_back("lost_update(2,2)", lockstep::models::lost_update(2, 2));
    models.emplace_back("lost_update(3,2)", lockstep::models::lost_update(3, 2));
    for (const char* scenario : {"S08", "S19", "S20"})
        for (const lockstep::model* m : failing_models_of(scenario)) models.emplace_back(m->name, m->body);
    for (const auto& [name, model] : models)
        for (std::uint64_t seed = 0; seed < 5; ++seed)
            for (std::uint64_t depth : {2u, 3u}) {
                CAPTURE(name);
                CAPTURE(seed);
                CAPTURE(depth);
                options o = pct_options(seed, depth, 3000);
                o.name = name;
                const result r = lockstep::explore(model, o);
                if (r.failure) check_replays(model, r, o);
            }
}

TEST_CASE("preemption-bounded dfs: the AB-BA deadlock (S08) needs one preemption") {
    const lockstep::model* s08 = find_model("s08_ab_ba_deadlock");
    REQUIRE(s08 != nullptr);
    // Bound 0: each thread runs until it blocks or ends; whichever runs first takes
    // both locks, so the deadlock cannot happen (at most its potential, the lock-order
    // inversion, can be seen). The bound cut the search: no proof.
    const result zero = lockstep::explore(s08->body, dfs_options(0));
    CHECK_FALSE(deadlocked(zero));
    CHECK_FALSE(zero.complete);
    CHECK(zero.executions > 0);
    // Bound 1: a thread is preempted between its two locks.
    const result one = lockstep::explore(s08->body, dfs_options(1));
    REQUIRE(one.failure);
    CHECK(one.failure->kind == failure_kind::deadlock);
    CHECK(preemptions_in(s08->body, one.failure->token) == 1);
    check_replays(s08->body, one, dfs_options(1));
}

TEST_CASE("preemption-bounded dfs: a large bound changes nothing") {
    const lockstep::model* s09 = find_model("s09_lock_ordering");
    REQUIRE(s09 != nullptr);
    const result unbounded = lockstep::explore(s09->body, dfs_options(~std::uint64_t{0}));
    REQUIRE(unbounded.ok());
    REQUIRE(unbounded.complete);
    const result bounded = lockstep::explore(s09->body, dfs_options(64));
    CHECK(bounded.ok());
    CHECK(bounded.complete);
    CHECK(bounded.executions == unbounded.executions);
    CHECK(bounded.steps == unbounded.steps);
    // Small bounds see fewer executions and claim no proof.
    std::uint64_t previous = 0;
    for (std::uint64_t b = 0; b < 3; ++b) {
        CAPTURE(b);
        const result r = lockstep::explore(s09->body, dfs_options(b));
        CHECK(r.ok());
        CHECK(r.executions > previous);
        CHECK(r.executions <= unbounded.executions);
        if (!r.complete) CHECK(r.executions < unbounded.executions);
        previous = r.executions;
    }

    // Every outcome of the lost update, with a bound and without.
    const auto lost = lockstep::models::lost_update(2, 2);
    options all = dfs_options(64);
    all.stop_on_failure = false;
    options all_unbounded = dfs_options(~std::uint64_t{0});
    all_unbounded.stop_on_failure = false;
    const result a = lockstep::explore(lost, all), b = lockstep::explore(lost, all_unbounded);
    CHECK(a.complete);
    CHECK(b.complete);
    CHECK(a.executions == b.executions);
    CHECK(a.failed_executions == b.failed_executions);
    CHECK(a.outcomes == b.outcomes);
}

TEST_CASE("iterative preemption bounding returns a failure with the fewest preemptions") {
    const lockstep::model* s08 = find_model("s08_ab_ba_deadlock");
    REQUIRE(s08 != nullptr);
    options it;
    it.iterative_preemption_bound = true;

    SUBCASE("S08 AB-BA deadlock") {
        const result r = lockstep::explore(s08->body, it);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::deadlock);
        CHECK(preemptions_in(s08->body, r.failure->token) == 1);
        CHECK_FALSE(r.complete);
        // Round 0 ran to its end; round 1 stopped at its failure. Executions add up.
        const result zero = lockstep::explore(s08->body, dfs_options(0));
        const result one = lockstep::explore(s08->body, dfs_options(1));
        CHECK(r.executions == zero.executions + one.executions);
        CHECK(r.failure->token == one.failure->token);
        check_replays(s08->body, r, it);
        // Plain dfs finds a failure with more preemptions first.
        const result plain = lockstep::explore(s08->body, {});
        REQUIRE(plain.failure);
        CHECK(preemptions_in(s08->body, plain.failure->token) >= 1);
    }
    SUBCASE("asked of dpor, which ignores preemption bounds, the rounds run dfs") {
        options with_dpor = it;
        with_dpor.strategy = lockstep::strategy::dpor;
        const result r = lockstep::explore(s08->body, with_dpor);
        REQUIRE(r.failure);
        CHECK(preemptions_in(s08->body, r.failure->token) == 1);
        CHECK(r.failure->token == lockstep::explore(s08->body, it).failure->token);
    }
    SUBCASE("S01 lost update, 2 threads x 2 increments") {
        const auto model = lockstep::models::lost_update(2, 2);
        const result r = lockstep::explore(model, it);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::assertion);
        const std::size_t p = preemptions_in(model, r.failure->token);
        CHECK(p == 1);
        // Minimal: no execution with fewer preemptions fails.
        const result fewer = lockstep::explore(model, dfs_options(p - 1));
        CHECK(fewer.ok());
        check_replays(model, r, it);
    }
    SUBCASE("a passing model: rounds until the bound cuts nothing, then a proof") {
        const lockstep::model* s09 = find_model("s09_lock_ordering");
        REQUIRE(s09 != nullptr);
        const result r = lockstep::explore(s09->body, it);
        CHECK(r.ok());
        CHECK(r.complete);
        const result unbounded = lockstep::explore(s09->body, {});
        CHECK(r.executions > unbounded.executions);  // earlier rounds are counted too
    }
    SUBCASE("the bound caps the rounds") {
        options capped = it;
        capped.preemption_bound = 0;
        const result r = lockstep::explore(s08->body, capped);
        CHECK_FALSE(deadlocked(r));
        CHECK_FALSE(r.complete);
        CHECK(r.executions == lockstep::explore(s08->body, dfs_options(0)).executions);
    }
    SUBCASE("max_executions is a budget for all rounds") {
        options budget = it;
        budget.max_executions = 2;
        const result r = lockstep::explore(s08->body, budget);
        CHECK(r.executions == 2);
        CHECK_FALSE(r.complete);
    }
}

TEST_CASE("a switch at a yield or a failed try_lock costs no preemption") {
    // T1 publishes a transient 1 and yields before clearing it; T2 must not see it.
    // With bound 0 the only way T2 reads the 1 is the free switch at T1's yield.
    auto at_yield = [] {
        lockstep::atomic<int> x(0, "x");
        lockstep::thread t1([&] {
            x.store(1);
            lockstep::this_thread::yield();
            x.store(0);
        });
        lockstep::thread t2([&] { LOCKSTEP_ASSERT(x.load() == 0); });
        t1.join();
        t2.join();
    };
    const result r = lockstep::explore(at_yield, dfs_options(0));
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::assertion);

    // A spin on try_lock: each failed attempt gives up the turn, so bound 0 lets the
    // holder run and release; nothing is reported (no livelock, no failure).
    auto spin = [] {
        lockstep::mutex m("m");
        lockstep::atomic<int> done(0, "done");
        lockstep::thread holder([&] {
            m.lock();
            done.store(1);
            m.unlock();
        });
        lockstep::thread spinner([&] {
            while (!m.try_lock()) lockstep::this_thread::yield();
            m.unlock();
        });
        holder.join();
        spinner.join();
    };
    const result bounded = lockstep::explore(spin, dfs_options(0));
    CHECK(bounded.ok());
    const result with_pct = lockstep::explore(spin, pct_options(5, 3, 300));
    CHECK(with_pct.ok());
    CHECK(with_pct.executions == 300);
}

TEST_CASE("pct: a thread that yields drops below the others, yet a change point can let it move first") {
    // S17: the producer does set(); sleep(0); clear() while woken consumers race
    // it. The bug needs the producer to clear() before a woken consumer takes its
    // step; a sleeper dropped below the change-point priorities for good never could.
    const lockstep::model* s17 = find_model("s17_event_toggle");
    if (s17 == nullptr) {
        MESSAGE("s17_event_toggle is not in the catalogue: skipped");
        return;
    }
    for (std::uint64_t seed = 0; seed < 5; ++seed)
        for (std::uint64_t depth : {2u, 3u}) {
            CAPTURE(seed);
            CAPTURE(depth);
            const options o = pct_options(seed, depth, 2000);
            const result r = lockstep::explore(s17->body, o);
            REQUIRE(r.failure);
            CHECK(r.failure->kind == failure_kind::assertion);
            check_replays(s17->body, r, o);
        }
}
