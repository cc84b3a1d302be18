#pragma once
// The cycle search shared by the lock-order graph of one execution and the one
// joined over an exploration. An edge has `from`, `to`, `thread`, the modes
// `from_shared` and `to_shared`, and `gates` (the other locks held when it was
// made, each with its mode).
#include <algorithm>
#include <span>
#include <vector>

namespace lockstep::detail {

// A cycle that `closing` (the newest edge, not in `edges`) completes and that
// could deadlock: it has edges of two threads; each thread waits for a lock the
// next one holds in a conflicting mode (two readers do not wait for each other);
// and no one lock (a gate) is held on every edge, exclusively on one. Simple paths are enumerated, since one path round a cycle may
// be gated and another not; only locks that can reach closing.from are entered,
// so a graph without cycles costs a walk. Returns the edges in order, closing last.
template <class Edge>
std::vector<const Edge*> find_cycle(std::span<const Edge> edges, const Edge& closing) {
    using lock = decltype(closing.from);
    const auto leaves = [&](lock l) { return std::any_of(edges.begin(), edges.end(), [&](const Edge& e) { return e.from == l; }); };
    if (!leaves(closing.to)) return {};  // the common case, locks taken in one order: no walk at all
    // Locks that reach closing.from, by a backward walk.
    std::vector<lock> reaches{closing.from};
    for (std::size_t i = 0; i < reaches.size(); ++i)
        for (const Edge& e : edges)
            if (e.to == reaches[i] && std::find(reaches.begin(), reaches.end(), e.from) == reaches.end())
                reaches.push_back(e.from);
    if (std::find(reaches.begin(), reaches.end(), closing.to) == reaches.end()) return {};

    std::vector<const Edge*> path;
    const auto deadlocks = [&] {
        const bool two_threads = std::any_of(path.begin(), path.end(), [&](const Edge* e) {
            return e->thread != closing.thread;
        });
        if (!two_threads) return false;
        const auto waits = [](const Edge& into, const Edge& out) { return !(into.to_shared && out.from_shared); };
        if (!waits(closing, *path.front()) || !waits(*path.back(), closing)) return false;
        for (std::size_t i = 0; i + 1 < path.size(); ++i)
            if (!waits(*path[i], *path[i + 1])) return false;
        for (const auto& g : closing.gates) {
            bool everywhere = true, exclusive = !g.shared;
            for (const Edge* e : path) {
                const auto it = std::find_if(e->gates.begin(), e->gates.end(), [&](const auto& h) { return h.lock == g.lock; });
                everywhere = everywhere && it != e->gates.end();
                if (it != e->gates.end()) exclusive = exclusive || !it->shared;
            }
            if (everywhere && exclusive) return false;
        }
        return true;
    };
    const auto on_path = [&](lock l) {
        return l == closing.to || std::any_of(path.begin(), path.end(), [&](const Edge* e) { return e->to == l; });
    };
    // Depth-first over simple paths closing.to -> ... -> closing.from.
    const auto extend = [&](const auto& self, lock at) -> bool {
        for (const Edge& e : edges) {
            if (e.from != at || &e == &closing) continue;
            const bool done = e.to == closing.from;
            if (!done && (on_path(e.to) || std::find(reaches.begin(), reaches.end(), e.to) == reaches.end())) continue;
            path.push_back(&e);
            if (done ? deadlocks() : self(self, e.to)) return true;
            path.pop_back();
        }
        return false;
    };
    if (!extend(extend, closing.to)) return {};
    path.push_back(&closing);
    return path;
}

} // namespace lockstep::detail
