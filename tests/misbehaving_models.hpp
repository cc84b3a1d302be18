#pragma once
// Models that misbehave on purpose, shared by the tests of how the checker copes.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <vector>

#include <lockstep/lockstep.hpp>

namespace lockstep::testing {

inline int recurse_deeply(int n) {
    volatile char frame[1024];
    frame[0] = static_cast<char>(n);
    return n == 0 ? frame[0] : recurse_deeply(n - 1) + frame[0];
}

// Thread T1 recurses until it overflows any stack a test gives it.
inline void overflow_in_thread() {
    lockstep::thread t([] { (void)recurse_deeply(1'000'000); });
    t.join();
}

} // namespace lockstep::testing

namespace lockstep::testing {

// A choice among more values than 32 bits hold: dpor once kept 2 of them and
// called the search complete.
inline void choose_beyond_32_bits() {
    const std::size_t v = lockstep::choose((std::size_t{1} << 32) + 2);
    LOCKSTEP_ASSERT(v < 2);
}

// No step but choices: it must still meet max_steps.
inline void choose_one_forever() {
    for (;;) (void)lockstep::choose(1);
}

inline void spin_forever() {
    volatile int flag = 0;
    while (flag == 0) {
    }
}

// T1 spins before its first lockstep operation: no step of its own to name.
inline void spin_from_the_start() {
    lockstep::thread t([] { spin_forever(); });
    t.join();
}

// The default source_location of lockstep::thread lands in <bits/stl_construct.h>.
inline void emplace_back_unjoined() {
    std::vector<lockstep::thread> threads;
    threads.emplace_back([] {});
    threads.back().detach();
    threads.emplace_back([] {});
    std::vector<lockstep::thread>* leaked = new std::vector<lockstep::thread>(std::move(threads));
    (void)leaked;  // never joined, never destroyed
}

} // namespace lockstep::testing

namespace lockstep::testing {

inline int* volatile nowhere = nullptr;

// T1 takes one step, then dereferences a null pointer.
inline void null_dereference_in_thread() {
    lockstep::atomic<int> x(0);
    lockstep::thread t([&] {
        x.store(1);
        *nowhere = 1;
    });
    t.join();
}

inline void abort_in_thread() {
    lockstep::thread t([] { std::abort(); });
    t.join();
}

inline void terminate_in_thread() {
    lockstep::thread t([] { std::terminate(); });
    t.join();
}

inline void exit_in_thread() {
    lockstep::thread t([] { std::exit(3); });
    t.join();
}

// Each step is preceded by some 20 ms of computation: correct, only slow.
inline void slow_steps() {
    lockstep::atomic<int> x(0);
    lockstep::thread t([&] {
        for (int i = 0; i < 3; ++i) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
            while (std::chrono::steady_clock::now() < until) {
            }
            x.fetch_add(1);
        }
    });
    t.join();
}

// Every execution fails while its thread holds 8 MiB (never touched, so it
// costs address space only): an abandoned execution never frees it.
inline void fail_holding_8_mib() {
    lockstep::thread t([] {
        std::unique_ptr<char[]> big(new char[8 << 20]);
        static char* volatile escape;  // keeps the allocation from being elided
        escape = big.get();
        LOCKSTEP_ASSERT(escape == nullptr);
    });
    t.join();
}

// A lockstep object kept past its run (a static): made in the first call,
// used from call `use_from` on, next to a fresh object at the same index.
inline lockstep::atomic<int>* kept_object = nullptr;
inline void keep_then_use(int call, int use_from) {
    if (call == 1) kept_object = new lockstep::atomic<int>(0);
    lockstep::atomic<int> mine(0);
    if (call >= use_from) kept_object->store(1);
    LOCKSTEP_ASSERT(mine.load() == 0);
}

// A process-wide SIGALRM from a model thread: the program's, not the watchdog's.
inline void alarm_the_process() {
    lockstep::thread t([] { kill(getpid(), SIGALRM); });
    t.join();
}

} // namespace lockstep::testing
