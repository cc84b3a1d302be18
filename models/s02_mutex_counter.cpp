// S02 (documents 001, 002): the lost update fixed with a lock, both as
// `with lock:` (a scoped guard) and as manual acquire()/release(). Scaled from
// 4 x 100,000 to 3 threads x 2 increments.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {
constexpr int threads = 3, increments = 2;
}

model s02_with_lock() {
    model m;
    m.scenario = "S02";
    m.name = "s02_with_lock";
    m.summary = "3 threads x 2 increments under `with lock:` (a scoped guard): exact";
    m.body = [] {
        lockstep::mutex lock("lock");
        int counter = 0;
        auto safe_increment = [&] {
            for (int i = 0; i < increments; ++i) {
                lockstep::lock_guard guard(lock);
                ++counter;
            }
        };
        lockstep::thread t1(safe_increment), t2(safe_increment), t3(safe_increment);
        t1.join();
        t2.join();
        t3.join();
        observe("counter", counter);
        LOCKSTEP_ASSERT(counter == threads * increments);
    };
    m.expected_outcomes = {{"counter", {"6"}}};
    return m;
}

model s02_manual_acquire() {
    model m;
    m.scenario = "S02";
    m.name = "s02_manual_acquire";
    m.summary = "the same with manual lock.acquire() / lock.release()";
    m.body = [] {
        lockstep::mutex lock("lock");
        int counter = 0;
        auto increment = [&] {
            for (int i = 0; i < increments; ++i) {
                lock.lock();
                ++counter;
                lock.unlock();
            }
        };
        lockstep::thread t1(increment), t2(increment), t3(increment);
        t1.join();
        t2.join();
        t3.join();
        LOCKSTEP_ASSERT(counter == threads * increments);
    };
    return m;
}

} // namespace lockstep::models
