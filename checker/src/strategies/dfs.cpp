// Exhaustive, stateless depth-first search: each execution re-runs the model,
// replaying the prefix of choices on the stack and extending it with choice 0.
//
// Preemption bounding (CHESS; Musuvathi & Qadeer, PLDI 2007): with a bound b,
// no execution makes more than b preempting context switches. A switch is
// preempting when the thread that made the last step is still enabled (it is
// then choices[0], the choices being listed round-robin from it) and another
// thread is chosen, unless that last step was a yield, a sleep or a failed try-operation
// (the thread itself gave up its turn). Once b preemptions are spent, only
// choices[0] is explored at such a point; when that cuts an alternative, the
// search is not complete, so its result is never a proof.
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "../estimate.hpp"
#include "../strategy.hpp"

namespace lockstep::detail {
namespace {

class dfs final : public strategy_base {
public:
    explicit dfs(std::uint64_t preemption_bound) : bound_(preemption_bound) {}

    bool next_execution() override {
        preemptions_ = 0;
        last_ = no_thread;
        if (!started_) {
            started_ = true;
            return true;
        }
        stack_.resize(position_);
        while (!stack_.empty() && stack_.back().chosen + 1 >= stack_.back().limit) stack_.pop_back();
        position_ = 0;
        if (stack_.empty()) {
            exhausted_ = true;
            return false;
        }
        ++stack_.back().chosen;
        return true;
    }

    std::size_t pick(std::span<const choice> choices, const step_context& at) override {
        std::size_t index = 0;
        if (choices.size() > 1) {
            // A switch away from the last thread while it is still enabled costs a preemption.
            const bool costly = choices[0].thread == last_ && !at.last_gave_up;
            std::size_t limit = choices.size();
            if (costly && preemptions_ >= bound_) {
                limit = 1;
                cut_ = true;
            }
            index = limit > 1 ? decide(choices.size(), limit) : 0;
            if (costly && index != 0) ++preemptions_;
        }
        last_ = choices[index].thread;
        return index;
    }
    std::size_t choose(std::size_t n) override { return decide(n, n); }
    bool complete() const override { return exhausted_ && !problem_ && !cut_; }
    std::optional<std::string> problem() const override { return problem_; }
    // Between executions: the path of the one that just ended.
    std::optional<size_estimate> estimate(std::uint64_t executions) const override {
        tree_progress tree;
        for (std::size_t i = 0; i < position_ && i < stack_.size(); ++i)
            tree.level(static_cast<double>(stack_[i].chosen), static_cast<double>(stack_[i].limit));
        return tree.get(executions);
    }

private:
    struct decision {
        std::size_t options;  // what the model offered
        std::size_t limit;    // what the bound lets the search explore: options [0, limit)
        std::size_t chosen;
    };

    std::size_t decide(std::size_t n, std::size_t limit) {
        if (position_ < stack_.size()) {
            decision& d = stack_[position_++];
            if ((d.options != n || d.limit != limit) && !problem_)
                problem_ = fmt::format("re-running the same choices, decision {} offered {} options where it "
                                       "offered {} before",
                                       position_, n, d.options);
            return d.chosen < limit ? d.chosen : 0;
        }
        stack_.push_back({n, limit, 0});
        ++position_;
        return 0;
    }

    std::uint64_t bound_;
    std::vector<decision> stack_;
    std::size_t position_ = 0;
    std::uint64_t preemptions_ = 0;  // in the current execution
    thread_id last_ = no_thread;     // the thread that made the last step
    bool started_ = false;
    bool exhausted_ = false;
    bool cut_ = false;  // the bound kept some alternative from being explored
    std::optional<std::string> problem_;
};

} // namespace

std::unique_ptr<strategy_base> make_dfs(std::uint64_t preemption_bound) {
    return std::make_unique<dfs>(preemption_bound);
}

} // namespace lockstep::detail
