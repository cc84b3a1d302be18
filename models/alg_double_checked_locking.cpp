// Double-checked locking: a lazily built object, checked without the lock
// first (fast path), then again under it. The flag that says "built" must
// publish the object: a release store after building it, an acquire load on
// the fast path. With a relaxed flag a thread can see it set, skip the lock,
// and read the object's field with nothing ordering the constructor's write
// before it: a data race (on hardware, a half-built object).
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <std::memory_order Publish, std::memory_order Check>
void double_checked_locking() {
    lockstep::atomic<bool> ready(false, "ready");
    lockstep::mutex lock("lock");
    lockstep::var<int> field(0, "object.field");  // the lazily built object
    auto instance = [&]() -> const lockstep::var<int>& {
        if (!ready.load(Check)) {
            lockstep::lock_guard guard(lock);
            if (!ready.load(std::memory_order_relaxed)) {  // under the lock: the lock orders it
                field.set(42);  // construct
                ready.store(true, Publish);
            }
        }
        return field;
    };
    auto user = [&] { LOCKSTEP_ASSERT(instance().get() == 42, "the object was not constructed"); };
    lockstep::thread t1(thread_name("T1"), user), t2(thread_name("T2"), user);
    t1.join();
    t2.join();
}

} // namespace

model alg_double_checked_locking() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_double_checked_locking";
    m.summary = "double-checked lazy init, flag stored release and checked acquire: the object is seen built";
    m.body = double_checked_locking<std::memory_order_release, std::memory_order_acquire>;
    return m;
}

model alg_double_checked_locking_relaxed() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_double_checked_locking_relaxed";
    m.summary = "the same with a relaxed flag: a thread sees it set and reads the field unordered, a race";
    m.expected_failure = failure_kind::data_race;
    m.body = double_checked_locking<std::memory_order_relaxed, std::memory_order_relaxed>;
    return m;
}

} // namespace lockstep::models
