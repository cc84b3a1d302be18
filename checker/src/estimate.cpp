#include "estimate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "progress.hpp"

namespace lockstep::detail {

void knuth_estimator::add(double product) {
    ++n_;
    const double delta = product - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (product - mean_);
}

size_estimate knuth_estimator::get() const {
    size_estimate e;
    e.executions = mean_;
    e.probes = n_;
    const double error = n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1) / static_cast<double>(n_)) : 0;
    e.low = std::max(1.0, mean_ - 2 * error);
    e.high = mean_ + 2 * error;
    return e;
}

size_estimate tree_progress::get(std::uint64_t executions) const {
    size_estimate e;
    const double run = static_cast<double>(executions);
    const double share = done_ + weight_;  // the current leaf is done too
    e.executions = share > 0 ? std::max(run / share, run + left_) : run + left_;
    e.low = run + left_;
    return e;
}

std::string grouped(double n) {
    if (!std::isfinite(n)) return "more than 10^308";
    if (n >= 1e15) return fmt::format("{:.1e}", n);
    const std::string digits = fmt::format("{:.0f}", std::max(0.0, n));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string estimate_line(const size_estimate& e, double executions_per_second) {
    std::string text;
    if (e.probes > 0)
        text = fmt::format("about {} executions ({} to {}, from {} probes)", grouped(e.executions), grouped(e.low),
                           grouped(e.high), grouped(static_cast<double>(e.probes)));
    else if (e.low == e.high)
        text = fmt::format("{} executions (the whole space, searched)", grouped(e.executions));
    else if (e.high > 0)
        text = fmt::format("about {} executions (at least {}, at most about {} as dfs; from the share of the tree "
                           "searched, low early in a large space)",
                           grouped(e.executions), grouped(e.low), grouped(e.high));
    else
        text = fmt::format("about {} executions (at least {}; from the share of the tree searched)",
                           grouped(e.executions), grouped(e.low));
    if (executions_per_second > 0)
        text += fmt::format(", about {} at the measured rate", format_duration(e.executions / executions_per_second));
    return text;
}

namespace {
// 12.3 -> "12", 4.56 -> "4.6", 0.0123 -> "0.012"
std::string percent(double p) {
    if (p >= 10) return fmt::format("{:.0f}", p);
    if (p >= 1) return fmt::format("{:.1f}", p);
    return fmt::format("{:.2g}", p);
}
} // namespace

std::string stop_line(const result& r) {
    if (r.stopped == stop_reason::finished) return {};
    std::string text = fmt::format("stopped by {} after {} executions", to_string(r.stopped),
                                   grouped(static_cast<double>(r.executions)));
    if (r.estimate && r.estimate->probes == 0 && r.estimate->executions > 0)
        text += fmt::format(" (about {}% of an estimated {})",
                            percent(100.0 * static_cast<double>(r.executions) / r.estimate->executions),
                            grouped(r.estimate->executions));
    return text;
}

} // namespace lockstep::detail
