// Follows a token's schedule, checking that the model offers the same options.
#include <fmt/format.h>

#include "../strategy.hpp"
#include "../token.hpp"

namespace lockstep::detail {
namespace {

class replay final : public strategy_base {
public:
    explicit replay(recorded_schedule s) : schedule_(std::move(s)) {}

    bool next_execution() override {
        if (started_) return false;
        started_ = true;
        return true;
    }
    std::size_t pick(std::span<const choice> choices, bool) override {
        return choices.size() > 1 ? follow(choices.size(), decision_shape(choices)) : 0;
    }
    std::size_t choose(std::size_t n) override { return follow(n, decision_shape(n)); }
    bool complete() const override { return false; }

    std::optional<std::string> problem() const override {
        if (problem_) return problem_;
        if (position_ != schedule_.choices.size() || shape_ != schedule_.shape)
            return fmt::format("the token does not fit this model: it was recorded for another model, another "
                               "version of it, or with other options ({} of its {} decisions were used)",
                               position_, schedule_.choices.size());
        return std::nullopt;
    }

private:
    std::size_t follow(std::size_t n, std::uint32_t shape) {
        shape_ = shape_step(shape_, shape);
        if (position_ >= schedule_.choices.size()) {
            if (!problem_)
                problem_ = fmt::format("the token does not fit this model: it ends after {} decisions but the "
                                       "model asks for more",
                                       schedule_.choices.size());
            return 0;
        }
        const std::uint32_t c = schedule_.choices[position_++];
        if (c >= n) {
            if (!problem_)
                problem_ = fmt::format("the token does not fit this model: decision {} takes option {} of {}",
                                       position_, c + 1, n);
            return 0;
        }
        return c;
    }

    recorded_schedule schedule_;
    std::size_t position_ = 0;
    std::uint32_t shape_ = shape_seed;
    bool started_ = false;
    std::optional<std::string> problem_;
};

} // namespace

std::unique_ptr<strategy_base> make_replay(std::string_view token, std::uint64_t& max_steps) {
    recorded_schedule s = decode_token(token);
    max_steps = s.max_steps;
    return std::make_unique<replay>(std::move(s));
}

} // namespace lockstep::detail
