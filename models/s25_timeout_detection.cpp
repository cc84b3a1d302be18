// S25 (document 003, "Deadlock Detection - Timeout-Based Detection"):
// `acquired = lock.acquire(timeout=10); if not acquired: logging.error(
// "Potential deadlock detected!")`, used in the AB-BA pattern of two threads.
// The program always makes progress (a timeout breaks the cycle), and the
// "potential deadlock" branch is reachable.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s25_timeout_detection() {
    model m;
    m.scenario = "S25";
    m.name = "s25_timeout_detection";
    m.summary = "AB-BA with acquire(timeout=10) on the inner lock: always progresses; timeout branch reachable";
    m.body = [] {
        lockstep::timed_mutex lock_a("lock_a"), lock_b("lock_b");
        auto work = [&](lockstep::timed_mutex& outer, lockstep::timed_mutex& inner) {
            lockstep::lock_guard hold(outer);
            const bool acquired = inner.try_lock_for(10s);
            if (!acquired) {
                observe("log", "Potential deadlock detected!");
                return;
            }
            observe("log", "acquired both");
            inner.unlock();
        };
        lockstep::thread t1(thread_name("thread_1"), work, std::ref(lock_a), std::ref(lock_b));
        lockstep::thread t2(thread_name("thread_2"), work, std::ref(lock_b), std::ref(lock_a));
        t1.join();
        t2.join();
    };
    m.expected_outcomes = {{"log", {"Potential deadlock detected!", "acquired both"}}};
    return m;
}

} // namespace lockstep::models
