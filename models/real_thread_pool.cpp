// Robert Vaser's thread_pool (Debian's libthread-pool-dev, MIT): progschj's
// ThreadPool with a task queue per worker and task stealing, checked as Debian
// ships it with one line added (models/real/adapt.cmake). Its std::thread,
// mutex, condition_variable, packaged_task, future and atomic are lockstep's.
// Two tasks write plain data and return values through futures: the futures
// publish the writes. The injected bug sets a queue's done flag without its
// lock: a worker that found the queue empty and not done, and has not yet
// waited, misses the notify_all and sleeps forever, and the pool's destructor
// waits for it to finish.
#include <lockstep/std_names.hpp>

#include "correct/thread_pool.hpp"
// The bug variant in a namespace of its own (one definition rule), past the
// include guard both copies share.
#undef THREAD_POOL_THREAD_POOL_HPP_
#define thread_pool thread_pool_unlocked_done
#include "unlocked_done/thread_pool.hpp"
#undef thread_pool

#include "catalog.hpp"

namespace lockstep::models {
namespace {

// One worker (with two, the tasks' tries at every queue's lock outgrow a test
// suite's budget): main submits and waits while the worker takes and runs.
template <class Pool>
void two_tasks() {
    lockstep::var<int> left(0), right(0);
    Pool pool(1);
    auto a = pool.Submit([&] {
        left = 1;
        return 10;
    });
    auto b = pool.Submit([&](int x) {
        right = x;
        return 20;
    }, 2);
    LOCKSTEP_ASSERT(a.get() + b.get() == 30, "a task's result was lost");
    LOCKSTEP_ASSERT(left.get() + right.get() == 3, "a task's write was lost");
}

} // namespace

model real_thread_pool() {
    model m;
    m.scenario = "REAL";
    m.name = "real_thread_pool";
    m.summary = "thread_pool::ThreadPool as Debian ships it, 1 worker, 2 tasks with futures: results and writes seen";
    m.body = two_tasks<thread_pool::ThreadPool>;
    return m;
}

model real_thread_pool_unlocked_done() {
    model m;
    m.scenario = "REAL";
    m.name = "real_thread_pool_unlocked_done";
    m.summary = "the same with Done() setting its flag outside the lock: a worker misses the wakeup, deadlock";
    m.expected_failure = failure_kind::deadlock;
    m.body = two_tasks<thread_pool_unlocked_done::ThreadPool>;
    return m;
}

} // namespace lockstep::models
