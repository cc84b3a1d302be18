// S22 and S23 (documents 002, 003, part 7 "threading.Barrier"). S22:
// Barrier(4, action=log_phase_transition) between phase 1 (preparation of a
// random 0.5-2 s, here 0.5 s for two workers and 2 s for the other two) and phase 2: no thread is in
// phase 2 before all finished phase 1, and the action runs once per
// generation, by the last thread to arrive. S23: parallel_iteration(): write
// this worker's result, barrier, aggregate everyone's results, barrier. With
// the second barrier removed a fast worker overwrites its result for the next
// iteration while a slow one is still aggregating: a stale aggregate. Scaled to
// 2 workers x 2 iterations.
#include <array>
#include <chrono>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s22_barrier_phases() {
    model m;
    m.scenario = "S22";
    m.name = "s22_barrier_phases";
    m.summary = "Barrier(4) with an action between two phases: nobody in phase 2 early, action once, by the last";
    m.body = [] {
        constexpr int workers = 4;
        int prepared = 0, actions = 0;
        int action_ran_on = -1;
        lockstep::thread_local_slot<int> worker_id("worker_id");
        auto log_phase_transition = [&]() noexcept {
            LOCKSTEP_ASSERT(prepared == workers, "the action ran before every worker arrived");
            ++actions;
            action_ran_on = worker_id.get();
        };
        lockstep::barrier barrier(workers, log_phase_transition, "barrier");
        auto worker = [&](int id) {
            worker_id.set(id);
            lockstep::this_thread::sleep_for(id % 2 == 0 ? 500ms : 2s);  // preparation
            ++prepared;
            barrier.arrive_and_wait();  // wait for ALL workers to finish preparation
            LOCKSTEP_ASSERT(prepared == workers, "a worker started phase 2 before all finished phase 1");
            LOCKSTEP_ASSERT(action_ran_on >= 0, "released before the action ran");
        };
        lockstep::thread w0(worker, 0), w1(worker, 1), w2(worker, 2), w3(worker, 3);
        w0.join();
        w1.join();
        w2.join();
        w3.join();
        LOCKSTEP_ASSERT(actions == 1, "the action ran more than once in one generation");
        observe("action_ran_on_a_worker", action_ran_on >= 0 && action_ran_on < workers ? "yes" : "no");
    };
    return m;
}

namespace {

template <bool SecondBarrier>
void parallel_iteration() {
    constexpr int workers = 2, iterations = 2;
    // The document's shared_results is a plain list: plain data, race-checked.
    std::array<lockstep::var<int>, workers> shared_results{lockstep::var<int>(0, "shared_results[0]"),
                                                           lockstep::var<int>(0, "shared_results[1]")};
    lockstep::barrier barrier(workers, lockstep::no_completion{}, "barrier");
    auto process = [](int worker_id, int iteration) { return (iteration + 1) * 10 + worker_id; };
    auto worker = [&](int worker_id) {
        for (int iteration = 0; iteration < iterations; ++iteration) {
            shared_results[worker_id].set(process(worker_id, iteration));
            barrier.arrive_and_wait();  // all threads finish this iteration before next starts
            int global_agg = 0;
            for (auto& r : shared_results) global_agg += r.get();
            const int expected = process(0, iteration) + process(1, iteration);
            LOCKSTEP_ASSERT(global_agg == expected,
                            fmt::format("worker {} aggregated {} in iteration {} instead of {}: another worker "
                                        "already wrote its next iteration's result (stale aggregate)",
                                        worker_id, global_agg, iteration, expected));
            if constexpr (SecondBarrier) barrier.arrive_and_wait();  // synchronize before the next iteration
        }
    };
    lockstep::thread w0(worker, 0), w1(worker, 1);
    w0.join();
    w1.join();
}

} // namespace

model s23_iterative_barrier() {
    model m;
    m.scenario = "S23";
    m.name = "s23_iterative_barrier";
    m.summary = "write result, barrier, aggregate, barrier, 2 workers x 2 iterations: aggregates exact";
    m.body = parallel_iteration<true>;
    return m;
}

model s23_missing_second_barrier() {
    model m;
    m.scenario = "S23";
    m.name = "s23_missing_second_barrier";
    m.summary = "the second barrier removed: a worker's next result races with the other's aggregation";
    m.expected_failure = failure_kind::data_race;
    m.body = parallel_iteration<false>;
    return m;
}

} // namespace lockstep::models
