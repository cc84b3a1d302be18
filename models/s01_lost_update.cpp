// S01 (documents 000, 001): the lost update. Threads each do `counter += 1`
// with no lock; in Python, as in C++, that is a read, an add and a write, so two
// threads can read the same value and one increment is lost. The documents use
// 4 threads x 100,000 increments; 2 x 2 keeps every interleaving explorable and
// still loses updates. The counter is an atomic only so that its read and its
// write are separate visible steps, exactly the document's three operations.
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

std::function<void()> lost_update(int threads, int increments) {
    return [threads, increments] {
        lockstep::atomic<int> counter(0, "counter");
        auto increment = [&] {
            for (int i = 0; i < increments; ++i) {
                const int read = counter.load();  // read
                counter.store(read + 1);          // increment, write
            }
        };
        std::vector<lockstep::thread> workers;
        for (int t = 0; t < threads; ++t) workers.emplace_back(increment);
        for (lockstep::thread& w : workers) w.join();
        const int final_value = counter.load();
        observe("counter", final_value);
        LOCKSTEP_ASSERT(final_value == threads * increments, "an increment was lost");
    };
}

model s01_lost_update() {
    model m;
    m.scenario = "S01";
    m.name = "s01_lost_update";
    m.summary = "2 threads x 2 unlocked `counter += 1`: updates are lost";
    m.expected_failure = failure_kind::assertion;
    m.body = lost_update(2, 2);
    // Explore everything, so the outcomes show every final value that can happen.
    m.settings.stop_on_failure = false;
    m.expected_outcomes = {{"counter", {"2", "3", "4"}}};
    return m;
}

// The document's counter is plain data: as a lockstep::var, the unlocked
// `counter += 1` is a data race, found in the first execution whatever the order.
model s01_lost_update_plain() {
    model m;
    m.scenario = "S01";
    m.name = "s01_lost_update_plain";
    m.summary = "the same with the counter as plain data: a data race";
    m.expected_failure = failure_kind::data_race;
    m.body = [] {
        lockstep::var<int> counter(0, "counter");
        auto increment = [&] {
            for (int i = 0; i < 2; ++i) counter += 1;
        };
        lockstep::thread a(thread_name("T1"), increment);
        lockstep::thread b(thread_name("T2"), increment);
        a.join();
        b.join();
    };
    return m;
}

} // namespace lockstep::models
