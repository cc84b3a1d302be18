#include "lock_order.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lock_cycle.hpp"
#include "report.hpp"

namespace lockstep::detail {

void lock_order::on_acquire(thread_id t, object_id lock, bool shared, std::source_location where,
                            std::span<const held_lock> held, std::size_t step) {
    for (const held_lock& h : held) {
        if (h.lock == lock) continue;
        gates_.clear();
        for (const held_lock& g : held)
            if (g.lock != h.lock) gates_.push_back({g.lock, g.shared});
        // The same order under other gates is another edge: it may be the unguarded one.
        const auto mine = edges();
        const bool known = std::any_of(mine.begin(), mine.end(), [&](const lock_edge& e) {
            return e.from == h.lock && e.to == lock && e.thread == t && e.from_shared == h.shared &&
                   e.to_shared == shared && e.gates == gates_;
        });
        if (known) continue;
        if (count_ == edges_.size()) edges_.emplace_back();
        lock_edge& e = edges_[count_++];  // reused: its gates keep their capacity
        e.from = h.lock, e.to = lock, e.thread = t;
        e.from_shared = h.shared, e.to_shared = shared;
        e.from_site = h.since, e.to_site = where;
        e.gates.assign(gates_.begin(), gates_.end());
        e.step = step;
        if (!cycle_.empty()) continue;
        for (const lock_edge* c : find_cycle(edges().first(count_ - 1), e)) cycle_.push_back(*c);
    }
}

std::string describe_inversion(std::span<const edge_text> cycle, std::size_t executions) {
    std::string names;
    for (const edge_text& e : cycle) names += e.from + " -> ";
    names += cycle.front().from;
    std::string edges;
    for (const edge_text& e : cycle)
        edges += fmt::format("\n    {} takes {}{} (at {}) while holding {}{} (taken at {}){}", e.thread, e.to,
                             e.to_shared ? " shared" : "", where(e.to_site), e.from, e.from_shared ? " shared" : "",
                             where(e.from_site), e.seen);
    if (executions <= 1)
        return fmt::format("lock-order inversion: {} are taken in a cycle of orders, a potential deadlock under "
                           "another timing:{}",
                           names, edges);
    return fmt::format("lock-order inversion: {} are taken in a cycle of orders across {} executions, a potential "
                       "deadlock if those paths run at the same time:{}",
                       names, executions, edges);
}

} // namespace lockstep::detail
