// S06 and S07 (document 002, part 1 "Acquire with Timeout"). S06 is
// try_update_v2: `if lock.acquire(timeout=2.0): with lock: ...` -- the document
// claims the inner `with` "won't block - already acquired", but a Lock is not
// reentrant: the thread re-acquires a mutex it holds and blocks forever. S07 is
// try_update_clean: acquire with a timeout, give up on failure, release in
// `finally`; another thread holds the lock across a 3 s sleep, so both outcomes
// (updated / gave up after the 2 s timeout) are reachable.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s06_try_update_v2() {
    model m;
    m.scenario = "S06";
    m.name = "s06_try_update_v2";
    m.summary = "`if lock.acquire(timeout): with lock:` re-acquires the Lock it holds: self-deadlock";
    m.expected_failure = failure_kind::self_deadlock;
    m.body = [] {
        lockstep::timed_mutex lock("lock");
        int updates = 0;
        auto try_update_v2 = [&] {
            if (lock.try_lock_for(2s)) {
                lockstep::lock_guard guard(lock);  // "won't block - already acquired": it does
                ++updates;
            }
        };
        lockstep::thread t1(thread_name("T1"), try_update_v2);
        lockstep::thread t2(thread_name("T2"), try_update_v2);
        t1.join();
        t2.join();
    };
    return m;
}

model s07_try_update_clean() {
    model m;
    m.scenario = "S07";
    m.name = "s07_try_update_clean";
    m.summary = "acquire(timeout=2) with try/finally release while a holder sleeps 3 s: updated or gave up";
    m.body = [] {
        lockstep::timed_mutex lock("lock");
        int updates = 0;
        auto try_update_clean = [&]() -> bool {
            const bool acquired = lock.try_lock_for(2s);
            if (!acquired) return false;
            try {
                ++updates;  // critical section
                lock.unlock();  // finally: always release
                return true;
            } catch (...) {
                lock.unlock();
                throw;
            }
        };
        lockstep::thread holder(thread_name("holder"), [&] {
            lockstep::lock_guard guard(lock);
            lockstep::this_thread::sleep_for(3s);
        });
        lockstep::thread updater(thread_name("updater"),
                                 [&] { observe("try_update_clean", try_update_clean() ? "updated" : "gave up"); });
        holder.join();
        updater.join();
    };
    m.settings.stop_on_failure = false;
    m.expected_outcomes = {{"try_update_clean", {"gave up", "updated"}}};
    return m;
}

} // namespace lockstep::models
