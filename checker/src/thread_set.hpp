#pragma once
// A set of thread ids with no fixed upper bound; keeps its storage when cleared.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

class thread_set {
public:
    void clear() { std::fill(words_.begin(), words_.end(), 0); }
    void insert(thread_id t) {
        const std::size_t w = t >> 6;
        if (w >= words_.size()) words_.resize(w + 1, 0);
        words_[w] |= bit(t);
    }
    void erase(thread_id t) {
        const std::size_t w = t >> 6;
        if (w < words_.size()) words_[w] &= ~bit(t);
    }
    bool contains(thread_id t) const {
        const std::size_t w = t >> 6;
        return w < words_.size() && (words_[w] & bit(t)) != 0;
    }
    bool intersects(const thread_set& o) const {
        const std::size_t n = std::min(words_.size(), o.words_.size());
        for (std::size_t i = 0; i < n; ++i)
            if (words_[i] & o.words_[i]) return true;
        return false;
    }
    void keep_only(const thread_set& o) {  // this &= o
        for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= i < o.words_.size() ? o.words_[i] : 0;
    }
    // this |= (a | b) & ~c
    void add_difference(const thread_set& a, const thread_set& b, const thread_set& c) {
        const std::size_t n = std::max(a.words_.size(), b.words_.size());
        if (n > words_.size()) words_.resize(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t x = (i < a.words_.size() ? a.words_[i] : 0) | (i < b.words_.size() ? b.words_[i] : 0);
            words_[i] |= x & ~(i < c.words_.size() ? c.words_[i] : 0);
        }
    }
    // this |= a & ~b
    void add_removed(const thread_set& a, const thread_set& b) {
        if (a.words_.size() > words_.size()) words_.resize(a.words_.size(), 0);
        for (std::size_t i = 0; i < a.words_.size(); ++i)
            words_[i] |= a.words_[i] & ~(i < b.words_.size() ? b.words_[i] : 0);
    }

private:
    static std::uint64_t bit(thread_id t) { return std::uint64_t{1} << (t & 63); }
    std::vector<std::uint64_t> words_;
};

} // namespace lockstep::detail
