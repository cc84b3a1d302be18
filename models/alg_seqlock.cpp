// A seqlock: the writer makes the sequence number odd, writes the data, and
// makes it even again; a reader reads the number, the data, and the number
// again, and retries when it was odd or changed. The data are relaxed atomics,
// as in real C++ seqlocks (a reader may read them while they are written). The
// reader must never return a torn pair.
// The correct orders are the fence recipe: the writer's release fence keeps its
// data stores after the odd number, and the reader's acquire fence keeps its
// data loads before the second read of the number; a reader that saw new data
// then sees at least the odd number. Release/acquire on the number alone is
// not enough: a release store orders what comes before it, not the data stores
// after it, and an acquire load orders what comes after it, not the data loads
// before it; the reader can see half the new pair and the old number twice.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool Fenced>
void seqlock() {
    lockstep::atomic<int> seq(0, "seq"), x(0, "x"), y(0, "y");  // the pair (x, y): always equal when whole
    lockstep::thread writer(thread_name("writer"), [&] {
        const int s = seq.load(std::memory_order_relaxed);  // the only writer
        if (Fenced) {
            seq.store(s + 1, std::memory_order_relaxed);
            lockstep::atomic_thread_fence(std::memory_order_release);
        } else {
            seq.store(s + 1, std::memory_order_release);
        }
        x.store(1, std::memory_order_relaxed);
        y.store(1, std::memory_order_relaxed);
        seq.store(s + 2, std::memory_order_release);
    });
    // One read attempt: the retry loop only repeats it, and a reader that
    // validates (even and unchanged) must hold a whole pair.
    lockstep::thread reader(thread_name("reader"), [&] {
        const int s1 = seq.load(std::memory_order_acquire);
        const int a = x.load(std::memory_order_relaxed);
        const int b = y.load(std::memory_order_relaxed);
        if (Fenced) lockstep::atomic_thread_fence(std::memory_order_acquire);
        const int s2 = seq.load(Fenced ? std::memory_order_relaxed : std::memory_order_acquire);
        if (s1 % 2 == 0 && s1 == s2) LOCKSTEP_ASSERT(a == b, "the reader returned a torn pair");
    });
    writer.join();
    reader.join();
}

} // namespace

model alg_seqlock() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_seqlock";
    m.summary = "seqlock, one write and one read, with the release/acquire fence recipe: never a torn pair";
    m.body = seqlock<true>;
    return m;
}

model alg_seqlock_no_fences() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_seqlock_no_fences";
    m.summary = "the same with release/acquire on the sequence number but no fences: the reader returns a torn pair";
    m.expected_failure = failure_kind::assertion;
    m.body = seqlock<false>;
    return m;
}

} // namespace lockstep::models
