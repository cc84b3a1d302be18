#pragma once
// A model registered with its expected verdict, and the command-line runner that
// runs a list of them and prints a table of verdicts.
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

namespace lockstep {

struct model {
    std::string scenario;  // "S08": the row of SCENARIOS.md it models
    std::string name;      // unique: "s08_ab_ba_deadlock"
    std::string summary;   // one line: what it shows
    std::optional<failure_kind> expected_failure;  // empty: PASS expected
    std::function<void()> body;
    options settings{};    // strategy and budgets it runs with by default
    // Outcomes that must be exactly the reachable set when exploration is complete.
    std::vector<std::pair<std::string, std::vector<std::string>>> expected_outcomes{};
};

struct verdict {
    bool as_expected = false;
    std::string expected;  // "PASS" or "FAIL deadlock"
    std::string actual;
    std::string problem;   // why it is not as expected
};

// Compares a result with the model's expectation: the verdict, completeness of a
// PASS under an exhaustive strategy, and the expected outcome sets.
verdict judge(const model& m, const result& r);

// Runs a model with its own settings overridden by the runner's options; the
// replay line of its report names `program`.
result run_model(const model& m, const options& overrides, bool strategy_given,
                 std::string_view program = "lockstep-models",
                 std::string_view project_root = LOCKSTEP_DETAIL_PROJECT_ROOT);

// The command-line runner: lists, runs and replays models. Returns the exit code:
// non-zero when a verdict differs from its expectation or the arguments are bad.
// argv[0]'s basename names the program in its usage text and replay lines.
// `project_root`: see options::source_root.
int run_models(std::span<const model> models, int argc, const char* const* argv, std::ostream& out,
               std::ostream& err, std::string_view project_root = LOCKSTEP_DETAIL_PROJECT_ROOT);

} // namespace lockstep
