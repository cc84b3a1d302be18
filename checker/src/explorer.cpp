// Drives executions under a strategy: stops at the first failure or when the
// budget ends, replays every failure once to prove it reproduces, and collects
// statistics and outcomes.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include <lockstep/explore.hpp>

#include "budget.hpp"
#include "environment.hpp"
#include "execution.hpp"
#include "failures.hpp"
#include "leak_bound.hpp"
#include "lock_order_history.hpp"
#include "options_check.hpp"
#include "report.hpp"
#include "signal_handlers.hpp"
#include "source_paths.hpp"
#include "parallel_random.hpp"
#include "watchdog.hpp"

namespace lockstep {
namespace {
using namespace detail;

// `recorded_model`: a replayed token's model (token.hpp), kept in the tokens
// the replay writes when the replaying side has no name of its own.
result run(const std::function<void()>& model, const options& opts, strategy_base& strategy, std::uint64_t max_steps,
           bool verify_failures, std::uint32_t recorded_model = unnamed_model) {
    const auto start = std::chrono::steady_clock::now();
    const source_root_scope paths(opts.source_root);
    const signal_handlers handler;
    const alternate_stack signal_stack;
    stack_pool stacks(opts.stack_size);
    execution ex(stacks, max_steps);
    ex.set_step_time_limit(opts.step_time_limit);
    ex.set_model_name(opts.name);
    ex.set_model_fingerprint(opts.name.empty() ? recorded_model : model_fingerprint(opts.name));
    const watchdog dog(ex, opts.step_time_limit);
    ex.set_detect_races(opts.detect_races);
    ex.set_memory_model(opts.memory_model);
    ex.set_task_order(opts.task_order);
    ex.set_spin_reduction(opts.spin_reduction);
    ex.set_check_lock_order(opts.lock_order != lock_order_check::off);
    ex.allow_spurious_wakeups_by_default(opts.spurious_wakeups);
    std::optional<failure> inversion;  // waits in case the exploration finds something worse
    lock_order_history lock_orders;    // joined over the executions, for cycles no one of them shows

    result r;
    leak_bound leaks(!opts.stop_on_failure);
    bool unreplayed_hang = false;  // an execution's end is unexplored: no proof
    const budget limits(opts, start);
    for (;;) {
        if (auto spent = limits.spent(r.executions)) {
            r.stopped = *spent;
            break;
        }
        if (!strategy.next_execution()) break;
        leaks.before_execution();
        ex.run(model, strategy);
        ++r.executions;
        if (opts.progress) {
            const auto estimate = strategy.estimate(r.executions);
            opts.progress({r.executions, limits.executions(), estimate ? estimate->executions : 0, limits.elapsed(),
                           limits.max_seconds()});
        }
        r.steps += ex.events().size();
        if (ex.redundant()) ++r.redundant_executions;
        for (const auto& [name, value] : ex.observed()) ++r.outcomes[name][value];
        const bool whole = !ex.redundant() && !strategy.problem();  // its token replays it
        if (opts.lock_order != lock_order_check::off && whole &&
            (!ex.failure() || ex.failure()->kind == failure_kind::lock_order_inversion))
            lock_orders.absorb(ex);

        if (auto problem = strategy.problem(); problem && !ex.failure() && opts.strategy != strategy::replay) {
            failure f;
            f.kind = failure_kind::nondeterminism;
            f.message = "the model is nondeterministic: " + *problem;
            f.token = encode_token(ex.decisions(), max_steps, ex.model_fingerprint(), ex.token_flags());
            f.model = opts.name;
            f.replay = replay_command(f.token, opts);
            f.text = fmt::format("lockstep: nondeterminism in {}\n  {}\n  The model depends on something the "
                                 "checker does not control (wall clock, unseeded randomness, real threads, object "
                                 "addresses, data kept from an earlier execution in statics or globals).\n",
                                 opts.name.empty() ? "model" : opts.name, f.message);
            ++r.failed_executions;
            r.failure = std::move(f);
            r.stopped = stop_reason::failure;
            break;
        }
        if (!ex.failure()) continue;
        if (ex.failure()->kind == failure_kind::lock_order_inversion) {
            if (!inversion) {
                inversion = make_failure(ex, opts);
                if (verify_failures) verify(model, ex, *inversion, opts);
            }
            continue;
        }
        if (!r.failure) {
            failure f = make_failure(ex, opts);
            if (verify_failures && !verify(model, ex, f, opts)) {
                r.warnings.push_back(f.message);
                unreplayed_hang = true;
                continue;
            }
            if (auto problem = write_failure_file(f, opts)) r.warnings.push_back(*problem);
            r.failure = std::move(f);
        }
        ++r.failed_executions;
        leaks.after_failure();
        if (auto leaked = leaks.exceeded()) r.warnings.push_back(*leaked);
        if (opts.stop_on_failure || leaks.exceeded()) {
            r.stopped = stop_reason::failure;
            break;
        }
    }
    if (r.stopped != stop_reason::finished || opts.estimate_only) r.estimate = strategy.estimate(r.executions);
    r.contention = ex.contention();
    if (!inversion && !r.failure && !lock_orders.cycle().empty() && !strategy.problem())
        inversion = joined_inversion(model, ex, lock_orders.cycle_token(), opts);
    if (inversion && !r.failure) settle_inversion(r, std::move(*inversion), opts);
    r.complete = strategy.complete() && !unreplayed_hang;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

// Iterative preemption bounding: rounds of dfs with bound 0, 1, 2, ... up to
// opts.preemption_bound (also when dpor was asked for: dpor ignores the bound,
// since bounding is unsound with partial-order reduction). The first round that
// fails gives the failure, so it has the fewest preemptions of any; a round the
// bound did not cut is a whole search and the last. Statistics add up over the rounds (later rounds re-run
// the executions of earlier ones); max_executions is a budget for all of them.
result run_iterative(const std::function<void()>& model, const options& opts) {
    result total;
    std::optional<failure> inversion;
    const budget limits(opts);
    for (std::uint64_t bound = 0;; ++bound) {
        options round = opts;
        if (auto spent = limits.spent(total.executions)) {
            total.stopped = *spent;
            break;
        }
        if (opts.max_executions != 0) round.max_executions = opts.max_executions - total.executions;
        if (opts.max_time.count() > 0)
            round.max_time = std::max(std::chrono::milliseconds(1),  // (0 would be no limit)
                                      opts.max_time - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                          std::chrono::duration<double>(limits.elapsed())));
        round.strategy = strategy::dfs;
        if (opts.progress)  // counted over all rounds; a round's estimate is of that round alone
            round.progress = [&](const progress_report& p) {
                opts.progress({total.executions + p.executions, opts.max_executions, 0, limits.elapsed(),
                               limits.max_seconds()});
            };
        auto bounded = make_dfs(bound);
        result r = run(model, round, *bounded, opts.max_steps, true);
        total.executions += r.executions;
        total.steps += r.steps;
        total.failed_executions += r.failed_executions;
        total.redundant_executions += r.redundant_executions;
        total.seconds += r.seconds;
        for (const auto& [name, counts] : r.outcomes)
            for (const auto& [value, n] : counts) total.outcomes[name][value] += n;
        // A lock-order inversion waits for a higher bound to find something worse.
        const bool inverted = r.failure && r.failure->kind == failure_kind::lock_order_inversion;
        if (inverted && !inversion) inversion = r.failure;
        if (!inverted && !total.failure && r.failure) total.failure = std::move(r.failure);
        for (std::string& w : r.warnings) total.warnings.push_back(std::move(w));
        for (const auto& [lock, n] : r.contention) total.contention[lock] += n;
        total.complete = r.complete;
        total.stopped = r.stopped;
        if (r.complete || bound >= opts.preemption_bound) break;
        if (total.failure && (opts.stop_on_failure || total.failure->kind == failure_kind::nondeterminism)) break;
        if (round.max_executions != 0 && r.executions >= round.max_executions) break;
    }
    if (!total.failure && inversion) {
        if (opts.lock_order == lock_order_check::warning) total.warnings.push_back(inversion->message);
        else total.failure = std::move(inversion);
    }
    return total;
}

// options::estimate_only. dfs (and random, pct: the space they sample is dfs's):
// random probes of dfs's tree, with its preemption bound. dpor: the first
// max_executions of dpor's own search, estimated from the share of its tree
// they covered (random paths through dpor's tree cannot be drawn: its
// branching is only known once the subtrees before have been explored; walks
// with sleep sets were tried and were mostly blocked, with estimates off by up
// to 60x). Every execution runs, failures or not: a failure found is still
// reported, with its token.
result estimate(const std::function<void()>& model, options opts) {
    if (opts.max_executions == 0) opts.max_executions = 1'000;
    opts.stop_on_failure = false;
    const bool dpor = opts.strategy == strategy::dpor;
    auto strategy = dpor ? make_dpor(~std::uint64_t{0}) : make_probe(opts.seed, opts.preemption_bound);
    result r = run(model, opts, *strategy, opts.max_steps, true);
    if (r.stopped == stop_reason::finished && dpor) {  // the whole space fit in the budget: its size is known
        const auto n = static_cast<double>(r.executions);
        r.estimate = size_estimate{.executions = n, .low = n, .high = n};
    } else if (dpor && r.estimate) {
        // Early in a large space the share leans low (races not yet reversed hide whole
        // branches); dfs's count, from probes, bounds dpor's (one execution per trace) from above.
        options probing = opts;
        probing.strategy = strategy::dfs;
        result dfs = run(model, probing, *make_probe(opts.seed, ~std::uint64_t{0}), opts.max_steps, false);
        if (dfs.estimate) r.estimate->high = std::max(dfs.estimate->executions, r.estimate->executions);
    }
    if (r.stopped == stop_reason::max_executions) r.stopped = stop_reason::finished;  // all it was asked for ran
    return r;
}

} // namespace

result explore(std::function<void()> model, options opts, std::string_view project_root) {
    if (!model) throw usage_error("lockstep::explore: the model is empty");
    if (detail::in_model()) throw usage_error("lockstep::explore called from inside a model");
    if (opts.source_root.empty()) opts.source_root = project_root;
    apply_environment(opts);  // LOCKSTEP_* variables win over the code: CI's knobs
    check_options(opts, false);
    if (opts.estimate_only && opts.strategy != strategy::replay) return estimate(model, opts);
    if (opts.iterative_preemption_bound && (opts.strategy == strategy::dfs || opts.strategy == strategy::dpor))
        return run_iterative(model, opts);
    switch (opts.strategy) {
    case strategy::dfs: return run(model, opts, *make_dfs(opts.preemption_bound), opts.max_steps, true);
    case strategy::dpor: return run(model, opts, *make_dpor(opts.preemption_bound), opts.max_steps, true);
    case strategy::random:
        if (opts.workers != 1) return explore_random_in_parallel(model, opts);
        return run(model, opts, *make_random(opts.seed), opts.max_steps, true);
    case strategy::pct: return run(model, opts, *make_pct(opts.seed, opts.pct_depth), opts.max_steps, true);
    case strategy::replay: return replay(std::move(model), opts.token, opts, project_root);
    }
    throw usage_error("lockstep::explore: unknown strategy");
}

result replay(std::function<void()> model, std::string_view token, options opts, std::string_view project_root) {
    if (!model) throw usage_error("lockstep::replay: the model is empty");
    if (detail::in_model()) throw usage_error("lockstep::replay called from inside a model");
    if (opts.source_root.empty()) opts.source_root = project_root;
    apply_source_root_environment(opts);  // how paths read is not a knob of the schedule
    check_options(opts, true);
    std::uint64_t max_steps = 0;
    const std::uint32_t recorded = token_model(token, opts.name);
    std::uint32_t flags = 0;
    auto strategy = make_replay(token, max_steps, &flags);
    // The token says how it was recorded: replay follows it whatever the options say.
    opts.spin_reduction = (flags & token_spin_reduction) != 0;
    opts.strategy = strategy::replay;
    opts.max_executions = 0;  // one per part of the token
    opts.max_time = {};
    opts.estimate_only = false;
    opts.stop_on_failure = false;  // every part runs, so every part is checked
    result r = run(model, opts, *strategy, max_steps, false, recorded);
    if (auto problem = strategy->problem()) throw token_error(*problem);
    check_compound_replay(token, r);
    return r;
}

} // namespace lockstep