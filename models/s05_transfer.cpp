// S05 (document 002): transfer() holds the account lock and calls
// log_transfer(), which takes the same lock again. With a Lock (a C++ mutex)
// the thread deadlocks on itself; with an RLock (recursive_mutex) it is fine.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <class Lock>
void bank() {
    Lock lock("account_lock");
    int balance = 100;
    int log_entries = 0;
    auto log_transfer = [&](int) {
        lockstep::lock_guard guard(lock);  // takes the lock transfer() already holds
        ++log_entries;
    };
    auto transfer = [&](int amount) {
        lockstep::lock_guard guard(lock);
        balance -= amount;
        log_transfer(amount);
    };
    lockstep::thread t1(thread_name("T1"), transfer, 10);
    lockstep::thread t2(thread_name("T2"), transfer, 20);
    t1.join();
    t2.join();
    LOCKSTEP_ASSERT(balance == 70 && log_entries == 2);
}

} // namespace

model s05_transfer_self_deadlock() {
    model m;
    m.scenario = "S05";
    m.name = "s05_transfer_self_deadlock";
    m.summary = "transfer() holds a Lock and log_transfer() takes it again: self-deadlock";
    m.expected_failure = failure_kind::self_deadlock;
    m.body = bank<lockstep::mutex>;
    return m;
}

model s05_transfer_recursive() {
    model m;
    m.scenario = "S05";
    m.name = "s05_transfer_recursive";
    m.summary = "the same with an RLock (recursive_mutex): correct";
    m.body = bank<lockstep::recursive_mutex>;
    return m;
}

} // namespace lockstep::models
