// cameron314's ReaderWriterQueue (Debian's libreaderwriterqueue-dev, BSD-2-Clause),
// a single-producer single-consumer lock-free queue, checked as Debian ships it
// with one line added (models/real/adapt.cmake). Its indices are relaxed atomics
// ordered by explicit acquire and release fences, so RC11 decides whether an
// element's construction happens before the consumer moves it out. The elements
// hold a lockstep::var: every construction, move and destruction the queue makes
// of them is a checked access. The injected bug drops the release fence the
// producer issues before publishing the new tail: the consumer then reads an
// element whose construction nothing orders before it, a data race.
#include <lockstep/std_names.hpp>

#include "correct/readerwriterqueue.h"
// The bug variant is the same class with other code: a namespace of its own keeps
// the two definitions apart (one definition rule).
#define moodycamel moodycamel_missing_fence
#include "missing_fence/readerwriterqueue.h"
#undef moodycamel

#include "catalog.hpp"

namespace lockstep::models {
namespace {

// An element as the queue sees it: constructed in place, moved out, destroyed.
struct item {
    lockstep::var<int> value;
    explicit item(int v = 0) : value(v) {}
    item(item&& other) noexcept : value(other.value.get()) {}
    item& operator=(item&& other) noexcept {
        value = other.value.get();
        return *this;
    }
};

// Two items through a queue with room for both (one block; with room for one,
// the second takes a new block and the space outgrows a test suite's budget).
template <class Queue>
void two_items() {
    constexpr int items = 2;
    Queue queue(2);
    lockstep::thread producer(thread_name("producer"), [&] {
        for (int i = 1; i <= items; ++i) queue.enqueue(item(i));
    });
    lockstep::thread consumer(thread_name("consumer"), [&] {
        for (int expected = 1; expected <= items; ++expected) {
            item got;
            while (!queue.try_dequeue(got)) {
            }
            LOCKSTEP_ASSERT(got.value.get() == expected, "the consumer dequeued an item out of order");
        }
    });
    producer.join();
    consumer.join();
}

} // namespace

model real_readerwriterqueue() {
    model m;
    m.scenario = "REAL";
    m.name = "real_readerwriterqueue";
    m.summary = "moodycamel::ReaderWriterQueue as Debian ships it, producer and consumer, 2 items: in order, race-free";
    m.body = two_items<moodycamel::ReaderWriterQueue<item>>;
    return m;
}

model real_readerwriterqueue_missing_fence() {
    model m;
    m.scenario = "REAL";
    m.name = "real_readerwriterqueue_missing_fence";
    m.summary = "the same without the release fence before the tail is published: the element's move races";
    m.expected_failure = failure_kind::data_race;
    m.body = two_items<moodycamel_missing_fence::ReaderWriterQueue<item>>;
    return m;
}

} // namespace lockstep::models
