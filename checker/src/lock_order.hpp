#pragma once
// Lock-order inversion (as Linux lockdep and ThreadSanitizer report it): each
// acquisition made while holding other locks adds edges held -> acquired. A
// cycle between different threads is a potential deadlock, even in an execution
// that did not deadlock, unless one lock (a gate) is held on every edge of it.
// This is the graph of one execution, whose cycles replay from its token;
// lock_order_history joins the graphs of every execution of an exploration.
#include <source_location>
#include <span>
#include <string>
#include <vector>

#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

struct held_lock {
    object_id lock;
    std::source_location since;
    bool shared = false;  // held in shared (reader) mode
};

// Another lock held at an acquisition. It makes a cycle safe if every edge of
// the cycle holds it and at least one holds it exclusively: then those threads
// cannot all be inside at once.
template <class Lock>
struct lock_gate {
    Lock lock;
    bool shared;
    bool operator==(const lock_gate&) const = default;
};

struct lock_edge {
    object_id from, to;
    thread_id thread;
    bool from_shared = false, to_shared = false;  // the modes the two locks are held in
    std::source_location from_site, to_site;
    std::vector<lock_gate<object_id>> gates;  // in id order
    std::size_t step = 0;                     // the acquisition's step number in its execution
};

// One edge of a cycle as a report spells it; `seen` says where, for a cycle
// joined from several executions.
struct edge_text {
    std::string thread, from, to;
    bool from_shared, to_shared;
    std::source_location from_site, to_site;
    std::string seen;
};
// The message of a lock-order inversion; `executions` > 1 for a joined cycle.
std::string describe_inversion(std::span<const edge_text> cycle, std::size_t executions);

class lock_order {
public:
    void reset() { count_ = 0, cycle_.clear(); }
    // Thread t has taken `lock` (in shared mode if `shared`) holding `held`, sorted by id.
    void on_acquire(thread_id t, object_id lock, bool shared, std::source_location where,
                    std::span<const held_lock> held, std::size_t step);
    std::span<const lock_edge> edges() const { return {edges_.data(), count_}; }
    // The first cycle closed in this execution: its edges in order, empty if none.
    const std::vector<lock_edge>& cycle() const { return cycle_; }

private:
    std::vector<lock_edge> edges_;  // the first count_ are this execution's; the rest keep their capacity
    std::size_t count_ = 0;
    std::vector<lock_gate<object_id>> gates_;  // scratch
    std::vector<lock_edge> cycle_;
};

} // namespace lockstep::detail
