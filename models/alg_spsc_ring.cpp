// A single-producer single-consumer ring buffer: the producer writes a slot and
// then publishes it by advancing the tail; the consumer reads the slot once it
// sees the tail past it, then frees it by advancing the head. The slots are
// plain data (lockstep::var), so the indices must order them: the tail store is
// a release and the consumer's tail load an acquire (the slot write happens
// before the read), and likewise the head store and the producer's head load
// (the read happens before the slot is rewritten). Each side reads its own
// index relaxed: only it writes that index. Publishing before writing lets the
// consumer read a slot the producer is still writing: a data race. So does
// publishing with a relaxed store: the consumer sees the new tail, but nothing
// orders the slot write before its read.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

enum class publication { release_after_write, release_before_write, relaxed_after_write };

template <publication How>
void spsc_ring() {
    // One slot and two items: the second waits for a full ring and reuses the slot.
    constexpr int capacity = 1, items = 2;
    constexpr std::memory_order publish =
        How == publication::relaxed_after_write ? std::memory_order_relaxed : std::memory_order_release;
    lockstep::atomic<int> head(0, "head"), tail(0, "tail");  // consumed, produced
    lockstep::var<int> slot(0, "slot");
    lockstep::var<int>* slots[capacity] = {&slot};
    lockstep::thread producer(thread_name("producer"), [&] {
        for (int i = 1; i <= items; ++i) {
            const int t = tail.load(std::memory_order_relaxed);
            while (t - head.load(std::memory_order_acquire) == capacity) lockstep::this_thread::yield();
            if (How == publication::release_before_write) {
                tail.store(t + 1, publish);
                slots[t % capacity]->set(i);
            } else {
                slots[t % capacity]->set(i);
                tail.store(t + 1, publish);
            }
        }
    });
    lockstep::thread consumer(thread_name("consumer"), [&] {
        for (int expected = 1; expected <= items; ++expected) {
            const int h = head.load(std::memory_order_relaxed);
            while (tail.load(std::memory_order_acquire) == h) lockstep::this_thread::yield();
            const int value = slots[h % capacity]->get();
            LOCKSTEP_ASSERT(value == expected, "the consumer read a slot out of order");
            head.store(h + 1, std::memory_order_release);
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
    m.summary = "SPSC ring buffer (one slot, 2 items): write the slot, then release the tail: in order, race-free";
    m.body = spsc_ring<publication::release_after_write>;
    return m;
}

model alg_spsc_ring_publish_first() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_spsc_ring_publish_first";
    m.summary = "the same advancing the tail before writing the slot: the consumer races the write";
    m.expected_failure = failure_kind::data_race;
    m.body = spsc_ring<publication::release_before_write>;
    return m;
}

model alg_spsc_ring_relaxed() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_spsc_ring_relaxed";
    m.summary = "the same publishing the tail with a relaxed store: the slot write is unordered with its read, a race";
    m.expected_failure = failure_kind::data_race;
    m.body = spsc_ring<publication::relaxed_after_write>;
    return m;
}

} // namespace lockstep::models
