// S28 (document 003, "threading.local (Per-Thread State)"): each worker stores
// its own connection in `local.connection` and then queries through it; no
// thread ever sees another thread's connection. Three workers; the connection
// ids come from a shared counter, so the workers interleave between storing
// and using their connection.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s28_thread_local() {
    model m;
    m.scenario = "S28";
    m.name = "s28_thread_local";
    m.summary = "threading.local connection per worker, 3 workers: no thread sees another's connection";
    m.body = [] {
        lockstep::thread_local_slot<int> connection("local.connection");
        lockstep::atomic<int> next_connection(1, "next_connection");
        auto worker = [&] {
            const int mine = next_connection.fetch_add(1);  // create_connection()
            connection.set(mine);                           // local.connection = ...
            lockstep::this_thread::yield();
            LOCKSTEP_ASSERT(connection.get() == mine, "a thread saw another thread's connection");  // .query(...)
        };
        lockstep::thread w1(worker), w2(worker), w3(worker);
        w1.join();
        w2.join();
        w3.join();
        LOCKSTEP_ASSERT(!connection.has_value(), "the main thread never set a connection");
    };
    return m;
}

} // namespace lockstep::models
