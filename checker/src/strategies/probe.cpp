// Probes for options::estimate_only: each execution takes a uniformly random
// path through dfs's decision tree (the same decisions, the same preemption
// bound) and adds the product of the alternatives it had at each decision to a
// Knuth estimator (estimate.hpp). Probe i is seeded from (seed, i) alone.
#include <cstdint>

#include "../estimate.hpp"
#include "../strategy.hpp"
#include "splitmix.hpp"

namespace lockstep::detail {
namespace {

class probe final : public strategy_base {
public:
    probe(std::uint64_t seed, std::uint64_t preemption_bound) : seed_(seed), bound_(preemption_bound) {}

    bool next_execution() override {
        std::uint64_t mix = seed_ ^ (0x9e3779b97f4a7c15ULL * (++index_));
        state_ = splitmix64(mix);
        product_ = 1;
        preemptions_ = 0;
        last_ = no_thread;
        return true;
    }
    std::size_t pick(std::span<const choice> choices, const step_context& at) override {
        std::size_t index = 0;
        if (choices.size() > 1) {
            // As dfs: a switch away from a thread still enabled is a preemption, within the bound.
            const bool costly = choices[0].thread == last_ && !at.last_gave_up;
            const std::size_t width = costly && preemptions_ >= bound_ ? 1 : choices.size();
            index = take(width);
            if (costly && index != 0) ++preemptions_;
        }
        last_ = choices[index].thread;
        return index;
    }
    std::size_t choose(std::size_t n) override { return take(n); }
    void ended(const execution_end&) override { paths_.add(product_); }
    std::optional<size_estimate> estimate(std::uint64_t) const override {
        if (paths_.samples() == 0) return std::nullopt;
        return paths_.get();
    }

private:
    std::size_t take(std::size_t width) {
        product_ *= static_cast<double>(width);
        if (width <= 1) return 0;
        const auto r = static_cast<std::uint32_t>(splitmix64(state_) >> 32);
        return static_cast<std::size_t>((static_cast<std::uint64_t>(r) * width) >> 32);
    }

    std::uint64_t seed_, bound_;
    std::uint64_t index_ = 0, state_ = 0, preemptions_ = 0;
    thread_id last_ = no_thread;
    double product_ = 1;
    knuth_estimator paths_;
};

} // namespace

std::unique_ptr<strategy_base> make_probe(std::uint64_t seed, std::uint64_t preemption_bound) {
    return std::make_unique<probe>(seed, preemption_bound);
}

} // namespace lockstep::detail
