// S37 (document 002, part 8, "threading.Barrier | asyncio.Barrier (3.11+)"):
// the document's iterative two-phase pattern (S22, S23) with coroutines: three
// tasks each do phase 1 (write their slot), `await barrier.wait()`, then
// phase 2 (read every slot). Nobody is in phase 2 before everyone finished
// phase 1, and the arrival indexes are 0, 1 and 2.
#include <array>
#include <chrono>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s37_async_barrier() {
    model m;
    m.scenario = "S37";
    m.name = "s37_async_barrier";
    m.summary = "asyncio.Barrier(3) between two phases: nobody in phase 2 early";
    m.body = [] {
        constexpr int parties = 3;
        asyncio::event_loop loop;
        asyncio::barrier barrier(parties, "barrier");
        std::array<bool, parties> phase1_done{};
        int index_sum = 0;
        auto worker = [&](int id) -> asyncio::task<void> {
            co_await asyncio::sleep(0);  // phase 1 takes a while
            phase1_done[static_cast<std::size_t>(id)] = true;
            const std::size_t index = co_await barrier.wait();
            index_sum += static_cast<int>(index);
            for (bool done : phase1_done) LOCKSTEP_ASSERT(done, "a task reached phase 2 before all finished phase 1");
        };
        auto demo = [&]() -> asyncio::task<void> {
            co_await asyncio::gather(worker(0).named("worker 0"), worker(1).named("worker 1"),
                                   worker(2).named("worker 2"));
        };
        loop.run(demo().named("barrier_demo"));
        LOCKSTEP_ASSERT(index_sum == 0 + 1 + 2, "the arrival indexes are not 0, 1, 2");
    };
    return m;
}

} // namespace lockstep::models
