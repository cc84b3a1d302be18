// S27 (document 003, "queue.Queue (Thread-Safe by Design)"): a producer put()s
// items into a bounded queue, a consumer get()s each and calls task_done(), and
// the main thread's q.join() returns only after every item's task_done(). The
// consumer stops at a sentinel (None). Scaled from maxsize 100 to 1 and to 2
// items.
#include <optional>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s27_queue_join() {
    model m;
    m.scenario = "S27";
    m.name = "s27_queue_join";
    m.summary = "queue.Queue(maxsize=1) producer/consumer with task_done() and join(): join waits for all";
    m.body = [] {
        constexpr int items = 2;
        lockstep::blocking_queue<std::optional<int>> q(1, "q");
        int done = 0;
        lockstep::thread producer(thread_name("producer"), [&] {
            for (int item = 1; item <= items; ++item) q.put(item);  // blocks if full
            q.put(std::nullopt);                                    // sentinel
        });
        lockstep::thread consumer(thread_name("consumer"), [&] {
            for (;;) {
                const std::optional<int> item = q.get();  // blocks if empty
                if (item) ++done;
                q.task_done();
                if (!item) return;
            }
        });
        producer.join();  // every put() has happened
        q.join();
        LOCKSTEP_ASSERT(done == items, "join() returned before every item's task_done()");
        consumer.join();
    };
    return m;
}

} // namespace lockstep::models
