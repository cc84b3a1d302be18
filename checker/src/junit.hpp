#pragma once
// JUnit XML, the report format CI systems (GitLab, Jenkins, GitHub actions'
// test reporters) read: one <testcase> per model of a run.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lockstep::detail {

struct junit_case {
    std::string name;
    double seconds = 0;
    // A verdict other than the expected one: <failure message=... type=...>text</failure>.
    std::optional<std::string> failure_message;
    std::string failure_type, failure_text;
    // The model could not be run (it threw): <error message=...>.
    std::optional<std::string> error_message;
    std::string system_out;  // e.g. the replay line of an expected failure
};

// A <testsuites> document with one <testsuite> named `suite` (the binary).
std::string to_junit(std::string_view suite, std::span<const junit_case> cases);

// Text escaped for XML 1.0 content, or for a double-quoted attribute (which also
// keeps its line breaks); characters XML 1.0 cannot carry become U+FFFD.
std::string xml_escape(std::string_view text, bool attribute = false);

} // namespace lockstep::detail
