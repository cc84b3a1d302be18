// S20 (document 002, part 6 "notify() vs notify_all()"): one Condition serves
// both "not full" (the producer waits on it) and "not empty" (the consumers wait
// on it). With notify() a consumer that empties the buffer can wake the other
// consumer instead of the producer; that consumer goes back to waiting, the
// producer was never woken, and every thread waits. notify_all() (the
// document's choice) wakes the producer too. Scaled: a buffer of one slot, one
// producer with 2 items, two consumers taking one each.
#include <deque>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool NotifyAll>
void one_condition() {
    constexpr int items = 2, max_size = 1;
    std::deque<int> buffer;
    lockstep::mutex lock("condition_lock");
    lockstep::condition_variable condition("condition");  // "not full" and "not empty" at once
    int consumed = 0;
    auto notify = [&] {
        if constexpr (NotifyAll) condition.notify_all();
        else condition.notify_one();
    };
    auto producer = [&] {
        for (int item = 1; item <= items; ++item) {
            lockstep::unique_lock guard(lock);
            while (static_cast<int>(buffer.size()) >= max_size) condition.wait(guard);  // wait: not full
            buffer.push_back(item);
            notify();
        }
    };
    auto consumer = [&] {
        lockstep::unique_lock guard(lock);
        while (buffer.empty()) condition.wait(guard);  // wait: not empty
        buffer.pop_front();
        ++consumed;
        notify();
    };
    lockstep::thread c1(thread_name("consumer1"), consumer);
    lockstep::thread c2(thread_name("consumer2"), consumer);
    lockstep::thread p(thread_name("producer"), producer);
    p.join();
    c1.join();
    c2.join();
    LOCKSTEP_ASSERT(consumed == items);
}

} // namespace

model s20_notify_one_deadlock() {
    model m;
    m.scenario = "S20";
    m.name = "s20_notify_one_deadlock";
    m.summary = "one condition for not-full and not-empty with notify(): a consumer wakes a consumer, all wait";
    m.expected_failure = failure_kind::deadlock;
    m.body = one_condition<false>;
    return m;
}

model s20_notify_all() {
    model m;
    m.scenario = "S20";
    m.name = "s20_notify_all";
    m.summary = "the same with notify_all(): the producer is always woken, no deadlock";
    m.body = one_condition<true>;
    return m;
}

} // namespace lockstep::models
