// S13 (document 002, part 4 "Real-World Use Case: Database Connection Pool"):
// ConnectionPool.connection() acquires a BoundedSemaphore(max_connections),
// then counts itself in `_active` under a lock, and on exit counts itself out
// under the lock and releases the semaphore; each query sleeps 0.5 s of logical
// time. Scaled from 5 connections and 20 threads to 2 connections and 3
// threads: `0 <= active <= max` holds in every interleaving.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

namespace {

class connection_pool {
public:
    explicit connection_pool(int max_connections) : semaphore_(max_connections, "_semaphore"), max_(max_connections) {}

    template <class F>
    void connection(F&& use) {
        semaphore_.acquire();
        {
            lockstep::lock_guard guard(lock_);
            ++active_;
            LOCKSTEP_ASSERT(0 <= active_ && active_ <= max_, "active connections out of [0, max]");
        }
        use();
        {
            lockstep::lock_guard guard(lock_);
            --active_;
            LOCKSTEP_ASSERT(0 <= active_ && active_ <= max_, "active connections out of [0, max]");
        }
        semaphore_.release();
    }

private:
    lockstep::bounded_semaphore semaphore_;
    int max_;
    int active_ = 0;
    lockstep::mutex lock_{"_lock"};
};

} // namespace

model s13_connection_pool() {
    model m;
    m.scenario = "S13";
    m.name = "s13_connection_pool";
    m.summary = "BoundedSemaphore + lock-protected active count: 0 <= active <= max always";
    m.body = [] {
        connection_pool pool(2);
        int queries = 0;
        auto query_database = [&] {
            pool.connection([&] {
                lockstep::this_thread::sleep_for(500ms);  // simulate query
                ++queries;
            });
        };
        lockstep::thread t1(query_database), t2(query_database), t3(query_database);
        t1.join();
        t2.join();
        t3.join();
        LOCKSTEP_ASSERT(queries == 3);
    };
    return m;
}

} // namespace lockstep::models
