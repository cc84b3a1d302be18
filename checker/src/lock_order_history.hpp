#pragma once
// Lock orders joined over every execution of an exploration, as lockdep joins
// them over a kernel's lifetime: an order seen in one execution and its reverse
// seen in another close a cycle that no single execution shows. Locks and
// threads are named by stable keys (who created them, where), since ids follow
// creation order, which the schedule changes. A cycle is replayed by replaying
// the executions it came from, in order: their tokens joined by '+'.
#include <cstdint>
#include <source_location>
#include <string>
#include <vector>

#include "lock_order.hpp"

namespace lockstep::detail {

class execution;

struct history_edge {
    std::uint64_t from, to, thread;
    bool from_shared, to_shared;
    std::vector<lock_gate<std::uint64_t>> gates;  // sorted by key
    std::size_t part;                  // the execution that first showed it, in the order they ran
    std::size_t step;                  // the acquisition's step in that execution
    std::string from_label, to_label, thread_label;  // as that execution named them
    std::source_location from_site, to_site;
};

class lock_order_history {
public:
    // Joins the edges of the run `ex` has just completed.
    void absorb(const execution& ex);
    // The same in two halves, for executions run on other OS threads: the edges
    // of `ex` this history does not know yet, and joining them (from the run
    // that `token` replays). Joined in the order the executions would have run
    // in one thread, they give the same history.
    std::vector<history_edge> new_edges(const execution& ex) const;
    void add(std::vector<history_edge> edges, const std::string& token);
    // The first cycle that could deadlock, in order; empty if none.
    const std::vector<history_edge>& cycle() const { return cycle_; }
    // Replays the cycle: the tokens of its executions, in the order they ran.
    std::string cycle_token() const;

private:
    bool known(const history_edge& e) const;
    std::vector<std::size_t> cycle_parts() const;

    std::vector<history_edge> edges_;
    std::vector<history_edge> cycle_;
    std::vector<std::string> tokens_;  // of each execution that brought a new edge
    mutable history_edge probe_{};  // scratch
};

// A compound token's parts: "ls1-A+ls1-B" -> {"ls1-A", "ls1-B"}.
std::vector<std::string> token_parts(std::string_view token);

} // namespace lockstep::detail
