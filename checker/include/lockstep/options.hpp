#pragma once
// How an exploration is run: which strategy, which budgets.
#include <cstddef>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

// The project whose code includes this header: lockstep's CMake target
// defines LOCKSTEP_PROJECT_ROOT for the targets that link it (the top-level
// CMAKE_SOURCE_DIR, or the cache variable LOCKSTEP_PROJECT_ROOT). A macro, so
// that the entry points' default argument takes the caller's value.
#ifdef LOCKSTEP_PROJECT_ROOT
#define LOCKSTEP_DETAIL_PROJECT_ROOT LOCKSTEP_PROJECT_ROOT
#else
#define LOCKSTEP_DETAIL_PROJECT_ROOT ""
#endif

namespace lockstep {

enum class strategy {
    dfs,     // every interleaving of visible operations, depth first; a proof when it finishes
    dpor,    // one execution per Mazurkiewicz trace (optimal DPOR); a proof when it finishes
    random,  // a uniformly random choice at every step, seeded; max_executions runs
    pct,     // probabilistic concurrency testing (Burckhardt et al. 2010), seeded, pct_depth
    replay,  // follows options.token (what lockstep::replay uses)
};

// The semantics of lockstep::atomic.
enum class memory_model {
    rc11,  // C++'s memory model (RC11): every memory_order is honoured, weak behaviours are explored
    sc,    // every atomic access is seq_cst, whatever order the code passes: faster, proves less
};

// The order in which a lockstep::asyncio event loop runs its ready tasks.
enum class task_order : std::uint8_t {
    any,   // every order is explored (I/O latency may reorder anything)
    fifo,  // asyncio's: the one that became ready first runs first
};

// What to do with a lock-order inversion (a cycle in the order locks are taken).
enum class lock_order_check {
    failure,  // reported as a failure when the exploration finds nothing worse
    warning,  // listed in result.warnings
    off,
};

// What options::progress is told after each execution.
struct progress_report {
    std::uint64_t executions = 0;  // run so far
    std::uint64_t budget = 0;      // max_executions (random, pct: 10,000 by default); 0 = none
    // dfs, dpor: the executions the whole search is estimated to take (from the
    // shape of the tree explored so far; see README "How big is the space?"); 0 = not known.
    double estimate = 0;
    double seconds = 0;      // since the exploration started
    double max_seconds = 0;  // options::max_time, 0 = none
};

struct options {
    lockstep::strategy strategy = strategy::dpor;
    std::uint64_t seed = 0;
    // dfs and dpor: at most this many preempting context switches per execution;
    // when the bound cuts the search the result is not complete. ~0 = unbounded.
    std::uint64_t preemption_bound = ~std::uint64_t{0};
    // dfs and dpor: rounds of dfs with bound 0, 1, 2, ... up to preemption_bound, so
    // the failure returned has the fewest preemptions; executions add up over rounds.
    bool iterative_preemption_bound = false;
    // pct: the bug depth d searched for.
    std::uint64_t pct_depth = 3;
    // 0 = no limit for exhaustive strategies; random search defaults to 10,000.
    std::uint64_t max_executions = 0;
    // Stop after this long (checked after each execution); zero = no limit. A search
    // cut by it is not complete; the result says how much of the space it covered.
    std::chrono::milliseconds max_time{0};
    // Estimate how many executions the search would take (result.estimate) without
    // running it: dfs (random, pct: dfs's space) from max_executions random probes
    // (1,000 by default; Knuth's estimator, the product of the branching along a random
    // path), dpor from the share of its tree its first max_executions covered.
    bool estimate_only = false;
    // random: OS threads running executions at once; 0 = one per core. The result
    // is the one a single thread gives (the failure of the lowest execution
    // index), but the model is then called from several threads at once: it must
    // not share mutable state outside itself (a captured counter, a static).
    unsigned workers = 1;
    // A fair execution longer than this is reported as a livelock.
    std::uint64_t max_steps = 20'000;
    // Time a model thread may run between two visible operations before it is
    // reported as a hang (an infinite loop outside lockstep, a std::mutex, real
    // I/O): its CPU time, or time it waited while the process ran, so a paused
    // process is no hang; zero turns the watchdog off.
    std::chrono::milliseconds step_time_limit{10'000};
    // Usable stack of each model thread, 16 KiB to 1 GiB; a guard page below it
    // turns an overflow into a stack_overflow failure.
    std::size_t stack_size = 256 * 1024;
    // Condition-variable waits may wake without a notify (each thread at most once
    // per execution), explored as a choice: finds `if`-instead-of-`while` bugs
    // even with one waiter. The runner applies it; a model may also call
    // lockstep::allow_spurious_wakeups() first thing.
    bool spurious_wakeups = false;
    // Keep exploring after a failure (to collect every reachable outcome). What
    // failed executions leave allocated is bounded: past 1 GiB it stops, with a warning.
    bool stop_on_failure = true;
    lockstep::memory_model memory_model = lockstep::memory_model::rc11;
    // lockstep::asyncio event loops constructed without an order of their own.
    lockstep::task_order task_order = lockstep::task_order::any;
    // Spin-loop reduction (like GenMC's spin-assume): a thread whose loop turn
    // only read and then yielded (or re-read at the same line what it read
    // before, unchanged) is not scheduled again until something it read in that
    // turn is written. Sound only for wait loops whose turns have no other
    // effect: not for a loop that counts its turns or gives up after N tries.
    // Off by default; a token records it, and replay follows the token.
    bool spin_reduction = false;
    // Check lockstep::var accesses against happens-before (data races).
    bool detect_races = true;
    lock_order_check lock_order = lock_order_check::failure;
    // Name of the model, used in the replay line of reports.
    std::string name;
    // The command the report's last line gives to replay a failure; the token is
    // appended. Empty: the line shows lockstep::replay(model, "<token>").
    std::string replay_command;
    // When set, each failure's report (with its token) is also written to
    // <failure_dir>/<program>.<name>.txt (and .json, .html; an unnamed model is
    // "model-" and a hash of the token), so a CI log that swallows output does not lose it.
    std::string failure_dir;
    // The token followed by strategy::replay.
    std::string token;
    // Reports show source paths relative to this directory (absolute; "/" shows
    // absolute paths). Empty: the top-level source directory of the project that
    // calls explore/check/replay/run_models (lockstep's CMake package passes it,
    // see LOCKSTEP_PROJECT_ROOT below), or else the current directory for the
    // files under it. The environment's LOCKSTEP_SOURCE_ROOT wins over both.
    std::string source_root;
    // When set, called after each execution, for a progress display; with several
    // workers, from one worker thread.
    std::function<void(const progress_report&)> progress;
};

} // namespace lockstep
