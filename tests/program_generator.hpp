#pragma once
// Small random concurrent programs for differential tests between strategies:
// 2-4 threads, a few operations each over a mutex pair, two atomics, a counting
// semaphore, a condition variable with a predicate, choose(), plain data in
// lockstep::var (always under a lock), and now and then a sleep or a timed lock
// (logical time). Each program
// is a deterministic function of its seed; its model observes the final state.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lockstep::testing {

enum class instr_kind {
    lock_increment,   // lock m[a]; ++plain[a]; unlock
    nested_lock,      // lock m[a]; lock m[1-a] (b = 1: a + reg decides the order); ++plain[0]; unlock both
    load,             // reg += atomic[a]
    store,            // atomic[a] = b
    fetch_add,        // reg += atomic[a].fetch_add(1)
    exchange,         // reg += atomic[a].exchange(b)
    compare_exchange, // reg += atomic[a].compare_exchange_strong(b, b + 1)
    release,          // semaphore.release()
    acquire,          // semaphore.acquire() (may block forever: a deadlock)
    try_acquire,      // reg += semaphore.try_acquire()
    wait_flag,        // lock m[0]; while (flag < a) cv.wait(lock); reg += flag
    raise_flag,       // lock m[0]; ++flag; notify (one when b == 0, all otherwise), inside or after the lock
    choose,           // reg += choose(a); with b == 1 a chosen extra fetch_add on atomic[0]
    check,            // LOCKSTEP_ASSERT(reg != a): an assertion that some schedules break
    sleep,            // this_thread::sleep_for(a ms): moves only when logical time passes
    timed_lock,       // reg += tm.try_lock_for(a ms); if acquired, ++timed and unlock
    read_plain,       // reg += plain[a], with no lock (shared-data programs only)
    write_plain,      // plain[a] = reg + b, with no lock (shared-data programs only)
};

struct instr {
    instr_kind kind{};
    int a = 0;
    int b = 0;
    // Atomics: the memory order (0 relaxed, 1 acquire/release as the operation
    // allows, 2 acq_rel, 3 seq_cst), and a fence before it (0 none, 1 seq_cst, 2 acq_rel).
    int order = 3;
    int fence = 0;
};

struct program {
    std::uint64_t seed = 0;
    int semaphore_initial = 0;
    std::vector<std::vector<instr>> threads;
    std::string describe() const;
};

// A program with at most `max_steps` visible steps per thread, estimated. Even
// seeds give atomic operations only, with mixed memory orders and fences; odd
// seeds keep every kind of operation, and seq_cst.
program generate_program(std::uint64_t seed);

// A seq_cst program whose threads also read and write the plain vars with no
// lock (data races, meant to run with race detection off): only the order of
// the var accesses tells some outcomes apart.
program generate_shared_data_program(std::uint64_t seed);

// The model that runs `p`: main creates the objects, starts the threads, joins
// them and observes "final" (atomics, plain counters, flag, each thread's reg).
std::function<void()> make_model(const program& p);

} // namespace lockstep::testing
