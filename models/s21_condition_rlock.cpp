// S21 (document 002, part 6 "Condition Wrapping an Existing Lock"):
// threading.Condition(rlock), and a waiter that already holds the RLock when it
// enters `with condition:` (it holds it twice). Python's Condition.wait()
// releases every level of the RLock, so the notifier gets in. C++ is
// different, and this model documents it: condition_variable_any::wait(lock)
// calls lock.unlock() once, which releases ONE level of a recursive_mutex; the
// waiter keeps the mutex while it waits, the notifier blocks on it, and both
// wait forever. Held once, the same code is correct.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

void condition_over_rlock(int levels) {
    lockstep::recursive_mutex rlock("rlock");
    lockstep::condition_variable_any condition("condition");  // Condition(rlock)
    bool ready = false;
    lockstep::thread waiter(thread_name("waiter"), [&] {
        for (int i = 1; i < levels; ++i) rlock.lock();  // an outer `with rlock:`
        {
            lockstep::lock_guard with_condition(rlock);  // `with condition:`
            while (!ready) condition.wait(rlock);
        }
        for (int i = 1; i < levels; ++i) rlock.unlock();
    });
    lockstep::thread notifier(thread_name("notifier"), [&] {
        lockstep::lock_guard with_condition(rlock);
        ready = true;
        condition.notify_all();
    });
    waiter.join();
    notifier.join();
}

} // namespace

model s21_condition_rlock_twice() {
    model m;
    m.scenario = "S21";
    m.name = "s21_condition_rlock_twice";
    m.summary = "Condition over an RLock held twice: C++ wait() releases one level, the notifier deadlocks "
                "(Python releases all levels)";
    m.expected_failure = failure_kind::deadlock;
    m.body = [] { condition_over_rlock(2); };
    return m;
}

model s21_condition_rlock_once() {
    model m;
    m.scenario = "S21";
    m.name = "s21_condition_rlock_once";
    m.summary = "the same with the RLock held once: correct";
    m.body = [] { condition_over_rlock(1); };
    return m;
}

} // namespace lockstep::models
