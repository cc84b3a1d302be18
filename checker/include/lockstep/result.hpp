#pragma once
// What an exploration concluded.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

enum class failure_kind {
    assertion,       // LOCKSTEP_ASSERT failed
    deadlock,        // no thread can move while some are blocked
    self_deadlock,   // a thread locks a non-recursive mutex it already holds
    misuse,          // a primitive used against its contract (unlock not held, never joined, ...)
    exception,       // an exception escaped a model thread
    livelock,        // a fair execution exceeded options.max_steps
    stack_overflow,  // a model thread ran past its stack (options.stack_size)
    nondeterminism,  // the model did not behave the same under the same schedule
    data_race,       // two accesses to a lockstep::var, one a write, unordered by happens-before
    lock_order_inversion,  // locks taken in a cycle of orders by different threads: a potential deadlock
    hang,            // a model thread ran past options.step_time_limit without a visible operation
    blocks_event_loop,  // a task of a lockstep::asyncio event loop would block its thread (and every task of it)
};

std::string_view to_string(failure_kind kind);

// One step of an execution, as the report prints it.
struct trace_step {
    std::uint64_t number = 0;  // 1-based
    std::string thread, operation, object, location;
    std::string values;  // an atomic step's values: "read 1", "wrote 2", "read 0, wrote 1"; else ""
};

// The steps of one execution (of a failure: up to where it failed).
struct trace {
    std::string token;  // replays this execution alone
    std::vector<trace_step> steps;
};

// What a thread was doing when the execution ended.
struct thread_at_end {
    std::string thread, state;
    std::vector<std::string> holds;  // the locks it holds ("m", "rw (shared)")
    std::string blocked_on;          // the object it waits for, when it is blocked
};

struct failure {
    failure_kind kind{};
    std::string message;   // what went wrong (a lock-order inversion lists its edges on further lines)
    std::string location;  // file:line where it was detected, empty when nowhere in particular
    std::string token;     // replays this failure: lockstep::replay(model, token)
    std::string model;     // options::name of the model, "" when it has none
    std::string replay;    // the command or call that replays it (the report's last line, without "replay: ")
    std::string text;      // the full report
    // The executions it comes from: one, or several for a lock-order cycle joined
    // across executions; empty for a nondeterminism failure.
    std::vector<lockstep::trace> traces;
    std::vector<thread_at_end> threads;  // of the failing execution, when it has one
    const std::string& report() const { return text; }
};

// Compares outcome values numerically when both are integers, as text otherwise.
struct outcome_order {
    bool operator()(const std::string& a, const std::string& b) const;
};
using outcome_counts = std::map<std::string, std::uint64_t, outcome_order>;

// Why an exploration stopped.
enum class stop_reason {
    finished,        // the strategy had nothing left (dfs, dpor: the whole space, or its bounded part)
    failure,         // a failure, with options.stop_on_failure
    max_executions,  // the execution budget
    max_time,        // the time budget
};

std::string_view to_string(stop_reason reason);

// How many executions the whole search takes, estimated.
struct size_estimate {
    double executions = 0;  // the estimate
    // From probes (dfs's options::estimate_only): mean -+ 2 standard errors (about 95%
    // when the estimator's spread is not heavy-tailed). From a search's progress (dfs
    // or dpor cut short, dpor's estimate_only): low is the executions run plus the
    // alternatives known to be left (a sure lower bound for dfs), high is 0 (none
    // known), or for dpor's estimate_only dfs's count from probes (dpor runs at most
    // one execution per trace); when the search ended within the budget, low = high =
    // executions.
    double low = 0, high = 0;
    std::uint64_t probes = 0;  // random paths averaged; 0 for an estimate from a search's progress
};

struct result {
    std::uint64_t executions = 0;  // executions run
    std::uint64_t steps = 0;       // scheduling steps over all executions
    std::uint64_t failed_executions = 0;
    // Executions a strategy abandoned as equivalent to one already explored
    // (sleep-set blocked); an optimal DPOR has none.
    std::uint64_t redundant_executions = 0;
    bool complete = false;         // an exhaustive strategy covered the whole space
    double seconds = 0;
    stop_reason stopped = stop_reason::finished;
    // dfs and dpor cut by a budget or a failure: from the search's progress;
    // options::estimate_only: from probes (dfs) or dpor's first executions. Otherwise empty.
    std::optional<size_estimate> estimate;
    std::optional<lockstep::failure> failure;  // the first failure found
    // observe(name, value): per name, each distinct value and how many executions saw it
    std::map<std::string, outcome_counts> outcomes;
    // Findings that are not failures (a lock-order inversion under lock_order_check::warning).
    std::vector<std::string> warnings;
    // Per lock (by name): how many times a thread asked for it and had to wait,
    // summed over the exploration (the contention profile of S32).
    std::map<std::string, std::uint64_t> contention;

    bool ok() const { return !failure.has_value(); }
    explicit operator bool() const { return ok(); }
    // A summary, the outcomes, and the failure's report if there is one.
    std::string describe() const;
};

// Lets doctest's CHECK(lockstep::check(model)) print the full report.
std::ostream& operator<<(std::ostream& os, const result& r);

} // namespace lockstep
