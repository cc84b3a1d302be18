// Execution i of a random search is seeded from (seed, i) alone, so worker w of
// n runs i = w, w + n, w + 2n, ... and the result is the one a single thread
// gives: the failure of the lowest index, lock orders joined in index order.
// Only the statistics of a search cut short by a failure (executions, steps,
// outcomes) depend on timing: workers stop at the failing index, and some may
// have run past it by the time they learn of it.
#include "parallel_random.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include "budget.hpp"
#include "execution.hpp"
#include "failures.hpp"
#include "lock_order_history.hpp"
#include "signal_handlers.hpp"
#include "source_paths.hpp"
#include "watchdog.hpp"

namespace lockstep::detail {
namespace {

struct indexed_failure {
    std::uint64_t index;
    failure f;
};

// New lock-order edges of one execution, to be joined in index order.
struct edge_batch {
    std::uint64_t index;
    std::string token;
    std::vector<history_edge> edges;
};

struct worker_share {
    result r;  // statistics only
    std::optional<indexed_failure> failure, inversion;
    std::vector<edge_batch> batches;
    std::exception_ptr error;
};

void keep_lowest(std::optional<indexed_failure>& kept, std::optional<indexed_failure>& candidate) {
    if (candidate && (!kept || candidate->index < kept->index)) kept = std::move(candidate);
}

class search {
public:
    search(const std::function<void()>& model, const options& opts, const detail::budget& limits, unsigned workers)
        : model_(model), opts_(opts), budget_(limits), workers_(workers) {}

    bool timed_out() const { return timed_out_.load(); }

    void work(unsigned w, worker_share& out) noexcept {
        try {
            const alternate_stack signal_stack;
            const source_root_scope paths(opts_.source_root);
            stack_pool stacks(opts_.stack_size);
            execution ex(stacks, opts_.max_steps);
            configure(ex);
            const watchdog dog(ex, opts_.step_time_limit);
            auto strategy = make_random(opts_.seed, w, workers_);
            lock_order_history seen;  // this worker's: only its first sightings are sent on
            for (std::uint64_t i = w; i < budget_.executions() && i <= stop_at_.load(std::memory_order_relaxed);
                 i += workers_) {
                if (budget_.spent(0)) {  // max_time: every worker sees it within one execution
                    timed_out_.store(true, std::memory_order_relaxed);
                    break;
                }
                strategy->next_execution();
                ex.run(model_, *strategy);
                ++out.r.executions;
                if (opts_.progress) {  // all workers count; one reports, so the callback never runs twice at once
                    const std::uint64_t done = done_.fetch_add(1, std::memory_order_relaxed) + 1;
                    if (w == 0) opts_.progress({done, budget_.executions(), 0, budget_.elapsed(), budget_.max_seconds()});
                }
                out.r.steps += ex.events().size();
                for (const auto& [name, value] : ex.observed()) ++out.r.outcomes[name][value];
                const bool inverted = ex.failure() && ex.failure()->kind == failure_kind::lock_order_inversion;
                if (opts_.lock_order != lock_order_check::off && (!ex.failure() || inverted)) {
                    std::vector<history_edge> edges = seen.new_edges(ex);
                    if (!edges.empty()) {
                        std::string token = encode_token(ex.decisions(), ex.max_steps(), ex.model_fingerprint(), ex.token_flags());
                        seen.add(edges, token);
                        out.batches.push_back({i, std::move(token), std::move(edges)});
                    }
                }
                if (!ex.failure()) continue;
                if (!inverted) ++out.r.failed_executions;
                std::optional<indexed_failure>& slot = inverted ? out.inversion : out.failure;
                if (slot) continue;
                slot = indexed_failure{i, make_failure(ex, opts_)};
                if (!verify(model_, ex, slot->f, opts_)) {  // a hang that did not replay: not the model's
                    out.r.warnings.push_back(slot->f.message);
                    slot.reset();
                    --out.r.failed_executions;
                    continue;
                }
                if (!inverted && opts_.stop_on_failure) {
                    std::uint64_t at = stop_at_.load();
                    while (i < at && !stop_at_.compare_exchange_weak(at, i)) {
                    }
                }
            }
            out.r.contention = ex.contention();
        } catch (...) {
            out.error = std::current_exception();
        }
    }

    void configure(execution& ex) const {
        ex.set_detect_races(opts_.detect_races);
        ex.set_memory_model(opts_.memory_model);
        ex.set_task_order(opts_.task_order);
        ex.set_spin_reduction(opts_.spin_reduction);
        ex.set_check_lock_order(opts_.lock_order != lock_order_check::off);
        ex.allow_spurious_wakeups_by_default(opts_.spurious_wakeups);
        ex.set_step_time_limit(opts_.step_time_limit);
        ex.set_model_name(opts_.name);
        ex.set_model_fingerprint(model_fingerprint(opts_.name));
    }

private:
    const std::function<void()>& model_;
    const options& opts_;
    const detail::budget& budget_;
    unsigned workers_;
    std::atomic<bool> timed_out_{false};
    std::atomic<std::uint64_t> stop_at_{std::numeric_limits<std::uint64_t>::max()};
    std::atomic<std::uint64_t> done_{0};  // executions run by all workers, for opts.progress
};

} // namespace

result explore_random_in_parallel(const std::function<void()>& model, const options& opts) {
    const source_root_scope paths(opts.source_root);
    const auto start = std::chrono::steady_clock::now();
    const detail::budget limits(opts, start);
    const std::uint64_t budget = limits.executions();
    unsigned workers = opts.workers == 0 ? std::max(1u, std::thread::hardware_concurrency()) : opts.workers;
    workers = static_cast<unsigned>(std::min<std::uint64_t>(workers, budget));

    const signal_handlers handler;
    search s(model, opts, limits, workers);
    std::vector<worker_share> shares(workers);
    {
        std::vector<std::jthread> threads;
        for (unsigned w = 0; w < workers; ++w) threads.emplace_back([&s, &shares, w] { s.work(w, shares[w]); });
    }

    result r;
    std::optional<indexed_failure> failed, inverted;
    std::vector<edge_batch> batches;
    for (worker_share& share : shares) {
        if (share.error) std::rethrow_exception(share.error);
        r.executions += share.r.executions;
        r.steps += share.r.steps;
        r.failed_executions += share.r.failed_executions;
        for (const auto& [name, counts] : share.r.outcomes)
            for (const auto& [value, n] : counts) r.outcomes[name][value] += n;
        for (const auto& [lock, n] : share.r.contention) r.contention[lock] += n;
        for (std::string& w : share.r.warnings) r.warnings.push_back(std::move(w));
        keep_lowest(failed, share.failure);
        keep_lowest(inverted, share.inversion);
        for (edge_batch& b : share.batches) batches.push_back(std::move(b));
    }
    if (s.timed_out()) r.stopped = stop_reason::max_time;
    else if (failed && opts.stop_on_failure) r.stopped = stop_reason::failure;
    else if (r.executions >= budget) r.stopped = stop_reason::max_executions;
    if (failed) {
        if (auto problem = write_failure_file(failed->f, opts)) r.warnings.push_back(std::move(*problem));
        r.failure = std::move(failed->f);
    } else {
        std::optional<failure> inversion;
        if (inverted) inversion = std::move(inverted->f);
        if (!inversion && opts.lock_order != lock_order_check::off) {
            std::sort(batches.begin(), batches.end(), [](const edge_batch& a, const edge_batch& b) { return a.index < b.index; });
            lock_order_history joined;
            for (edge_batch& b : batches) joined.add(std::move(b.edges), b.token);
            if (!joined.cycle().empty()) {
                const alternate_stack signal_stack;
                stack_pool stacks(opts.stack_size);
                execution ex(stacks, opts.max_steps);
                s.configure(ex);
                const watchdog dog(ex, opts.step_time_limit);
                inversion = joined_inversion(model, ex, joined.cycle_token(), opts);
            }
        }
        if (inversion) settle_inversion(r, std::move(*inversion), opts);
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace lockstep::detail
