// Uniform random choice at every step. Execution i is seeded from (seed, i)
// alone, so any execution can be reproduced and seed ranges can be sharded.
#include <cstdint>

#include "../strategy.hpp"
#include "splitmix.hpp"

namespace lockstep::detail {
namespace {

class random_search final : public strategy_base {
public:
    random_search(std::uint64_t seed, std::uint64_t first, std::uint64_t stride)
        : seed_(seed), next_(first), stride_(stride) {}

    bool next_execution() override {
        const std::uint64_t index = next_;
        next_ += stride_;
        std::uint64_t mix = seed_ ^ (0xd1b54a32d192ed03ULL * (index + 1));
        state_ = splitmix64(mix);
        return true;
    }
    std::size_t pick(std::span<const choice> choices, const step_context&) override { return choices.size() > 1 ? below(choices.size()) : 0; }
    std::size_t choose(std::size_t n) override { return below(n); }
    // Half the time the newest store, as on real hardware; else any.
    std::size_t choose_store(std::size_t n) override { return below(2) == 0 ? 0 : below(n); }

private:
    std::size_t below(std::size_t n) {
        // Lemire's multiply-shift: unbiased enough for n far below 2^32.
        const auto r = static_cast<std::uint32_t>(splitmix64(state_) >> 32);
        return static_cast<std::size_t>((static_cast<std::uint64_t>(r) * n) >> 32);
    }

    std::uint64_t seed_;
    std::uint64_t next_, stride_;
    std::uint64_t state_ = 0;
};

} // namespace

std::unique_ptr<strategy_base> make_random(std::uint64_t seed, std::uint64_t first, std::uint64_t stride) {
    return std::make_unique<random_search>(seed, first, stride);
}

} // namespace lockstep::detail
