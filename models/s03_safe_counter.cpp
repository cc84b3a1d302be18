// S03 (document 002, "Beginner - Thread-Safe Counter"): SafeCounter, whose
// increment, decrement, reset and value all take one lock. The document starts
// 1000 incrementing and 500 decrementing threads and expects 500; scaled to 2
// incrementing threads and 1 decrementing thread, so value() must be 1.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

class safe_counter {
public:
    void increment() {
        lockstep::lock_guard guard(lock_);
        value_ += 1;
    }
    void decrement() {
        lockstep::lock_guard guard(lock_);
        value_ -= 1;
    }
    void reset() {
        lockstep::lock_guard guard(lock_);
        value_ = 0;
    }
    int value() {
        lockstep::lock_guard guard(lock_);
        return value_;
    }

private:
    int value_ = 0;
    lockstep::mutex lock_{"_lock"};
};

} // namespace

model s03_safe_counter() {
    model m;
    m.scenario = "S03";
    m.name = "s03_safe_counter";
    m.summary = "SafeCounter (every method under one lock), 2 incrementing + 1 decrementing thread: value() == 1";
    m.body = [] {
        safe_counter counter;
        counter.reset();
        lockstep::thread i1([&] { counter.increment(); });
        lockstep::thread i2([&] { counter.increment(); });
        lockstep::thread d1([&] { counter.decrement(); });
        i1.join();
        i2.join();
        d1.join();
        const int v = counter.value();
        observe("value", v);
        LOCKSTEP_ASSERT(v == 1);
    };
    m.expected_outcomes = {{"value", {"1"}}};
    return m;
}

} // namespace lockstep::models
