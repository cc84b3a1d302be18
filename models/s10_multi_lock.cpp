// S10 (document 002, "Advanced - Deadlock-Free Multi-Lock Context Manager"):
// multi_lock(*locks) sorts the locks (by id() in Python; here by the locks'
// creation order, lockstep's deterministic stand-in for an address), drops
// duplicates, acquires them in that order and releases them in reverse.
// operation_one passes (lock_a, lock_b), operation_two (lock_b, lock_a), and a
// third caller passes the same lock twice: no deadlock. Without the sort the
// two callers take the locks in opposite orders and can deadlock.
#include <algorithm>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool Sorted>
class multi_lock {
public:
    multi_lock(std::initializer_list<lockstep::mutex*> locks) : locks_(locks) {
        if constexpr (Sorted)
            std::sort(locks_.begin(), locks_.end(),
                      [](lockstep::mutex* a, lockstep::mutex* b) { return a->object() < b->object(); });
        // set(locks): the same lock twice is acquired once
        std::vector<lockstep::mutex*> unique;
        for (lockstep::mutex* l : locks_)
            if (std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(l);
        locks_ = unique;
        for (lockstep::mutex* l : locks_) l->lock();
    }
    ~multi_lock() {
        for (auto it = locks_.rbegin(); it != locks_.rend(); ++it) (*it)->unlock();  // reverse order
    }
    multi_lock(const multi_lock&) = delete;
    multi_lock& operator=(const multi_lock&) = delete;

private:
    std::vector<lockstep::mutex*> locks_;
};

template <bool Sorted>
void callers() {
    lockstep::mutex lock_a("lock_a"), lock_b("lock_b");
    int completed = 0;
    lockstep::thread t1(thread_name("operation_one"), [&] {
        multi_lock<Sorted> both{&lock_a, &lock_b};
        ++completed;
    });
    lockstep::thread t2(thread_name("operation_two"), [&] {
        multi_lock<Sorted> both{&lock_b, &lock_a};  // args reversed
        ++completed;
    });
    lockstep::thread t3(thread_name("same_lock_twice"), [&] {
        multi_lock<Sorted> once{&lock_a, &lock_a};
        ++completed;
    });
    t1.join();
    t2.join();
    t3.join();
    LOCKSTEP_ASSERT(completed == 3);
}

} // namespace

model s10_multi_lock() {
    model m;
    m.scenario = "S10";
    m.name = "s10_multi_lock";
    m.summary = "multi_lock sorts and dedupes; callers pass (a,b), (b,a) and (a,a): no deadlock";
    m.body = callers<true>;
    return m;
}

model s10_multi_lock_unsorted() {
    model m;
    m.scenario = "S10";
    m.name = "s10_multi_lock_unsorted";
    m.summary = "the same without the sort: (a,b) and (b,a) deadlock";
    m.expected_failure = failure_kind::deadlock;
    m.body = callers<false>;
    return m;
}

} // namespace lockstep::models
