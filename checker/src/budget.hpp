#pragma once
// The budgets that cut a search: executions and time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

namespace lockstep::detail {

class budget {
public:
    using clock = std::chrono::steady_clock;

    // max_executions (10,000 for random and pct when it is 0) and max_time, from now.
    explicit budget(const options& opts, clock::time_point start = clock::now());

    std::uint64_t executions() const { return executions_; }
    // What ends the search before another execution, if anything does.
    std::optional<stop_reason> spent(std::uint64_t executions_run) const;
    double elapsed() const { return std::chrono::duration<double>(clock::now() - start_).count(); }
    double max_seconds() const { return std::chrono::duration<double>(time_).count(); }

private:
    std::uint64_t executions_;
    std::chrono::milliseconds time_;
    clock::time_point start_;
};

// "30s", "5m", "1h", "250ms", "2h30m" (a number needs its unit; "0" alone is zero, no
// limit). Nothing when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace lockstep::detail
