#pragma once
// The cycle search shared by the lock-order graph of one execution and the one
// joined over an exploration. An edge has `from`, `to`, `thread` and `gates`
// (the other locks held when it was made, sorted).
#include <algorithm>
#include <span>
#include <vector>

namespace lockstep::detail {

// A cycle that `closing` (the newest edge, not in `edges`) completes and that
// could deadlock: it has edges of two threads, and no one lock (a gate) is held
// on every edge. Simple paths are enumerated, since one path round a cycle may
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
        for (const auto& g : closing.gates) {
            const bool everywhere = std::all_of(path.begin(), path.end(), [&](const Edge* e) {
                return std::binary_search(e->gates.begin(), e->gates.end(), g);
            });
            if (everywhere) return false;
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
