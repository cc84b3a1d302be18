// S18 and S19 (documents 001, 002, part 6 "threading.Condition"): the
// producer-consumer over one Condition and a bounded deque. The document's
// producer waits `while len(buffer) >= MAX_SIZE`, appends and notify_all()s; each
// consumer waits `while not buffer`, pops and notify_all()s. S18 keeps the
// `while` (correct); S19 is the document's "WRONG" snippet, `if not buffer:
// condition.wait()`, with two consumers: a consumer woken by notify_all() can
// find the buffer already emptied by the other consumer and pops from an empty
// buffer. Scaled from 20 items and MAX_SIZE 5 to 3 items (S18) / 2 items (S19)
// and MAX_SIZE 2 (S18) / 1 (S19). The document names spurious wake-ups as the
// other reason for the `while`: with one consumer the `if` only fails when a
// wait returns without a notify, which options.spurious_wakeups explores.
#include <deque>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool UseWhile>
void producer_consumer(int items, int max_size, int per_consumer_1, int per_consumer_2) {
    std::deque<int> buffer;
    lockstep::mutex lock("condition_lock");
    lockstep::condition_variable condition("condition");
    int consumed_total = 0, consumed_sum = 0;

    auto producer = [&] {
        for (int item = 1; item <= items; ++item) {
            lockstep::unique_lock guard(lock);
            while (static_cast<int>(buffer.size()) >= max_size) condition.wait(guard);
            buffer.push_back(item);
            LOCKSTEP_ASSERT(static_cast<int>(buffer.size()) <= max_size, "buffer above MAX_SIZE");
            condition.notify_all();  // wake up consumers
        }
    };
    auto consumer = [&](int count) {
        int consumed = 0;
        while (consumed < count) {
            lockstep::unique_lock guard(lock);
            if constexpr (UseWhile) {
                while (buffer.empty()) condition.wait(guard);
            } else {
                if (buffer.empty()) condition.wait(guard);  // WRONG: checked once
            }
            LOCKSTEP_ASSERT(!buffer.empty(), "popleft() from an empty buffer");
            const int item = buffer.front();
            buffer.pop_front();
            ++consumed;
            ++consumed_total;
            consumed_sum += item;
            condition.notify_all();  // wake up the producer (the buffer may have been full)
        }
    };
    lockstep::thread c1(thread_name("consumer1"), consumer, per_consumer_1);
    lockstep::thread c2(thread_name("consumer2"), consumer, per_consumer_2);
    lockstep::thread p(thread_name("producer"), producer);
    p.join();
    c1.join();
    c2.join();
    observe("consumed", consumed_total);
    LOCKSTEP_ASSERT(consumed_total == items && consumed_sum == items * (items + 1) / 2,
                    "each item consumed exactly once");
}

} // namespace

model s18_condition_while() {
    model m;
    m.scenario = "S18";
    m.name = "s18_condition_while";
    m.summary = "Condition producer-consumer, predicate in a `while`, notify_all, MAX_SIZE 2: each item once";
    m.body = [] { producer_consumer<true>(3, 2, 2, 1); };
    m.expected_outcomes = {{"consumed", {"3"}}};
    return m;
}

model s19_if_instead_of_while() {
    model m;
    m.scenario = "S19";
    m.name = "s19_if_instead_of_while";
    m.summary = "`if not buffer: wait()` with two consumers: a woken consumer pops from an empty buffer";
    m.expected_failure = failure_kind::assertion;
    m.body = [] { producer_consumer<false>(2, 1, 1, 1); };
    return m;
}

model s19_if_one_consumer() {
    model m;
    m.scenario = "S19";
    m.name = "s19_if_one_consumer";
    m.summary = "`if` with ONE consumer and no spurious wake-ups: correct";
    m.body = [] { producer_consumer<false>(2, 1, 2, 0); };
    return m;
}

model s19_if_one_consumer_spurious() {
    model m;
    m.scenario = "S19";
    m.name = "s19_if_one_consumer_spurious";
    m.summary = "the same when waits may wake spuriously: the consumer pops from an empty buffer";
    m.expected_failure = failure_kind::assertion;
    m.body = [] {
        lockstep::allow_spurious_wakeups();  // as options.spurious_wakeups, and a token replays it as is
        producer_consumer<false>(2, 1, 2, 0);
    };
    return m;
}

} // namespace lockstep::models
