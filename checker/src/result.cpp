#include <lockstep/result.hpp>

#include <charconv>
#include <ostream>

#include <fmt/format.h>

#include "estimate.hpp"

namespace lockstep {

std::string_view to_string(failure_kind kind) {
    switch (kind) {
    case failure_kind::assertion: return "assertion";
    case failure_kind::deadlock: return "deadlock";
    case failure_kind::self_deadlock: return "self_deadlock";
    case failure_kind::misuse: return "misuse";
    case failure_kind::exception: return "exception";
    case failure_kind::livelock: return "livelock";
    case failure_kind::stack_overflow: return "stack_overflow";
    case failure_kind::nondeterminism: return "nondeterminism";
    case failure_kind::data_race: return "data_race";
    case failure_kind::lock_order_inversion: return "lock_order_inversion";
    case failure_kind::hang: return "hang";
    case failure_kind::blocks_event_loop: return "blocks_event_loop";
    }
    return "failure";
}

std::string_view to_string(stop_reason reason) {
    switch (reason) {
    case stop_reason::finished: return "finished";
    case stop_reason::failure: return "failure";
    case stop_reason::max_executions: return "max_executions";
    case stop_reason::max_time: return "max_time";
    }
    return "unknown";
}

namespace {
bool as_integer(const std::string& s, long long& v) {
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    return ec == std::errc() && p == end && !s.empty();
}
} // namespace

bool outcome_order::operator()(const std::string& a, const std::string& b) const {
    long long x = 0, y = 0;
    const bool ia = as_integer(a, x), ib = as_integer(b, y);
    if (ia && ib) return x < y;
    if (ia != ib) return ia;  // numbers first
    return a < b;
}

std::string result::describe() const {
    std::string out = fmt::format("{}: {} executions, {} steps{}{}{}\n", ok() ? "ok" : "FAILED", executions, steps,
                                  complete ? ", complete" : "",
                                  failed_executions > 1 ? fmt::format(", {} failed", failed_executions) : "",
                                  redundant_executions > 0 ? fmt::format(", {} redundant", redundant_executions) : "");
    const std::string stop = detail::stop_line(*this);  // a budget or a failure cut the search
    if (!stop.empty()) out += stop + "\n";
    if (estimate && (stop.empty() || estimate->probes > 0))  // options::estimate_only
        out += "estimate: " +
               detail::estimate_line(*estimate, seconds > 0 ? static_cast<double>(executions) / seconds : 0) + "\n";
    for (const auto& [name, values] : outcomes) {
        out += fmt::format("outcome {}:", name);
        for (const auto& [value, count] : values) out += fmt::format(" {} (x{})", value, count);
        out += "\n";
    }
    for (const std::string& w : warnings) out += fmt::format("warning: {}\n", w);
    if (failure) out += "\n" + failure->text;
    return out;
}

std::ostream& operator<<(std::ostream& os, const result& r) { return os << r.describe(); }

} // namespace lockstep
