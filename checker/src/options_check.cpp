#include "options_check.hpp"

#include <unistd.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include <lockstep/token_error.hpp>

namespace lockstep::detail {
namespace {

// A model thread's stack: below 16 KiB not even the checker's own frames fit;
// above 1 GiB each thread would map more than a machine can back.
constexpr std::size_t min_stack = 16 * 1024;
constexpr std::size_t max_stack = std::size_t{1} << 30;
constexpr unsigned max_workers = 1024;

const char* caller = "lockstep::explore";  // set by check_options, for the message

[[noreturn]] void reject(std::string_view option, std::string_view why) {
    throw usage_error(fmt::format("{}: options.{} {}", caller, option, why));
}

template <class E>
bool known(E value, E last) {
    return static_cast<unsigned>(value) <= static_cast<unsigned>(last);
}

void check_failure_dir(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        reject("failure_dir", fmt::format("= \"{}\" cannot be created: {}; failure reports could not be written", dir,
                                          ec.message()));
    if (!std::filesystem::is_directory(dir, ec))
        reject("failure_dir", fmt::format("= \"{}\" is not a directory; failure reports could not be written", dir));
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        reject("failure_dir", fmt::format("= \"{}\" is not writable; failure reports could not be written", dir));
}

} // namespace

void check_options(const options& opts, bool replaying) {
    caller = replaying ? "lockstep::replay" : "lockstep::explore";
    if (!known(opts.strategy, strategy::replay))
        reject("strategy", fmt::format("= {} is not a lockstep::strategy", static_cast<int>(opts.strategy)));
    if (!known(opts.memory_model, memory_model::sc))
        reject("memory_model", fmt::format("= {} is not a lockstep::memory_model", static_cast<int>(opts.memory_model)));
    if (!known(opts.lock_order, lock_order_check::off))
        reject("lock_order", fmt::format("= {} is not a lockstep::lock_order_check", static_cast<int>(opts.lock_order)));
    if (opts.stack_size < min_stack)
        reject("stack_size", fmt::format("= {} is too small: a model thread needs at least {} KiB", opts.stack_size,
                                         min_stack / 1024));
    if (opts.stack_size > max_stack)
        reject("stack_size", fmt::format("= {} is too large: at most {} MiB per model thread", opts.stack_size,
                                         max_stack >> 20));
    if (opts.max_steps == 0) reject("max_steps", "= 0: every execution would be a livelock at its first step");
    if (opts.step_time_limit.count() < 0)
        reject("step_time_limit", fmt::format("= {} ms is negative (zero turns the watchdog off)",
                                              opts.step_time_limit.count()));
    if (opts.max_time.count() < 0)
        reject("max_time", fmt::format("= {} ms is negative (zero is no limit)", opts.max_time.count()));
    if (opts.workers > max_workers)
        reject("workers", fmt::format("= {} is more OS threads than lockstep runs at once (at most {}; 0 = one per "
                                      "core)",
                                      opts.workers, max_workers));
    if (opts.strategy == strategy::pct && opts.pct_depth == 0)
        reject("pct_depth", "= 0: the bug depth is at least 1");
    if (!replaying && opts.strategy != strategy::replay && !opts.token.empty())
        reject("token", "is set but options.strategy is not strategy::replay: the token would be ignored");
    if (!opts.failure_dir.empty()) check_failure_dir(opts.failure_dir);
}

} // namespace lockstep::detail
