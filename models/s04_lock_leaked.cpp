// S04 (document 002, part 1 "Why Always Use the Context Manager"): manual
// lock.acquire(), then risky_operation() raises before lock.release(): the lock
// is leaked and every other thread that needs it blocks forever. The thread's
// exception is caught at its top (Python prints the traceback and the thread
// ends), so the checker sees the thread end while holding the lock. The scoped
// guard (`with lock:`) releases during unwinding: correct.
#include <stdexcept>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

int risky_operation(bool raises) {
    if (raises) throw std::invalid_argument("ValueError raised by risky_operation()");
    return 1;
}

template <bool Guarded>
void leak() {
    lockstep::mutex lock("lock");
    int result = 0;
    auto update = [&](bool raises) {
        try {
            if constexpr (Guarded) {
                lockstep::lock_guard guard(lock);  // RIGHT: released even on an exception
                result += risky_operation(raises);
            } else {
                lock.lock();  // WRONG: lock leaked if an exception occurs
                result += risky_operation(raises);
                lock.unlock();  // never reached when it raises
            }
        } catch (const std::exception&) {
            // The thread ends here, as a Python thread ends with a traceback.
        }
    };
    lockstep::thread failing(thread_name("failing_worker"), update, true);
    lockstep::thread other(thread_name("other_worker"), update, false);
    failing.join();
    other.join();
    LOCKSTEP_ASSERT(result == 1);
}

} // namespace

model s04_lock_leaked() {
    model m;
    m.scenario = "S04";
    m.name = "s04_lock_leaked";
    m.summary = "manual acquire(), exception before release(): the thread ends holding the lock";
    m.expected_failure = failure_kind::misuse;
    m.body = leak<false>;
    return m;
}

model s04_with_guard() {
    model m;
    m.scenario = "S04";
    m.name = "s04_with_guard";
    m.summary = "the same with `with lock:` (a scoped guard): released on the exception, correct";
    m.body = leak<true>;
    return m;
}

} // namespace lockstep::models
