// Peterson's mutual exclusion for two threads, on sequentially consistent
// atomics: correct as published, and broken by one swap (announcing the turn
// before raising the flag), which lets both threads into the critical section.
// The critical section updates plain data, so a lost exclusion would also be a
// data race; the entry check (an occupancy count) catches it first.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool TurnFirst>
void peterson() {
    lockstep::atomic<int> flag0(0, "flag[0]"), flag1(0, "flag[1]"), turn(0, "turn");
    lockstep::atomic<int> inside(0, "inside");
    lockstep::var<int> shared(0, "shared");
    lockstep::atomic<int>* flags[2] = {&flag0, &flag1};
    auto worker = [&](int me) {
        const int other = 1 - me;
        if (TurnFirst) {
            turn.store(other);
            flags[me]->store(1);
        } else {
            flags[me]->store(1);
            turn.store(other);
        }
        while (flags[other]->load() == 1 && turn.load() == other) lockstep::this_thread::yield();
        LOCKSTEP_ASSERT(inside.fetch_add(1) == 0, "both threads are in the critical section");
        shared += 1;
        inside.fetch_sub(1);
        flags[me]->store(0);
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
    m.summary = "Peterson's lock for two threads (flag, then turn, then wait): mutual exclusion holds";
    m.body = peterson<false>;
    return m;
}

model alg_peterson_turn_first() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_peterson_turn_first";
    m.summary = "the same with the turn announced before the flag is raised: both threads get in";
    m.expected_failure = failure_kind::assertion;
    m.body = peterson<true>;
    return m;
}

} // namespace lockstep::models
