// Peterson's mutual exclusion for two threads. Correct as published with
// sequentially consistent atomics; broken by one swap (announcing the turn
// before raising the flag), which lets both threads into the critical section.
// Also broken with release stores and acquire loads: raising my flag and then
// reading yours is the store-buffering pattern, and release/acquire does not
// forbid both threads reading the other's flag as still 0 (only seq_cst, or a
// seq_cst fence between the two, does). The critical section updates plain
// data, so a lost exclusion would also be a data race; the entry check (an
// occupancy count) catches it first.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool TurnFirst, std::memory_order Store, std::memory_order Load>
void peterson() {
    lockstep::atomic<int> flag0(0, "flag[0]"), flag1(0, "flag[1]"), turn(0, "turn");
    lockstep::atomic<int> inside(0, "inside");  // the checker's observer, not part of the algorithm
    lockstep::var<int> shared(0, "shared");
    lockstep::atomic<int>* flags[2] = {&flag0, &flag1};
    auto worker = [&](int me) {
        const int other = 1 - me;
        if (TurnFirst) {
            turn.store(other, Store);
            flags[me]->store(1, Store);
        } else {
            flags[me]->store(1, Store);
            turn.store(other, Store);
        }
        while (flags[other]->load(Load) == 1 && turn.load(Load) == other) lockstep::this_thread::yield();
        LOCKSTEP_ASSERT(inside.fetch_add(1, std::memory_order_seq_cst) == 0, "both threads are in the critical section");
        shared += 1;
        inside.fetch_sub(1, std::memory_order_seq_cst);
        flags[me]->store(0, Store);  // unlock: a release at least, to publish the critical section
    };
    lockstep::thread t0(thread_name("P0"), worker, 0), t1(thread_name("P1"), worker, 1);
    t0.join();
    t1.join();
    LOCKSTEP_ASSERT(shared.get() == 2);
}

} // namespace

model alg_peterson() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_peterson";
    m.summary = "Peterson's lock for two threads (flag, then turn, then wait), seq_cst: mutual exclusion holds";
    m.body = peterson<false, std::memory_order_seq_cst, std::memory_order_seq_cst>;
    return m;
}

model alg_peterson_turn_first() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_peterson_turn_first";
    m.summary = "the same with the turn announced before the flag is raised: both threads get in";
    m.expected_failure = failure_kind::assertion;
    m.body = peterson<true, std::memory_order_seq_cst, std::memory_order_seq_cst>;
    return m;
}

model alg_peterson_acq_rel() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_peterson_acq_rel";
    m.summary = "Peterson's lock with release stores and acquire loads: each reads the other's flag as 0, both get in";
    m.expected_failure = failure_kind::assertion;
    m.body = peterson<false, std::memory_order_release, std::memory_order_acquire>;
    return m;
}

} // namespace lockstep::models
