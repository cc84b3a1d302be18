// S29 and the "Atomic Operations" section of document 003: under Python's GIL
// list.append and dict[key] = value are atomic, "but compound operations (if key
// in dict: dict[key] += 1) are never atomic". C++ has no GIL: a shared container
// needs a lock for every access. Appending under a lock is race-free; the
// check-then-increment on plain shared data races.
#include <map>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s29_append_under_lock() {
    model m;
    m.scenario = "S29";
    m.name = "s29_append_under_lock";
    m.summary = "list.append from two threads, each append under the lock: race-free";
    m.body = [] {
        lockstep::mutex lock("list_lock");
        lockstep::var<std::vector<int>> shared_list({}, "shared_list");
        auto append = [&](int x) {
            lockstep::lock_guard guard(lock);
            shared_list.update([&](std::vector<int> v) {
                v.push_back(x);
                return v;
            });
        };
        lockstep::thread a(thread_name("T1"), append, 1);
        lockstep::thread b(thread_name("T2"), append, 2);
        a.join();
        b.join();
        LOCKSTEP_ASSERT(shared_list.get().size() == 2);
    };
    return m;
}

model s29_check_then_increment_race() {
    model m;
    m.scenario = "S29";
    m.name = "s29_check_then_increment_race";
    m.summary = "`if key in d: d[key] += 1` on plain shared data: a data race";
    m.expected_failure = failure_kind::data_race;
    m.body = [] {
        lockstep::var<std::map<std::string, int>> d({{"hits", 0}}, "d");
        auto count_hit = [&] {
            if (d.get().count("hits") != 0)  // check
                d.update([](std::map<std::string, int> m) {
                    ++m["hits"];  // then act
                    return m;
                });
        };
        lockstep::thread a(thread_name("T1"), count_hit);
        lockstep::thread b(thread_name("T2"), count_hit);
        a.join();
        b.join();
    };
    return m;
}

} // namespace lockstep::models
