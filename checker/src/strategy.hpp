#pragma once
// How the next step is chosen. One small interface, as in shuttle's Scheduler:
// an exploration calls next_execution(), then pick() at every step and
// choose() for every nondeterministic value with at least two options.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <lockstep/detail/operation.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

namespace lockstep::detail {

// A thread that may move now, and what it will do. Listed in round-robin order
// from the thread that moved last, so index k skips k enabled threads. The
// rest is what a strategy may need of the runtime that the operation does not say.
// (32 bytes: the runtime builds a list of them at every step.)
struct choice {
    thread_id thread;
    const operation* pending;
    // The rest is filled only for a strategy whose needs_details() is true.
    object_kind target{};                 // the kind of pending->object (none: thread)
    bool by_time = false;                 // it may move only because time reached its deadline
    // A yield that ends a futile turn of a wait loop (options.spin_reduction):
    // its thread then waits for what it read, and the fair scheduler does not see it.
    bool ends_wait = false;
    thread_id spawns = no_thread;         // a spawn: the thread it starts
    std::int64_t deadline = no_deadline;  // when its timed wait gives up, in logical time
};

// A lockstep::var the step taken last accessed (its code after its operation,
// up to the thread's next operation), for strategies that order plain data.
struct var_touch {
    object_id var = no_object;
    bool write = false;
};

// The moment of a pick.
struct step_context {
    // The thread that moved last made no progress (yielded, slept, failed a
    // try-operation), so switching away from it is no preemption.
    bool last_gave_up = false;
    // The rest is filled only for a strategy whose needs_details() is true.
    std::int64_t now = 0;  // logical time
    // What the step taken last logged, when it logged a value (a semaphore's count after it).
    std::optional<std::int64_t> last_value;
    std::span<const var_touch> last_vars;  // in the order of the accesses, repeats merged when adjacent
};

// How an execution ended, for the strategies that learn from it.
struct execution_end {
    bool abandoned = false;  // the strategy abandoned it
    // A failure other than a deadlock, and the thread it failed in.
    bool failed = false;
    thread_id failing = no_thread;
    bool last_gave_up = false;  // as step_context's, for the last step
    // The rest is filled only for a strategy whose needs_details() is true.
    std::optional<std::int64_t> last_value;  // as step_context's, for the last step
    std::span<const var_touch> last_vars;    // likewise
    // The threads that had not finished (blocked, or cut off by the failure):
    // their pending operations, which never ran.
    std::span<const choice> unfinished;
};

class strategy_base {
public:
    virtual ~strategy_base() = default;
    // Starts an execution; false when there is nothing left to explore.
    virtual bool next_execution() = 0;
    // Which of `choices` moves next. Called at every step, also when only one
    // thread may move, so a strategy sees the whole execution. Returning
    // `abandon` ends the execution as redundant (a sleep-set blocked DPOR branch).
    virtual std::size_t pick(std::span<const choice> choices, const step_context& at) = 0;
    static constexpr std::size_t abandon = ~std::size_t{0};
    // A value in [0, n), n >= 2.
    virtual std::size_t choose(std::size_t n) = 0;
    // A store for an atomic access to read (or a place in modification order), in
    // [0, n), n >= 2; 0 is the newest. Random searches prefer it, as real
    // hardware mostly shows the newest value.
    virtual std::size_t choose_store(std::size_t n) { return choose(n); }
    // Whether pick() and ended() read what a choice says beyond thread and pending
    // (filling it in costs a little at every step).
    virtual bool needs_details() const { return false; }
    // After every execution, before next_execution().
    virtual void ended(const execution_end&) {}
    // True when an exhaustive strategy has covered the whole space.
    virtual bool complete() const { return false; }
    // How many executions the whole search takes, estimated after `executions` of
    // them (estimate.hpp); nothing when the strategy cannot tell.
    virtual std::optional<size_estimate> estimate(std::uint64_t /*executions*/) const { return std::nullopt; }
    // Set when the strategy saw the model behave differently under the same
    // prefix (dfs), or the token did not fit it (replay).
    virtual std::optional<std::string> problem() const { return std::nullopt; }
};

std::unique_ptr<strategy_base> make_dfs(std::uint64_t preemption_bound);
std::unique_ptr<strategy_base> make_dpor(std::uint64_t preemption_bound);
// Runs executions first, first + stride, first + 2 stride, ... of the seed's sequence.
std::unique_ptr<strategy_base> make_random(std::uint64_t seed, std::uint64_t first = 0, std::uint64_t stride = 1);
// options::estimate_only for dfs: random paths through dfs's tree, averaged by Knuth's estimator.
std::unique_ptr<strategy_base> make_probe(std::uint64_t seed, std::uint64_t preemption_bound);
std::unique_ptr<strategy_base> make_pct(std::uint64_t seed, std::uint64_t depth);
// `flags`: the token's (token.hpp), which the replaying execution must follow.
std::unique_ptr<strategy_base> make_replay(std::string_view token, std::uint64_t& max_steps,
                                           std::uint32_t* flags = nullptr);
// The model a token was recorded on (model_fingerprint()); a token_error when
// it is another than `model`, the name of the model replayed (options::name),
// so a foreign token is refused before anything runs. A token or a model
// without a name is not compared here: the decisions' shape still is.
std::uint32_t token_model(std::string_view token, std::string_view model);
// Throws token_error unless a compound token's replay `r` is the lock-order report it came from.
void check_compound_replay(std::string_view token, const result& r);

} // namespace lockstep::detail
