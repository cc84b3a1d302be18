// S16 and S17 (documents 002, 003, 004, part 5 "threading.Event"). S16: the
// one-shot start gun: consumers wait on ready_event, the producer prepares the
// data (sleep 2 s) and sets it; no consumer proceeds before the data is ready.
// S17: the reusable toggle, producer_loop(): set(); sleep(0); clear(); sleep(1)
// per round. A consumer that is not yet waiting when set() comes waits again
// after clear(): it misses the round (a lost wake-up). Each consumer processes
// a round for 0.5 s. Scaled to 3 consumers (S16) and 2 consumers x 2 rounds
// (S17).
#include <chrono>
#include <string>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s16_event_start_gun() {
    model m;
    m.scenario = "S16";
    m.name = "s16_event_start_gun";
    m.summary = "Event as a one-shot start gun, 3 consumers: none proceeds before the data is ready";
    m.body = [] {
        lockstep::event ready_event("ready_event");
        bool data_ready = false;
        int processed = 0;
        auto consumer = [&] {
            ready_event.wait();  // blocks until set() is called
            LOCKSTEP_ASSERT(data_ready, "a consumer proceeded before the data was ready");
            ++processed;
        };
        lockstep::thread c0(thread_name("Consumer-0"), consumer), c1(thread_name("Consumer-1"), consumer),
            c2(thread_name("Consumer-2"), consumer);
        lockstep::thread producer(thread_name("producer"), [&] {
            lockstep::this_thread::sleep_for(2s);  // simulate data preparation
            data_ready = true;
            ready_event.set();  // wake up all waiting consumers
        });
        producer.join();
        c0.join();
        c1.join();
        c2.join();
        LOCKSTEP_ASSERT(processed == 3);
    };
    return m;
}

model s17_event_toggle() {
    model m;
    m.scenario = "S17";
    m.name = "s17_event_toggle";
    m.summary = "reusable Event toggled set(); sleep(0); clear(): a consumer misses a round";
    m.expected_failure = failure_kind::assertion;
    m.body = [] {
        constexpr int rounds = 2;
        lockstep::event data_available("data_available");
        int data = 0;
        auto consumer = [&](int id) {
            for (int expected = 1; expected <= rounds; ++expected) {
                data_available.wait();
                LOCKSTEP_ASSERT(data == expected,
                                fmt::format("Consumer-{} missed round {}: it was not waiting yet when that round's "
                                            "set() came, waited after the clear(), and woke up in round {}",
                                            id, expected, data));
                lockstep::this_thread::sleep_for(500ms);  // process the data
            }
        };
        lockstep::thread c0(thread_name("Consumer-0"), consumer, 0), c1(thread_name("Consumer-1"), consumer, 1);
        lockstep::thread producer(thread_name("producer_loop"), [&] {
            for (int round = 1; round <= rounds; ++round) {
                data = round;  // fetch_data()
                data_available.set();  // signal consumers
                lockstep::this_thread::sleep_for(0s);  // yield to let consumers run
                data_available.clear();  // reset for next round
                lockstep::this_thread::sleep_for(1s);
            }
            data = rounds + 1;  // a last set() (shutdown), so a consumer that missed the
            data_available.set();  // last round wakes and reports it instead of hanging
        });
        producer.join();
        c0.join();
        c1.join();
    };
    return m;
}

} // namespace lockstep::models
