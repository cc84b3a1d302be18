// Drives executions under a strategy: stops at the first failure or when the
// budget ends, replays every failure once to prove it reproduces, and collects
// statistics and outcomes.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include <lockstep/explore.hpp>
#include <lockstep/export.hpp>

#include "execution.hpp"
#include "lock_order_history.hpp"
#include "report.hpp"

namespace lockstep {
namespace {
using namespace detail;

// ---- stack overflow: a guard-page fault becomes a failure of the execution ----

// Installed for the length of an exploration (test frameworks install their own
// handlers between tests), with a stack of its own: the faulting one is exhausted.
class overflow_guard {
public:
    overflow_guard() : memory_(64 * 1024) {
        stack_t st{};
        st.ss_sp = memory_.data();
        st.ss_size = memory_.size();
        alt_installed_ = sigaltstack(&st, &old_stack_) == 0;
        struct sigaction sa {};
        sa.sa_sigaction = &on_segv;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        handler_installed_ = sigaction(SIGSEGV, &sa, &previous()) == 0;
    }
    ~overflow_guard() {
        if (handler_installed_) sigaction(SIGSEGV, &previous(), nullptr);
        if (alt_installed_) sigaltstack(&old_stack_, nullptr);
    }
    overflow_guard(const overflow_guard&) = delete;
    overflow_guard& operator=(const overflow_guard&) = delete;

private:
    // Where a fault that is not a guard-page hit goes. One per OS thread, like the handler's state.
    static struct sigaction& previous() {
        thread_local struct sigaction action {};
        return action;
    }
    static void on_segv(int, siginfo_t* info, void*) {
        execution* ex = execution::current();
        if (ex != nullptr && ex->in_guard_page(info->si_addr)) {
            ex->stack_overflowed();
            siglongjmp(ex->overflow_landing(), 1);
        }
        // Not ours: put back whoever handled it before; the fault repeats and goes there.
        sigaction(SIGSEGV, &previous(), nullptr);
    }

    std::vector<char> memory_;
    stack_t old_stack_{};
    bool alt_installed_ = false;
    bool handler_installed_ = false;
};

// ---- failures ----

bool same_event(const event& a, const event& b) {
    return a.thread == b.thread && a.op.kind == b.op.kind && a.op.object == b.op.object &&
           a.op.location.line() == b.op.location.line() && a.has_value == b.has_value && a.value == b.value;
}

std::string describe_event(const execution& ex, std::span<const event> events, std::size_t i) {
    if (i >= events.size()) return "the execution ended";
    const event& e = events[i];
    std::string text = fmt::format("{} {} {}", ex.thread_label(e.thread), to_string(e.op.kind), ex.object_label(e.op.object));
    if (e.has_value) text += fmt::format(" -> {}", e.value);
    if (e.op.location.line() != 0) text += " at " + where(e.op.location);
    return text;
}

failure make_failure(const execution& ex, const options& opts) {
    const failure_record& rec = *ex.failure();
    failure f;
    f.kind = rec.kind;
    f.message = rec.message;
    f.location = where(rec.where);
    f.token = encode_token(ex.decisions(), ex.max_steps());
    f.text = render_report(ex, f.token, opts);
    f.traces.push_back(record_trace(ex, ex.events().size(), f.token));
    f.threads = record_threads(ex);
    return f;
}

// Replays the failing schedule; if the model does something else this time, the
// failure becomes a nondeterminism failure that shows where the runs parted.
void verify(const std::function<void()>& model, execution& ex, failure& f, const options& opts) {
    const std::vector<event> first(ex.events().begin(), ex.events().end());
    const failure_record first_failure = *ex.failure();
    std::uint64_t max_steps = 0;
    auto again = make_replay(f.token, max_steps);
    again->next_execution();
    ex.run(model, *again);

    const auto second = ex.events();
    std::size_t i = 0;
    while (i < first.size() && i < second.size() && same_event(first[i], second[i])) ++i;
    const bool same_failure = ex.failure() && ex.failure()->kind == first_failure.kind &&
                              ex.failure()->message == first_failure.message;
    if (i == first.size() && i == second.size() && same_failure) return;

    const std::string original = fmt::format("{}: {}", to_string(f.kind), f.message);
    f.kind = failure_kind::nondeterminism;
    f.message = fmt::format("the model is nondeterministic: replaying its failing schedule diverged at step {}", i + 1);
    f.location.clear();
    f.traces.clear();  // the token does not replay them
    f.threads.clear();
    std::string text = fmt::format("lockstep: nondeterminism in {}\n  {}\n", opts.name.empty() ? "model" : opts.name,
                                   f.message);
    text += "  The model depends on something the checker does not control (wall clock, unseeded randomness,\n"
            "  real threads, object addresses), so this failure would not replay:\n";
    text += fmt::format("  first run: {}\n", original);
    text += fmt::format("  step {} in the first run: {}\n", i + 1, describe_event(ex, first, i));
    text += fmt::format("  step {} in the replay:    {}\n", i + 1, describe_event(ex, second, i));
    if (i == first.size() && i == second.size())
        text += fmt::format("  the replay ended with: {}\n",
                            ex.failure() ? fmt::format("{}: {}", to_string(ex.failure()->kind), ex.failure()->message)
                                         : std::string("no failure"));
    f.text = text;
}

// A lock-order cycle joined from several executions. Replays them (the compound
// token) and reports the cycle with each execution's steps up to its part of it;
// if the replay does not show the cycle again, the model is nondeterministic.
failure joined_inversion(const std::function<void()>& model, execution& ex, const std::string& token,
                         const options& opts) {
    const std::vector<std::string> parts = token_parts(token);
    const auto replay_part = [&](const std::string& part) {
        std::uint64_t max_steps = 0;
        auto again = make_replay(part, max_steps);
        again->next_execution();
        ex.run(model, *again);
        return !again->problem() && (!ex.failure() || ex.failure()->kind == failure_kind::lock_order_inversion);
    };
    lock_order_history history;
    bool replayed = true;
    for (const std::string& part : parts) {
        replayed = replay_part(part) && replayed;
        history.absorb(ex);
    }
    failure f;
    f.token = token;
    const std::string model_name = opts.name.empty() ? "model" : opts.name;
    if (!replayed || history.cycle().empty() || history.cycle_token() != token) {
        f.kind = failure_kind::nondeterminism;
        f.message = "the model is nondeterministic: replaying the executions that took locks in a cycle of orders "
                    "did not show the cycle again";
        f.text = fmt::format("lockstep: nondeterminism in {}\n  {}\n", model_name, f.message);
        return f;
    }
    const std::vector<history_edge>& cycle = history.cycle();
    std::vector<edge_text> edges;
    for (const history_edge& e : cycle)
        edges.push_back({e.thread_label, e.from_label, e.to_label, e.from_shared, e.to_shared, e.from_site, e.to_site,
                         parts.size() > 1 ? fmt::format(", in execution {}", e.part + 1) : std::string()});
    f.kind = failure_kind::lock_order_inversion;
    f.message = describe_inversion(edges, parts.size());
    f.location = where(cycle.back().to_site);
    f.text = fmt::format("lockstep: {} in {}\n  {}\n", to_string(f.kind), model_name, f.message);
    if (parts.size() > 1)
        f.text += fmt::format("  No one execution took the locks in all these orders; each did its part:\n");
    for (std::size_t p = 0; p < parts.size(); ++p) {
        std::size_t upto = 0;
        for (const history_edge& e : cycle)
            if (e.part == p) upto = std::max(upto, e.step);
        replay_part(parts[p]);
        f.text += fmt::format("\nexecution {} of {} ({}), up to its last acquisition in the cycle:\n", p + 1,
                              parts.size(), parts[p]);
        f.text += render_trace(ex, upto);
        f.traces.push_back(record_trace(ex, upto, parts[p]));
    }
    f.text += "\n" + replay_line(token, opts) + "\n";
    return f;
}

// The report, and the same failure as JSON and as swimlanes, for tools and bug reports.
void write_failure_file(const failure& f, const options& opts) {
    if (opts.failure_dir.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(opts.failure_dir, ec);
    std::string file = opts.name.empty() ? std::string("model") : opts.name;
    for (char& c : file)
        if (c == '/' || c == ' ') c = '_';
    const std::filesystem::path base = std::filesystem::path(opts.failure_dir) / file;
    std::ofstream(base.string() + ".txt") << f.text;
    std::ofstream(base.string() + ".json") << to_json(f);
    std::ofstream(base.string() + ".html") << to_swimlanes(f);
}

result run(const std::function<void()>& model, const options& opts, strategy_base& strategy, std::uint64_t max_steps,
           bool verify_failures) {
    const auto start = std::chrono::steady_clock::now();
    overflow_guard guard;
    stack_pool stacks(opts.stack_size);
    execution ex(stacks, max_steps);
    ex.set_detect_races(opts.detect_races);
    ex.set_check_lock_order(opts.lock_order != lock_order_check::off);
    ex.allow_spurious_wakeups_by_default(opts.spurious_wakeups);
    std::optional<failure> inversion;  // waits in case the exploration finds something worse
    lock_order_history lock_orders;    // joined over the executions, for cycles no one of them shows

    result r;
    std::uint64_t budget = opts.max_executions;
    if (budget == 0 && (opts.strategy == strategy::random || opts.strategy == strategy::pct)) budget = 10'000;
    while (budget == 0 || r.executions < budget) {
        if (!strategy.next_execution()) break;
        ex.run(model, strategy);
        ++r.executions;
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
            f.token = encode_token(ex.decisions(), max_steps);
            f.text = fmt::format("lockstep: nondeterminism in {}\n  {}\n  The model depends on something the "
                                 "checker does not control (wall clock, unseeded randomness, real threads, object "
                                 "addresses).\n",
                                 opts.name.empty() ? "model" : opts.name, f.message);
            ++r.failed_executions;
            r.failure = std::move(f);
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
        ++r.failed_executions;
        if (!r.failure) {
            failure f = make_failure(ex, opts);
            if (verify_failures) verify(model, ex, f, opts);
            write_failure_file(f, opts);
            r.failure = std::move(f);
        }
        if (opts.stop_on_failure) break;
    }
    r.contention = ex.contention();
    if (!inversion && !r.failure && !lock_orders.cycle().empty() && !strategy.problem())
        inversion = joined_inversion(model, ex, lock_orders.cycle_token(), opts);
    if (inversion && !r.failure) {
        if (opts.lock_order == lock_order_check::warning && inversion->kind == failure_kind::lock_order_inversion) {
            r.warnings.push_back(inversion->message);
        } else {
            write_failure_file(*inversion, opts);
            ++r.failed_executions;
            r.failure = std::move(inversion);
        }
    }
    r.complete = strategy.complete();
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
    for (std::uint64_t bound = 0;; ++bound) {
        options round = opts;
        if (opts.max_executions != 0) {
            if (total.executions >= opts.max_executions) break;
            round.max_executions = opts.max_executions - total.executions;
        }
        round.strategy = strategy::dfs;
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

} // namespace

result explore(std::function<void()> model, options opts) {
    if (!model) throw usage_error("lockstep::explore: the model is empty");
    if (detail::in_model()) throw usage_error("lockstep::explore called from inside a model");
    if (opts.iterative_preemption_bound && (opts.strategy == strategy::dfs || opts.strategy == strategy::dpor))
        return run_iterative(model, opts);
    switch (opts.strategy) {
    case strategy::dfs: return run(model, opts, *make_dfs(opts.preemption_bound), opts.max_steps, true);
    case strategy::dpor: return run(model, opts, *make_dpor(opts.preemption_bound), opts.max_steps, true);
    case strategy::random: return run(model, opts, *make_random(opts.seed), opts.max_steps, true);
    case strategy::pct: return run(model, opts, *make_pct(opts.seed, opts.pct_depth), opts.max_steps, true);
    case strategy::replay: return replay(std::move(model), opts.token, opts);
    }
    throw usage_error("lockstep::explore: unknown strategy");
}

result replay(std::function<void()> model, std::string_view token, options opts) {
    if (!model) throw usage_error("lockstep::replay: the model is empty");
    if (detail::in_model()) throw usage_error("lockstep::replay called from inside a model");
    std::uint64_t max_steps = 0;
    auto strategy = make_replay(token, max_steps);
    opts.strategy = strategy::replay;
    opts.max_executions = 0;  // one per part of the token
    result r = run(model, opts, *strategy, max_steps, false);
    if (auto problem = strategy->problem()) throw token_error(*problem);
    return r;
}

} // namespace lockstep
