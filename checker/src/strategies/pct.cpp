// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each execution gives the threads random distinct priorities
// (a thread gets its priority when it first appears), picks d-1 change points
// among the k steps an execution is expected to take, and always runs the
// enabled thread of highest priority; at the i-th change point the running
// thread drops to priority d-i, below every initial priority. A bug of depth d
// is found in one execution with probability at least 1/(n k^(d-1)).
//
// Steps are counted only when more than one thread may move (a step with one
// choice cannot be a change point worth having). k is learned: the longest
// such count of the executions run so far (the first execution, with nothing
// learned yet, has no change points). Practical addition: a thread that yields
// (or sleeps) or fails a try-operation drops to a fresh lowest priority among the
// threads not lowered by a change point, so a spinning thread lets the others
// run. It stays above the change-point priorities d-1..1: were it below them
// for the rest of the execution, no change point could ever let it move before
// the threads it yielded to, and bugs that need exactly that (set(); yield;
// clear() racing a woken waiter) would be out of reach at every depth.
//
// Execution i draws its random numbers from a generator seeded from (seed, i)
// alone; together with k, which depends only on the executions before it, a
// run is reproducible from its seed.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "../strategy.hpp"
#include "splitmix.hpp"

namespace lockstep::detail {
namespace {


class pct final : public strategy_base {
public:
    pct(std::uint64_t seed, std::uint64_t depth) : seed_(seed), depth_(depth == 0 ? 1 : depth) {}

    bool next_execution() override {
        if (execution_ > 0) known_steps_ = std::max(known_steps_, steps_);
        std::uint64_t mix = seed_ ^ (0xa0761d6478bd642fULL * ++execution_) ^ (depth_ * 0xe7037ed1a0b428dbULL);
        state_ = splitmix64(mix);
        priority_.clear();
        steps_ = 0;
        lowest_ = initial_base;
        last_ = no_thread;
        // d-1 distinct change points in [1, k], in increasing order.
        change_points_.clear();
        const std::uint64_t k = known_steps_;
        const std::uint64_t wanted = std::min<std::uint64_t>(depth_ - 1, k);
        while (change_points_.size() < wanted) {
            const std::uint64_t p = 1 + below(k);
            if (std::find(change_points_.begin(), change_points_.end(), p) == change_points_.end())
                change_points_.push_back(p);
        }
        std::sort(change_points_.begin(), change_points_.end());
        next_change_ = 0;
        return true;
    }

    std::size_t pick(std::span<const choice> choices, const step_context& at) override {
        for (const choice& c : choices)
            if (c.thread >= priority_.size() || priority_[c.thread] == unset) assign_initial(c.thread);
        if (last_ != no_thread && at.last_gave_up) priority_[last_] = --lowest_;

        std::size_t index = highest(choices);
        if (choices.size() > 1) {
            ++steps_;
            if (next_change_ < change_points_.size() && change_points_[next_change_] == steps_) {
                ++next_change_;
                // The i-th change point (1-based): the thread about to run drops to d - i.
                priority_[choices[index].thread] = static_cast<std::int64_t>(depth_ - next_change_);
                index = highest(choices);
            }
        }
        last_ = choices[index].thread;
        return index;
    }

    std::size_t choose(std::size_t n) override { return below(n); }
    // Half the time the newest store, as on real hardware; else any.
    std::size_t choose_store(std::size_t n) override { return below(2) == 0 ? 0 : below(n); }

private:
    static constexpr std::int64_t unset = INT64_MIN;
    // Initial priorities lie far above d, in random order: a uniformly random
    // 61-bit key above 2^62 (distinct with overwhelming probability; ties go to
    // the lower thread id, which keeps the choice deterministic). Fresh lowest
    // priorities count down from just below 2^62, far above d - i.
    static constexpr std::int64_t initial_base = std::int64_t{1} << 62;

    void assign_initial(thread_id t) {
        if (t >= priority_.size()) priority_.resize(t + 1, unset);
        priority_[t] = initial_base + static_cast<std::int64_t>(splitmix64(state_) >> 3);
    }

    std::size_t highest(std::span<const choice> choices) const {
        std::size_t best = 0;
        for (std::size_t i = 1; i < choices.size(); ++i) {
            const std::int64_t p = priority_[choices[i].thread], q = priority_[choices[best].thread];
            if (p > q || (p == q && choices[i].thread < choices[best].thread)) best = i;
        }
        return best;
    }

    std::uint64_t below(std::uint64_t n) {
        // Lemire's multiply-shift on the high 32 bits: unbiased enough for n far below 2^32.
        const auto r = static_cast<std::uint32_t>(splitmix64(state_) >> 32);
        return (static_cast<std::uint64_t>(r) * n) >> 32;
    }

    std::uint64_t seed_;
    std::uint64_t depth_;
    std::uint64_t execution_ = 0;
    std::uint64_t state_ = 0;
    std::uint64_t known_steps_ = 0;  // k: the most steps with a real choice seen in one execution
    std::uint64_t steps_ = 0;        // in this execution
    std::vector<std::uint64_t> change_points_;
    std::size_t next_change_ = 0;
    std::vector<std::int64_t> priority_;  // by thread id
    std::int64_t lowest_ = initial_base;  // the last fresh lowest priority handed out (above every d - i)
    thread_id last_ = no_thread;
};

} // namespace

std::unique_ptr<strategy_base> make_pct(std::uint64_t seed, std::uint64_t depth) {
    return std::make_unique<pct>(seed, depth);
}

} // namespace lockstep::detail
