// Follows a token's schedule, checking that the model offers the same options.
// A compound token ("ls1-A+ls1-B", a lock-order cycle seen across executions)
// runs one execution per part, in order.
#include <fmt/format.h>

#include <lockstep/result.hpp>
#include <lockstep/token_error.hpp>

#include "../lock_order_history.hpp"
#include "../strategy.hpp"
#include "../token.hpp"

namespace lockstep::detail {
namespace {

class replay final : public strategy_base {
public:
    explicit replay(std::vector<recorded_schedule> parts) : parts_(std::move(parts)) {}

    bool next_execution() override {
        if (started_) {
            if (!problem_) problem_ = part_problem();
            if (++part_ == parts_.size()) return false;
        }
        started_ = true;
        position_ = 0;
        run_ = 0;
        in_run_ = 0;
        shape_ = shape_seed;
        return true;
    }
    std::size_t pick(std::span<const choice> choices, const step_context&) override {
        return choices.size() > 1 ? follow(choices.size(), decision_shape(choices)) : 0;
    }
    std::size_t choose(std::size_t n) override { return follow(n, decision_shape(n)); }
    bool complete() const override { return false; }

    std::optional<std::string> problem() const override {
        if (problem_) return problem_;
        if (part_ < parts_.size()) return part_problem();
        return std::nullopt;
    }

private:
    std::optional<std::string> part_problem() const {
        const recorded_schedule& schedule = parts_[part_];
        if (position_ == schedule.count && shape_ == schedule.shape) return std::nullopt;
        return fmt::format("the token does not fit this model: {}it was recorded on another model, another "
                           "version of it, or with other options: the choices offered differ from the ones it "
                           "records ({} of its {} decisions were used)",
                           in_part(), position_, schedule.count);
    }
    std::string in_part() const {
        return parts_.size() > 1 ? fmt::format("in part {} of the token, ", part_ + 1) : std::string();
    }

    std::size_t follow(std::size_t n, std::uint32_t shape) {
        const recorded_schedule& schedule = parts_[part_];
        shape_ = shape_step(shape_, shape);
        if (position_ >= schedule.count) {
            if (!problem_)
                problem_ = fmt::format("the token does not fit this model: {}it ends after {} decisions but the "
                                       "model asks for more",
                                       in_part(), schedule.count);
            return 0;
        }
        const std::uint32_t c = schedule.runs[run_].value;
        ++position_;
        if (++in_run_ == schedule.runs[run_].length) ++run_, in_run_ = 0;
        if (c >= n) {
            if (!problem_)
                problem_ = fmt::format("the token does not fit this model: {}decision {} takes option {} of {}",
                                       in_part(), position_, c + 1, n);
            return 0;
        }
        return c;
    }

    std::vector<recorded_schedule> parts_;
    std::size_t part_ = 0;
    std::uint64_t position_ = 0;  // decisions followed in this part
    std::size_t run_ = 0;         // where they are in its runs
    std::uint64_t in_run_ = 0;
    std::uint32_t shape_ = shape_seed;
    bool started_ = false;
    std::optional<std::string> problem_;
};

} // namespace

std::uint32_t token_model(std::string_view token, std::string_view model) {
    const std::vector<std::string> parts = token_parts(token);
    if (parts.empty()) return unnamed_model;
    std::uint32_t recorded = unnamed_model;
    try {
        recorded = decode_token(parts.front()).model;
    } catch (const token_error&) {
        return unnamed_model;  // make_replay tells what is wrong with it
    }
    const std::uint32_t here = model_fingerprint(model);
    if (recorded != unnamed_model && here != unnamed_model && recorded != here)
        throw token_error(fmt::format("the token was recorded on a different model, not on {} (a token records the "
                                      "name of the model it comes from)",
                                      model));
    return recorded;
}

// A compound token stands for a lock-order cycle seen across its parts'
// executions: replaying it must show that cycle again, from every part (a
// part that deadlocks or fails stops the replay before the parts after it).
void check_compound_replay(std::string_view token, const result& r) {
    std::vector<std::string> parts = token_parts(token);
    if (parts.size() < 2) return;
    std::string joined;
    for (std::string& part : parts) {
        const auto first = part.find_first_not_of(" \r\n\t");
        const auto last = part.find_last_not_of(" \r\n\t");
        // Appended piece by piece: gcc 12's -O3 warns (-Wrestrict) about a "+" + string temporary.
        if (!joined.empty()) joined += '+';
        if (first != std::string::npos) joined.append(part, first, last - first + 1);
    }
    if (r.failure && r.failure->kind == failure_kind::lock_order_inversion && r.failure->token == joined) return;
    const std::string seen = !r.failure ? std::string("no failure")
                                        : fmt::format("a {} with token {}", to_string(r.failure->kind), r.failure->token);
    throw token_error(fmt::format("the token does not fit this model: a compound token (parts joined by '+') comes "
                                  "only from a lock-order report, and replaying its {} parts gave {} (it ran {} of "
                                  "them)",
                                  parts.size(), seen, r.executions));
}

std::unique_ptr<strategy_base> make_replay(std::string_view token, std::uint64_t& max_steps, std::uint32_t* flags) {
    std::vector<recorded_schedule> parts;
    for (const std::string& part : token_parts(token)) {
        try {
            parts.push_back(decode_token(part));
        } catch (const token_error& e) {
            if (parts.empty() && part.size() == token.size()) throw;
            throw token_error(fmt::format("part {} of the replay token: {}", parts.size() + 1, e.what()));
        }
        if (parts.back().max_steps != parts.front().max_steps)
            throw token_error("replay token is malformed: its parts were recorded with different max_steps");
        if (parts.back().model != parts.front().model)
            throw token_error(fmt::format("replay token is malformed: part {} of it was recorded on another model "
                                          "than part 1",
                                          parts.size()));
        if (parts.back().flags != parts.front().flags)
            throw token_error("replay token is malformed: its parts were recorded with different options");
    }
    max_steps = parts.front().max_steps;
    if (flags != nullptr) *flags = parts.front().flags;
    return std::make_unique<replay>(std::move(parts));
}

} // namespace lockstep::detail
