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
        const std::uint64_t from = ex.stable_key(e.from), to = ex.stable_key(e.to);
        const std::uint64_t thread = ex.stable_key(ex.thread_object(e.thread));
        gates_.clear();
        for (const auto& g : e.gates) gates_.push_back({ex.stable_key(g.lock), g.shared});
        std::sort(gates_.begin(), gates_.end(), [](const auto& a, const auto& b) { return a.lock < b.lock; });
        const bool known = std::any_of(edges_.begin(), edges_.end(), [&](const history_edge& k) {
            return k.from == from && k.to == to && k.thread == thread && k.from_shared == e.from_shared &&
                   k.to_shared == e.to_shared && k.gates == gates_;
        });
        if (known) continue;
        if (!token_taken) tokens_.push_back(encode_token(ex.decisions(), ex.max_steps()));
        token_taken = true;
        edges_.push_back({from, to, thread, e.from_shared, e.to_shared, gates_, tokens_.size() - 1, e.step, ex.object_label(e.from),
                          ex.object_label(e.to), ex.thread_label(e.thread), e.from_site, e.to_site});
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
