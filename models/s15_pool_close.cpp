// S15 (document 002, "Full Example: Connection Pool with Semaphore and Event"):
// DatabaseConnectionPool.acquire() reads `self._closed` without the lock, then
// takes a BoundedSemaphore slot and pops a free connection under the lock;
// close() sets `_closed` and the shutdown Event. With close() called while
// queries run, a query can pass the `_closed` check, close() returns, and the
// query is then handed a connection from a closed pool. Scaled from 5
// connections and 15 queries to 2 and 2. RuntimeError("Connection pool is
// closed") is caught by run_query, as the document's TimeoutError is.
#include <chrono>
#include <stdexcept>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

using namespace std::chrono_literals;

struct pool_closed : std::runtime_error {
    pool_closed() : std::runtime_error("Connection pool is closed") {}
};

class database_connection_pool {
public:
    explicit database_connection_pool(int max_connections) : semaphore_(max_connections, "_semaphore") {
        for (int i = 0; i < max_connections; ++i) free_connections_.push_back(i);
    }

    template <class F>
    void acquire(F&& use) {
        if (closed_.load()) throw pool_closed();  // read without the lock
        if (!semaphore_.try_acquire_for(30s)) throw std::runtime_error("TimeoutError");
        int conn = -1;
        {
            lockstep::lock_guard guard(lock_);
            conn = free_connections_.back();
            free_connections_.pop_back();
        }
        LOCKSTEP_ASSERT(!close_returned, "a connection is handed out after close() has returned");
        use(conn);
        {
            lockstep::lock_guard guard(lock_);
            free_connections_.push_back(conn);
        }
        semaphore_.release();
    }

    void close() {
        closed_.store(true);
        shutdown_event_.set();
    }

    bool close_returned = false;  // set by the caller once close() has returned

private:
    lockstep::bounded_semaphore semaphore_;
    lockstep::mutex lock_{"_lock"};
    std::vector<int> free_connections_;
    lockstep::atomic<bool> closed_{false, "_closed"};
    lockstep::event shutdown_event_{"_shutdown_event"};
};

} // namespace

model s15_pool_close_race() {
    model m;
    m.scenario = "S15";
    m.name = "s15_pool_close_race";
    m.summary = "`_closed` read without the lock in acquire(), close() from another thread";
    m.expected_failure = failure_kind::assertion;
    m.body = [] {
        database_connection_pool pool(2);
        auto run_query = [&] {
            try {
                pool.acquire([](int) { /* the query */ });
            } catch (const std::runtime_error&) {
                // "Query failed": the pool was closed
            }
        };
        lockstep::thread q0(thread_name("Query-0"), run_query);
        lockstep::thread q1(thread_name("Query-1"), run_query);
        pool.close();
        pool.close_returned = true;
        q0.join();
        q1.join();
    };
    return m;
}

} // namespace lockstep::models
