// RC11's SC axiom: the partial SC relation psc is acyclic. With
//   scb = po ∪ po|≠loc;hb;po|≠loc ∪ hb|loc ∪ mo ∪ fr
//   psc_base = ([E_sc] ∪ [F_sc];hb?) ; scb ; ([E_sc] ∪ hb?;[F_sc])
//   psc_F = [F_sc] ; (hb ∪ hb;eco;hb) ; [F_sc]
// over the graph's accesses and fences. The initial values take part in no
// psc edge (nothing is hb-before them, and they are first in mo), so they are
// left out. Pairs on one location are compared by modification-order position.
#include <algorithm>

#include "graph.hpp"

namespace lockstep::detail::memory {
namespace {

class sc_check {
public:
    explicit sc_check(const graph& g) : g_(g), n_(static_cast<std::uint32_t>(g.accesses_used)) {
        // Runs of consecutive accesses of one thread to one location: po|≠loc
        // leaves x for the first event after its run, and enters y from the
        // last event before its run.
        run_end_.resize(n_);
        run_start_.resize(n_);
        std::vector<std::uint32_t> last_of_thread;
        for (std::uint32_t a = 0; a < n_; ++a) {
            const access& x = g_.accesses[a];
            if (x.thread >= last_of_thread.size()) last_of_thread.resize(x.thread + 1, none);
            const std::uint32_t prev = last_of_thread[x.thread];
            run_start_[a] = a;
            if (prev != none && continues_run(prev, a)) run_start_[a] = run_start_[prev];
            last_of_thread[x.thread] = a;
        }
        std::fill(last_of_thread.begin(), last_of_thread.end(), none);
        for (std::uint32_t a = n_; a-- > 0;) {
            const access& x = g_.accesses[a];
            const std::uint32_t next = last_of_thread[x.thread];
            run_end_[a] = a;
            if (next != none && continues_run(a, next)) run_end_[a] = run_end_[next];
            last_of_thread[x.thread] = a;
        }
        for (std::uint32_t a = 0; a < n_; ++a)
            if (g_.accesses[a].is_sc()) sc_.push_back(a);
    }

    bool acyclic() const {
        const std::size_t s = sc_.size();
        if (s < 2) return true;
        std::vector<std::vector<std::uint32_t>> next(s);
        for (std::size_t i = 0; i < s; ++i)
            for (std::size_t j = 0; j < s; ++j)
                if (i != j && psc(sc_[i], sc_[j])) next[i].push_back(static_cast<std::uint32_t>(j));
        // Depth-first search for a back edge.
        std::vector<std::uint8_t> state(s, 0);  // 0 new, 1 on the stack, 2 done
        std::vector<std::pair<std::uint32_t, std::size_t>> stack;
        for (std::uint32_t root = 0; root < s; ++root) {
            if (state[root] != 0) continue;
            stack.push_back({root, 0});
            state[root] = 1;
            while (!stack.empty()) {
                auto& [v, k] = stack.back();
                if (k < next[v].size()) {
                    const std::uint32_t w = next[v][k++];
                    if (state[w] == 1) return false;
                    if (state[w] == 0) {
                        state[w] = 1;
                        stack.push_back({w, 0});
                    }
                } else {
                    state[v] = 2;
                    stack.pop_back();
                }
            }
        }
        return true;
    }

private:
    const access& at(std::uint32_t a) const { return g_.accesses[a]; }

    bool continues_run(std::uint32_t a, std::uint32_t b) const {
        const access& x = at(a);
        const access& y = at(b);
        return !x.is_fence() && !y.is_fence() && x.location == y.location && y.epoch == x.epoch + 1;
    }
    bool same_location(std::uint32_t a, std::uint32_t b) const {
        return !at(a).is_fence() && !at(b).is_fence() && at(a).location == at(b).location;
    }
    bool po(std::uint32_t a, std::uint32_t b) const {
        return at(a).thread == at(b).thread && at(a).epoch < at(b).epoch;
    }
    bool hb(std::uint32_t a, std::uint32_t b) const { return g_.hb(a, b); }
    std::uint32_t wpos(std::uint32_t a) const { return g_.pos(at(a).wrote); }
    std::uint32_t rpos(std::uint32_t a) const { return g_.pos(at(a).read); }

    bool mo(std::uint32_t a, std::uint32_t b) const {
        return at(a).writes() && at(b).writes() && same_location(a, b) && wpos(a) < wpos(b);
    }
    bool fr(std::uint32_t a, std::uint32_t b) const {
        return a != b && at(a).reads() && at(b).writes() && same_location(a, b) && rpos(a) < wpos(b);
    }
    // (rf ∪ mo ∪ fr)+ on one location.
    bool eco(std::uint32_t a, std::uint32_t b) const {
        if (a == b || !same_location(a, b)) return false;
        const access& x = at(a);
        const access& y = at(b);
        if (x.writes() && y.writes() && wpos(a) < wpos(b)) return true;
        if (x.writes() && y.reads() && wpos(a) <= rpos(b)) return true;
        if (x.reads() && y.writes() && rpos(a) < wpos(b)) return true;
        if (x.reads() && y.reads() && rpos(a) < rpos(b)) return true;
        return false;
    }
    // po|≠loc ; hb ; po|≠loc
    bool po_hb_po(std::uint32_t a, std::uint32_t b) const {
        const access& last = at(run_end_[a]);
        const access& first = at(run_start_[b]);
        return first.epoch > 1 && first.pre.at(last.thread) >= last.epoch + 1;
    }
    bool scb(std::uint32_t a, std::uint32_t b) const {
        if (a == b) return false;
        return po(a, b) || po_hb_po(a, b) || (same_location(a, b) && hb(a, b)) || mo(a, b) || fr(a, b);
    }

    bool psc(std::uint32_t a, std::uint32_t b) const {
        const bool fa = at(a).is_fence(), fb = at(b).is_fence();
        if (!fa && !fb) return scb(a, b);
        for (std::uint32_t x = 0; x < n_; ++x) {
            if (x != a && !(fa && hb(a, x))) continue;
            for (std::uint32_t y = 0; y < n_; ++y) {
                if (y != b && !(fb && hb(y, b))) continue;
                if (scb(x, y)) return true;
            }
        }
        if (!fa || !fb) return false;
        if (hb(a, b)) return true;
        for (std::uint32_t x = 0; x < n_; ++x) {
            if (!hb(a, x)) continue;
            for (std::uint32_t y = 0; y < n_; ++y)
                if (hb(y, b) && eco(x, y)) return true;
        }
        return false;
    }

    const graph& g_;
    std::uint32_t n_;
    std::vector<std::uint32_t> run_start_, run_end_, sc_;
};

} // namespace

bool sc_consistent(const graph& g) { return sc_check(g).acyclic(); }

} // namespace lockstep::detail::memory
