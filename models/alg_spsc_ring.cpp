// A single-producer single-consumer ring buffer: the producer writes a slot and
// then publishes it by advancing the tail; the consumer reads the slot once it
// sees the tail past it. The slots are plain data (lockstep::var), so the
// atomics must order them. Publishing before writing lets the consumer read a
// slot the producer is still writing: a data race.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool PublishFirst>
void spsc_ring() {
    // One slot and two items: the second waits for a full ring and reuses the slot.
    constexpr int capacity = 1, items = 2;
    lockstep::atomic<int> head(0, "head"), tail(0, "tail");  // consumed, produced
    lockstep::var<int> slot(0, "slot");
    lockstep::var<int>* slots[capacity] = {&slot};
    lockstep::thread producer(thread_name("producer"), [&] {
        for (int i = 1; i <= items; ++i) {
            const int t = tail.load();
            while (t - head.load() == capacity) lockstep::this_thread::yield();
            if (PublishFirst) {
                tail.store(t + 1);
                slots[t % capacity]->set(i);
            } else {
                slots[t % capacity]->set(i);
                tail.store(t + 1);
            }
        }
    });
    lockstep::thread consumer(thread_name("consumer"), [&] {
        for (int expected = 1; expected <= items; ++expected) {
            const int h = head.load();
            while (tail.load() == h) lockstep::this_thread::yield();
            const int value = slots[h % capacity]->get();
            LOCKSTEP_ASSERT(value == expected, "the consumer read a slot out of order");
            head.store(h + 1);
        }
    });
    producer.join();
    consumer.join();
}

} // namespace

model alg_spsc_ring() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_spsc_ring";
    m.summary = "SPSC ring buffer (one slot, 2 items): write the slot, then advance the tail: in order, race-free";
    m.body = spsc_ring<false>;
    return m;
}

model alg_spsc_ring_publish_first() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_spsc_ring_publish_first";
    m.summary = "the same advancing the tail before writing the slot: the consumer races the write";
    m.expected_failure = failure_kind::data_race;
    m.body = spsc_ring<true>;
    return m;
}

} // namespace lockstep::models
