#include "lock_order_history.hpp"

#include <algorithm>
#include <span>

#include "execution.hpp"
#include "lock_cycle.hpp"
#include "token.hpp"

namespace lockstep::detail {

void lock_order_history::absorb(const execution& ex) {
    bool token_taken = false;
    for (const lock_edge& e : ex.lock_order_edges()) {
        history_edge h{ex.stable_key(e.from), ex.stable_key(e.to), ex.stable_key(ex.thread_object(e.thread)),
                       {}, tokens_.size(), e.step, {}, {}, {}, e.from_site, e.to_site};
        for (object_id g : e.gates) h.gates.push_back(ex.stable_key(g));
        std::sort(h.gates.begin(), h.gates.end());
        const bool known = std::any_of(edges_.begin(), edges_.end(), [&](const history_edge& k) {
            return k.from == h.from && k.to == h.to && k.thread == h.thread && k.gates == h.gates;
        });
        if (known) continue;
        if (!token_taken) tokens_.push_back(encode_token(ex.decisions(), ex.max_steps()));
        token_taken = true;
        h.from_label = ex.object_label(e.from);
        h.to_label = ex.object_label(e.to);
        h.thread_label = ex.thread_label(e.thread);
        edges_.push_back(std::move(h));
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
