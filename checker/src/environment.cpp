#include "environment.hpp"

#include <charconv>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/token_error.hpp>

#include "budget.hpp"
#include "source_paths.hpp"

namespace lockstep::detail {
namespace {

// The variable's value, or nothing when it is unset or empty (a CI template
// that expands an unset input to "" means "not given").
std::optional<std::string_view> variable(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string_view(value);
}

[[noreturn]] void malformed(const char* name, std::string_view value, std::string_view why) {
    throw usage_error(fmt::format("lockstep: {}=\"{}\" {}", name, value, why));
}

// A decimal number in [0, max]: no sign, no spaces, no trailing characters.
template <std::unsigned_integral T>
T number(const char* name, std::string_view value) {
    const std::string range = fmt::format("a decimal integer from 0 to {}", std::numeric_limits<T>::max());
    if (value.starts_with('-')) malformed(name, value, "is negative: expected " + range);
    T n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc::result_out_of_range) malformed(name, value, "is too large: expected " + range);
    if (ec != std::errc() || end != value.data() + value.size())
        malformed(name, value, "is not a number: expected " + range);
    return n;
}

lockstep::strategy strategy_named(const char* name, std::string_view value) {
    if (value == "dfs") return strategy::dfs;
    if (value == "dpor") return strategy::dpor;
    if (value == "random") return strategy::random;
    if (value == "pct") return strategy::pct;
    malformed(name, value, "is not a strategy: expected dfs, dpor, random or pct (LOCKSTEP_REPLAY replays a token)");
}

lockstep::memory_model memory_model_named(const char* name, std::string_view value) {
    if (value == "rc11") return memory_model::rc11;
    if (value == "sc") return memory_model::sc;
    malformed(name, value, "is not a memory model: expected rc11 or sc");
}

lockstep::task_order task_order_named(const char* name, std::string_view value) {
    if (value == "any") return task_order::any;
    if (value == "fifo") return task_order::fifo;
    malformed(name, value, "is not a task order: expected any or fifo");
}

bool switch_named(const char* name, std::string_view value) {
    if (value == "1") return true;
    if (value == "0") return false;
    malformed(name, value, "is not a switch: expected 0 (off) or 1 (on)");
}

} // namespace

void apply_source_root_environment(options& opts) {
    if (auto v = variable("LOCKSTEP_SOURCE_ROOT")) opts.source_root = std::string(*v);
    opts.source_root = checked_source_root(opts.source_root, variable("LOCKSTEP_SOURCE_ROOT")
                                                                 ? "LOCKSTEP_SOURCE_ROOT"
                                                                 : "options::source_root");
}

void apply_environment(options& opts) {
    if (auto v = variable("LOCKSTEP_STRATEGY")) opts.strategy = strategy_named("LOCKSTEP_STRATEGY", *v);
    if (auto v = variable("LOCKSTEP_SEED")) opts.seed = number<std::uint64_t>("LOCKSTEP_SEED", *v);
    if (auto v = variable("LOCKSTEP_MAX_EXECUTIONS"))
        opts.max_executions = number<std::uint64_t>("LOCKSTEP_MAX_EXECUTIONS", *v);
    if (auto v = variable("LOCKSTEP_MAX_TIME")) {
        const auto d = parse_duration(*v);
        if (!d) malformed("LOCKSTEP_MAX_TIME", *v, "is not a duration: expected a number and a unit, e.g. 30s, 5m, 1h, 1h30m, 500ms (0 = no limit)");
        opts.max_time = *d;
    }
    if (auto v = variable("LOCKSTEP_ESTIMATE")) opts.estimate_only = switch_named("LOCKSTEP_ESTIMATE", *v);
    if (auto v = variable("LOCKSTEP_PREEMPTION_BOUND"))
        opts.preemption_bound = number<std::uint64_t>("LOCKSTEP_PREEMPTION_BOUND", *v);
    if (auto v = variable("LOCKSTEP_WORKERS")) opts.workers = number<unsigned>("LOCKSTEP_WORKERS", *v);
    if (auto v = variable("LOCKSTEP_MEMORY_MODEL"))
        opts.memory_model = memory_model_named("LOCKSTEP_MEMORY_MODEL", *v);
    if (auto v = variable("LOCKSTEP_TASK_ORDER")) opts.task_order = task_order_named("LOCKSTEP_TASK_ORDER", *v);
    if (auto v = variable("LOCKSTEP_SPIN_REDUCTION"))
        opts.spin_reduction = switch_named("LOCKSTEP_SPIN_REDUCTION", *v);
    if (auto v = variable("LOCKSTEP_FAILURE_DIR")) opts.failure_dir = std::string(*v);
    apply_source_root_environment(opts);
    // Replaying wins over any strategy: the token alone decides the schedule.
    if (auto v = variable("LOCKSTEP_REPLAY")) {
        opts.strategy = strategy::replay;
        opts.token = std::string(*v);
    }
}

} // namespace lockstep::detail
