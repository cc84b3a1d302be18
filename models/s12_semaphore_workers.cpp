// S12 (documents 000, 001, 002, 004): Semaphore(3) limits concurrent workers
// ("three stalls", three database connections, three downloads). The documents
// start 5 to 8 workers that each sleep inside (time.sleep(1) / (2)); scaled to
// 4 workers, one more than the semaphore admits, sleeping 1 s of logical time
// inside: never more than 3 inside, and exactly 3 inside is reachable.
#include <algorithm>
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s12_semaphore_workers() {
    model m;
    m.scenario = "S12";
    m.name = "s12_semaphore_workers";
    m.summary = "Semaphore(3) and 4 workers: at most 3 inside at once, and 3 is reached";
    m.body = [] {
        lockstep::counting_semaphore<3> semaphore(3, "semaphore");
        int inside = 0, most = 0;
        auto worker = [&] {
            semaphore.acquire();  // with semaphore:
            ++inside;
            most = std::max(most, inside);
            LOCKSTEP_ASSERT(inside <= 3, "more than 3 workers inside the semaphore");
            lockstep::this_thread::sleep_for(1s);  // "Downloading file i"
            --inside;
            semaphore.release();
        };
        lockstep::thread w1(worker), w2(worker), w3(worker), w4(worker);
        w1.join();
        w2.join();
        w3.join();
        w4.join();
        observe("most_inside", most);
    };
    m.expected_outcomes = {{"most_inside", {"3"}}};
    return m;
}

} // namespace lockstep::models
