#pragma once
// The text report of a failed execution, for people.
#include <string>
#include <string_view>

#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

#include "execution.hpp"

namespace lockstep::detail {

// "file:line" of a location, or "" when it has none; the path as shown_path() spells it.
std::string where(std::source_location loc);

// The report of the failure `ex` ended with; `token` replays it.
std::string render_report(const execution& ex, std::string_view token, const options& opts);

// The interleaving of the first `steps` steps of the last run of `ex`.
std::string render_trace(const execution& ex, std::size_t steps);

// The same, as data: the first `steps` steps, and each thread's state at the
// end of a failed run.
trace record_trace(const execution& ex, std::size_t steps, std::string token);
std::vector<thread_at_end> record_threads(const execution& ex);

// The line that replays a failure: "replay: " and its command.
std::string replay_line(std::string_view token, const options& opts);
std::string replay_command(std::string_view token, const options& opts);

} // namespace lockstep::detail
