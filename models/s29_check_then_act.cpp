// S29 (document 003, "Atomic Operations"): `if key in d: d[key] += 1` is
// never atomic, even though each dict operation is: the membership test, the
// read and the write are separate steps, so two threads can read the same
// value and one increment is lost. The map's entry is a lockstep::atomic only
// so that each dict operation is its own visible step.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s29_check_then_act() {
    model m;
    m.scenario = "S29";
    m.name = "s29_check_then_act";
    m.summary = "`if key in d: d[key] += 1` from 2 threads: an increment is lost";
    m.expected_failure = failure_kind::assertion;
    m.body = [] {
        lockstep::atomic<bool> contains_key(true, "key in d");
        lockstep::atomic<int> value(1, "d[key]");
        auto bump = [&] {
            if (contains_key.load()) {             // if key in d:
                const int read = value.load();     //     d[key] +=
                value.store(read + 1);             //               1
            }
        };
        lockstep::thread t1(bump), t2(bump);
        t1.join();
        t2.join();
        const int final_value = value.load();
        observe("d[key]", final_value);
        LOCKSTEP_ASSERT(final_value == 3, "an increment was lost");
    };
    m.settings.stop_on_failure = false;
    m.expected_outcomes = {{"d[key]", {"2", "3"}}};
    return m;
}

} // namespace lockstep::models
