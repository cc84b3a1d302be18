#include "budget.hpp"

#include <charconv>
#include <limits>

namespace lockstep::detail {

budget::budget(const options& opts, clock::time_point start)
    : executions_(opts.max_executions), time_(opts.max_time), start_(start) {
    const bool sampling = opts.strategy == strategy::random || opts.strategy == strategy::pct;
    if (executions_ == 0 && sampling) executions_ = 10'000;
}

std::optional<stop_reason> budget::spent(std::uint64_t executions_run) const {
    if (executions_ != 0 && executions_run >= executions_) return stop_reason::max_executions;
    if (time_.count() > 0 && clock::now() - start_ >= time_) return stop_reason::max_time;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    using std::chrono::milliseconds;
    std::uint64_t total = 0;  // milliseconds
    if (text.empty()) return std::nullopt;
    if (text == "0") return milliseconds(0);
    while (!text.empty()) {
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end == text.data()) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        std::uint64_t unit = 0;
        for (const auto& [name, ms] : {std::pair<std::string_view, std::uint64_t>{"ms", 1}, {"s", 1'000},
                                       {"m", 60'000}, {"h", 3'600'000}}) {
            if (text.starts_with(name)) {  // "ms" is tried before "m" and "s"
                unit = ms;
                text.remove_prefix(name.size());
                break;
            }
        }
        constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max() / 2;
        if (unit == 0 || n > limit / unit || total > limit - n * unit) return std::nullopt;
        total += n * unit;
    }
    return milliseconds(static_cast<std::int64_t>(total));
}

} // namespace lockstep::detail
