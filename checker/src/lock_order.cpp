#include "lock_order.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lock_cycle.hpp"
#include "report.hpp"

namespace lockstep::detail {

void lock_order::on_acquire(thread_id t, object_id lock, std::source_location where, std::span<const held_lock> held,
                            std::size_t step) {
    if (held.empty()) return;
    for (const held_lock& h : held) {
        if (h.lock == lock) continue;
        std::vector<object_id> edge_gates;
        for (const held_lock& g : held)
            if (g.lock != h.lock) edge_gates.push_back(g.lock);
        // The same order under other gates is another edge: it may be the unguarded one.
        const bool known = std::any_of(edges_.begin(), edges_.end(), [&](const lock_edge& e) {
            return e.from == h.lock && e.to == lock && e.thread == t && e.gates == edge_gates;
        });
        if (known) continue;
        edges_.push_back({h.lock, lock, t, h.since, where, std::move(edge_gates), step});
        if (!cycle_.empty()) continue;
        const std::span<const lock_edge> before(edges_.data(), edges_.size() - 1);
        for (const lock_edge* e : find_cycle(before, edges_.back())) cycle_.push_back(*e);
    }
}

std::string describe_inversion(std::span<const edge_text> cycle, std::size_t executions) {
    std::string names;
    for (const edge_text& e : cycle) names += e.from + " -> ";
    names += cycle.front().from;
    std::string edges;
    for (const edge_text& e : cycle)
        edges += fmt::format("\n    {} takes {} (at {}) while holding {} (taken at {}){}", e.thread, e.to,
                             where(e.to_site), e.from, where(e.from_site), e.seen);
    if (executions <= 1)
        return fmt::format("lock-order inversion: {} are taken in a cycle of orders, a potential deadlock under "
                           "another timing:{}",
                           names, edges);
    return fmt::format("lock-order inversion: {} are taken in a cycle of orders across {} executions, a potential "
                       "deadlock if those paths run at the same time:{}",
                       names, executions, edges);
}

} // namespace lockstep::detail
