// Exhaustive, stateless depth-first search: each execution re-runs the model,
// replaying the prefix of choices on the stack and extending it with choice 0.
#include <vector>

#include <fmt/format.h>

#include "../strategy.hpp"

namespace lockstep::detail {
namespace {

class dfs final : public strategy_base {
public:
    bool next_execution() override {
        if (!started_) {
            started_ = true;
            return true;
        }
        stack_.resize(position_);
        while (!stack_.empty() && stack_.back().chosen + 1 >= stack_.back().options) stack_.pop_back();
        position_ = 0;
        if (stack_.empty()) {
            exhausted_ = true;
            return false;
        }
        ++stack_.back().chosen;
        return true;
    }

    std::size_t pick(std::span<const choice> choices) override { return choices.size() > 1 ? decide(choices.size()) : 0; }
    std::size_t choose(std::size_t n) override { return decide(n); }
    bool complete() const override { return exhausted_ && !problem_; }
    std::optional<std::string> problem() const override { return problem_; }

private:
    struct decision {
        std::size_t options;
        std::size_t chosen;
    };

    std::size_t decide(std::size_t n) {
        if (position_ < stack_.size()) {
            decision& d = stack_[position_++];
            if (d.options != n && !problem_)
                problem_ = fmt::format("re-running the same choices, decision {} offered {} options where it "
                                       "offered {} before",
                                       position_, n, d.options);
            return d.chosen < n ? d.chosen : 0;
        }
        stack_.push_back({n, 0});
        ++position_;
        return 0;
    }

    std::vector<decision> stack_;
    std::size_t position_ = 0;
    bool started_ = false;
    bool exhausted_ = false;
    std::optional<std::string> problem_;
};

} // namespace

std::unique_ptr<strategy_base> make_dfs(std::uint64_t) { return std::make_unique<dfs>(); }

} // namespace lockstep::detail
