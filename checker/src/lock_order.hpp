#pragma once
// Lock-order inversion (as Linux lockdep and ThreadSanitizer report it): each
// acquisition made while holding other locks adds edges held -> acquired. A
// cycle between different threads is a potential deadlock, even in an execution
// that did not deadlock, unless one lock (a gate) is held on every edge of it.
// Edges are kept per execution, so the failure replays from the execution's token.
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <vector>

#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

struct held_lock {
    object_id lock;
    std::source_location since;
};

struct lock_edge {
    object_id from, to;
    thread_id thread;
    std::source_location from_site, to_site;
    std::vector<object_id> gates;  // other locks held at the acquisition
};

class lock_order {
public:
    void reset() { edges_.clear(), cycle_.clear(); }
    void on_acquire(thread_id t, object_id lock, std::source_location where, std::span<const held_lock> held);
    // The first cycle closed in this execution: its edges in order, empty if none.
    const std::vector<lock_edge>& cycle() const { return cycle_; }

private:
    bool find_path(object_id from, object_id to, std::vector<const lock_edge*>& path,
                   std::vector<object_id>& seen) const;

    std::vector<lock_edge> edges_;
    std::vector<lock_edge> cycle_;
};

} // namespace lockstep::detail
