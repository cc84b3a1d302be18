// S14 (documents 001, 002, "BoundedSemaphore vs Semaphore"): a pool of 2 slots
// guarded by a semaphore, 3 workers that acquire and release correctly, and one
// buggy caller that releases without acquiring (a duplicated release). A
// BoundedSemaphore reports the over-release at the releasing call (Python
// raises ValueError there). A plain Semaphore silently counts up to 3, and
// later three workers are inside the 2-slot pool at once.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

using namespace std::chrono_literals;

template <class Semaphore>
void pool_with_extra_release() {
    constexpr int slots = 2;
    Semaphore pool(slots, "pool");
    int inside = 0;
    auto worker = [&] {
        pool.acquire();
        ++inside;
        LOCKSTEP_ASSERT(inside <= slots, "more workers inside than the pool has slots");
        lockstep::this_thread::sleep_for(500ms);  // use the pooled resource
        --inside;
        pool.release();
    };
    lockstep::thread buggy(thread_name("buggy_releaser"), [&] {
        pool.release();  // release() without acquire()
    });
    lockstep::thread w1(worker), w2(worker), w3(worker);
    buggy.join();
    w1.join();
    w2.join();
    w3.join();
}

} // namespace

model s14_bounded_over_release() {
    model m;
    m.scenario = "S14";
    m.name = "s14_bounded_over_release";
    m.summary = "release() without acquire() on a BoundedSemaphore: over-release error at that call";
    m.expected_failure = failure_kind::misuse;
    m.body = pool_with_extra_release<lockstep::bounded_semaphore>;
    return m;
}

model s14_plain_over_release() {
    model m;
    m.scenario = "S14";
    m.name = "s14_plain_over_release";
    m.summary = "the same on a plain Semaphore: the count silently exceeds 2, three workers get in";
    m.expected_failure = failure_kind::assertion;
    m.body = pool_with_extra_release<lockstep::counting_semaphore<>>;
    return m;
}

} // namespace lockstep::models
