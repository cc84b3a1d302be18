#include "lock_order_history.hpp"

#include <algorithm>
#include <span>

#include "execution.hpp"
#include "lock_cycle.hpp"
#include "token.hpp"

namespace lockstep::detail {
namespace {
bool same_order(const history_edge& a, const history_edge& b) {
    return a.from == b.from && a.to == b.to && a.thread == b.thread && a.from_shared == b.from_shared &&
           a.to_shared == b.to_shared && a.gates == b.gates;
}
} // namespace

void lock_order_history::absorb(const execution& ex) {
    std::vector<history_edge> edges = new_edges(ex);
    if (!edges.empty()) add(std::move(edges), encode_token(ex.decisions(), ex.max_steps(), ex.model_fingerprint(), ex.token_flags()));
}

bool lock_order_history::known(const history_edge& e) const {
    return std::any_of(edges_.begin(), edges_.end(), [&](const history_edge& k) { return same_order(k, e); });
}

std::vector<history_edge> lock_order_history::new_edges(const execution& ex) const {
    std::vector<history_edge> found;
    history_edge& h = probe_;  // reused: most edges are known, and building one per edge costs
    for (const lock_edge& e : ex.lock_order_edges()) {
        h.from = ex.stable_key(e.from), h.to = ex.stable_key(e.to);
        h.thread = ex.stable_key(ex.thread_object(e.thread));
        h.from_shared = e.from_shared, h.to_shared = e.to_shared;
        h.gates.clear();
        for (const auto& g : e.gates) h.gates.push_back({ex.stable_key(g.lock), g.shared});
        std::sort(h.gates.begin(), h.gates.end(), [](const auto& a, const auto& b) { return a.lock < b.lock; });
        if (known(h) || std::any_of(found.begin(), found.end(), [&](const history_edge& k) { return same_order(k, h); }))
            continue;
        found.push_back(h);
        history_edge& n = found.back();
        n.step = e.step;
        n.from_site = e.from_site, n.to_site = e.to_site;
        n.from_label = ex.object_label(e.from);
        n.to_label = ex.object_label(e.to);
        n.thread_label = ex.thread_label(e.thread);
    }
    return found;
}

void lock_order_history::add(std::vector<history_edge> edges, const std::string& token) {
    bool token_taken = false;
    for (history_edge& e : edges) {
        if (known(e)) continue;
        if (!token_taken) tokens_.push_back(token);
        token_taken = true;
        e.part = tokens_.size() - 1;
        edges_.push_back(std::move(e));
        if (!cycle_.empty()) continue;
        const std::span<const history_edge> before(edges_.data(), edges_.size() - 1);
        for (const history_edge* c : find_cycle(before, edges_.back())) cycle_.push_back(*c);
    }
}

std::vector<std::size_t> lock_order_history::cycle_parts() const {
    std::vector<std::size_t> parts;
    for (const history_edge& e : cycle_) parts.push_back(e.part);
    std::sort(parts.begin(), parts.end());
    parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
    return parts;
}

std::string lock_order_history::cycle_token() const {
    std::string token;
    for (std::size_t p : cycle_parts()) token += (token.empty() ? "" : "+") + tokens_[p];
    return token;
}

std::vector<std::string> token_parts(std::string_view token) {
    std::vector<std::string> parts;
    while (true) {
        const std::size_t plus = token.find('+');
        parts.emplace_back(token.substr(0, plus));
        if (plus == std::string_view::npos) return parts;
        token.remove_prefix(plus + 1);
    }
}

} // namespace lockstep::detail
