// S08 (documents 000, 001, 002) and S09 (document 002): two threads take two
// locks. In opposite orders (AB-BA) they can deadlock, each holding the lock the
// other waits for; the fix takes them in one global order.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s08_ab_ba_deadlock() {
    model m;
    m.scenario = "S08";
    m.name = "s08_ab_ba_deadlock";
    m.summary = "thread 1 takes A then B, thread 2 takes B then A: deadlock";
    m.expected_failure = failure_kind::deadlock;
    m.body = [] {
        lockstep::mutex lock_a("lock_a"), lock_b("lock_b");
        lockstep::thread t1(thread_name("T1"), [&] {
            lockstep::lock_guard a(lock_a);
            lockstep::lock_guard b(lock_b);
        });
        lockstep::thread t2(thread_name("T2"), [&] {
            lockstep::lock_guard b(lock_b);
            lockstep::lock_guard a(lock_a);
        });
        t1.join();
        t2.join();
    };
    return m;
}

// S08 as two code paths that run on different requests: each execution takes
// only one path (the request is input, a choose), so none deadlocks and none
// shows both orders. The orders joined across executions still form the cycle.
model s08_ab_ba_by_request() {
    model m;
    m.scenario = "S08";
    m.name = "s08_ab_ba_by_request";
    m.summary = "A then B on one request, B then A on another: the cycle spans executions";
    m.expected_failure = failure_kind::lock_order_inversion;
    m.body = [] {
        lockstep::mutex lock_a("lock_a"), lock_b("lock_b");
        const std::size_t request = lockstep::choose(2);
        lockstep::thread t1(thread_name("T1"), [&] {
            if (request != 0) return;
            lockstep::lock_guard a(lock_a);
            lockstep::lock_guard b(lock_b);
        });
        lockstep::thread t2(thread_name("T2"), [&] {
            if (request != 1) return;
            lockstep::lock_guard b(lock_b);
            lockstep::lock_guard a(lock_a);
        });
        t1.join();
        t2.join();
    };
    return m;
}

model s09_lock_ordering() {
    model m;
    m.scenario = "S09";
    m.name = "s09_lock_ordering";
    m.summary = "both threads take A before B (a consistent order): no deadlock";
    m.body = [] {
        lockstep::mutex lock_a("lock_a"), lock_b("lock_b");
        int moved = 0;
        auto worker = [&] {
            lockstep::lock_guard a(lock_a);
            lockstep::lock_guard b(lock_b);
            ++moved;
        };
        lockstep::thread t1(thread_name("T1"), worker);
        lockstep::thread t2(thread_name("T2"), worker);
        t1.join();
        t2.join();
        LOCKSTEP_ASSERT(moved == 2);
    };
    return m;
}

} // namespace lockstep::models
