#include "lock_order.hpp"

#include <algorithm>

namespace lockstep::detail {

void lock_order::on_acquire(thread_id t, object_id lock, std::source_location where, std::span<const held_lock> held) {
    if (held.empty()) return;
    std::vector<object_id> gates;
    for (const held_lock& h : held) gates.push_back(h.lock);
    for (const held_lock& h : held) {
        if (h.lock == lock) continue;
        const bool known = std::any_of(edges_.begin(), edges_.end(), [&](const lock_edge& e) {
            return e.from == h.lock && e.to == lock && e.thread == t;
        });
        if (known) continue;
        std::vector<object_id> edge_gates;
        for (object_id g : gates)
            if (g != h.lock) edge_gates.push_back(g);
        edges_.push_back({h.lock, lock, t, h.since, where, std::move(edge_gates)});
        if (!cycle_.empty()) continue;

        // Does the new edge close a cycle: a path lock -> ... -> h.lock?
        std::vector<const lock_edge*> path;
        std::vector<object_id> seen;
        if (!find_path(lock, h.lock, path, seen)) continue;
        path.push_back(&edges_.back());
        const bool several_threads = std::any_of(path.begin(), path.end(), [&](const lock_edge* e) { return e->thread != t; });
        bool gated = false;
        for (object_id g : path.front()->gates)
            gated = gated || std::all_of(path.begin(), path.end(), [&](const lock_edge* e) {
                        return std::find(e->gates.begin(), e->gates.end(), g) != e->gates.end();
                    });
        if (several_threads && !gated)
            for (const lock_edge* e : path) cycle_.push_back(*e);
    }
}

bool lock_order::find_path(object_id from, object_id to, std::vector<const lock_edge*>& path,
                           std::vector<object_id>& seen) const {
    if (std::find(seen.begin(), seen.end(), from) != seen.end()) return false;
    seen.push_back(from);
    for (const lock_edge& e : edges_) {
        if (e.from != from || &e == &edges_.back()) continue;
        path.push_back(&e);
        if (e.to == to || find_path(e.to, to, path, seen)) return true;
        path.pop_back();
    }
    return false;
}

} // namespace lockstep::detail
