// S11 (document 002, part 3 "Prevention Strategy 2: Timeouts"): safe_transfer()
// acquires its first lock with a 5 s timeout, then its second with a 5 s
// timeout, and gives up ("possible deadlock") when either times out. Two
// transfers take the two locks in opposite orders (the AB-BA pattern): when
// each holds one lock, the clock runs to the timeouts and at least one gives up,
// so there is never a deadlock; both outcomes are reachable.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s11_safe_transfer() {
    model m;
    m.scenario = "S11";
    m.name = "s11_safe_transfer";
    m.summary = "nested acquire(timeout=5) in opposite orders: no deadlock; transfer done or gave up";
    m.body = [] {
        lockstep::timed_mutex lock_a("lock_a"), lock_b("lock_b");
        int transfers = 0;
        auto safe_transfer = [&](lockstep::timed_mutex& first, lockstep::timed_mutex& second) -> bool {
            if (!first.try_lock_for(5s)) return false;  // "Could not acquire lock - possible deadlock"
            if (!second.try_lock_for(5s)) {
                first.unlock();  // finally
                return false;
            }
            ++transfers;  // critical section
            second.unlock();
            first.unlock();
            return true;
        };
        auto run = [&](lockstep::timed_mutex& first, lockstep::timed_mutex& second) {
            observe("safe_transfer", safe_transfer(first, second) ? "done" : "gave up");
        };
        lockstep::thread t1(thread_name("T1"), run, std::ref(lock_a), std::ref(lock_b));
        lockstep::thread t2(thread_name("T2"), run, std::ref(lock_b), std::ref(lock_a));
        t1.join();
        t2.join();
    };
    m.expected_outcomes = {{"safe_transfer", {"done", "gave up"}}};
    return m;
}

} // namespace lockstep::models
