#pragma once
// Turning a failed execution into a lockstep::failure: the report, the trace as
// data, the proof that it replays, and the files it is written to.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

#include "execution.hpp"

namespace lockstep::detail {

// The failure the last run of `ex` ended with.
failure make_failure(const execution& ex, const options& opts);

// Replays the failing schedule; if the model does something else this time, the
// failure becomes a nondeterminism failure that shows where the runs parted.
// False when `f` is a hang that did not happen again on replay: the watchdog
// saw time pass that the model did not spend (a paused or starved process),
// so the model is not blamed; f.message then says so, for a warning.
bool verify(const std::function<void()>& model, execution& ex, failure& f, const options& opts);

// A lock-order cycle joined from several executions. Replays them (the compound
// token) and reports the cycle with each execution's steps up to its part of it;
// if the replay does not show the cycle again, the model is nondeterministic.
failure joined_inversion(const std::function<void()>& model, execution& ex, const std::string& token,
                         const options& opts);

// The report, and the same failure as JSON and as swimlanes, in opts.failure_dir,
// as <failure_file_name>.txt, .json and .html. What went wrong writing them, if anything.
std::optional<std::string> write_failure_file(const failure& f, const options& opts);

// "<program>.<model>" (program: argv[0]'s basename), or "<program>.model-<hash of
// the token>" for an unnamed model: the failures of different binaries and models
// sharing one directory (a CI job's LOCKSTEP_FAILURE_DIR) never overwrite each other.
std::string failure_file_name(std::string_view model, std::string_view token);

// A lock-order inversion held back until the exploration found nothing worse:
// a warning (options.lock_order) or the result's failure.
void settle_inversion(result& r, failure inversion, const options& opts);

} // namespace lockstep::detail
