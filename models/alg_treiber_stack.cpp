// A Treiber stack (a lock-free stack: compare-and-swap on the head) over a pool
// of nodes that are reused, as with a free list. Without a version tag on the
// head, it has the ABA problem: a pop that read head = A and next = B is
// preempted; another thread pops A, pops B and pushes A back; the first pop's
// compare-and-swap still sees A and installs B, a node that thread now owns.
// A tag counted up by every successful swap makes the stale swap fail.
// The orders are those real implementations use: push writes the node's next
// and publishes the node with a release swap; pop reads the head with acquire
// (and a failed swap reloads it with acquire) so the next it then reads is the
// one the push wrote. The next fields are relaxed atomics: a stale pop may read
// one while a push rewrites it, and its swap then fails.
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool Tagged>
void treiber_aba() {
    constexpr int empty = -1, nodes = 3;
    // The head holds a node index and, when tagged, a version above it.
    auto index_of = [](int head) { return head < 0 ? empty : head % 16; };
    lockstep::atomic<int> head(0, "head");  // the stack is 0 -> 1 -> 2
    lockstep::atomic<int> next0(1, "next[0]"), next1(2, "next[1]"), next2(empty, "next[2]");
    lockstep::atomic<int>* next[nodes] = {&next0, &next1, &next2};
    auto retag = [](int old_head, int index) {
        if (index == empty) return empty;
        return Tagged ? index + 16 * ((old_head < 0 ? 0 : old_head / 16) + 1) : index;
    };
    auto pop = [&] {
        int h = head.load(std::memory_order_acquire);
        while (index_of(h) != empty) {
            const int n = next[index_of(h)]->load(std::memory_order_relaxed);
            if (head.compare_exchange_strong(h, retag(h, n), std::memory_order_acquire, std::memory_order_acquire))
                return index_of(h);
        }
        return empty;
    };
    auto push = [&](int node) {
        int h = head.load(std::memory_order_relaxed);
        do next[node]->store(index_of(h), std::memory_order_relaxed);
        while (!head.compare_exchange_strong(h, retag(h, node), std::memory_order_release, std::memory_order_relaxed));
    };

    int popped_by_t1 = empty, kept_by_t2 = empty;
    lockstep::thread t1(thread_name("T1"), [&] { popped_by_t1 = pop(); });
    lockstep::thread t2(thread_name("T2"), [&] {
        const int a = pop();
        kept_by_t2 = pop();
        push(a);
    });
    t1.join();
    t2.join();

    // Every node is in exactly one place: on the stack, or held by a thread.
    std::vector<int> places(nodes, 0);
    for (int n = index_of(head.load()), hops = 0; n != empty && hops <= nodes; n = next[n]->load(), ++hops) ++places[n];
    for (int held : {popped_by_t1, kept_by_t2})
        if (held != empty) ++places[held];
    for (int n = 0; n < nodes; ++n) LOCKSTEP_ASSERT(places[n] == 1, "a node is both on the stack and held (ABA)");
}

} // namespace

model alg_treiber_stack_aba() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_treiber_stack_aba";
    m.summary = "lock-free stack with reused nodes, head swapped by index alone: ABA corrupts it";
    m.expected_failure = failure_kind::assertion;
    m.body = treiber_aba<false>;
    return m;
}

model alg_treiber_stack_tagged() {
    model m;
    m.scenario = "ALG";
    m.name = "alg_treiber_stack_tagged";
    m.summary = "the same with a version tag on the head: the stale swap fails, the stack stays whole";
    m.body = treiber_aba<true>;
    return m;
}

} // namespace lockstep::models
