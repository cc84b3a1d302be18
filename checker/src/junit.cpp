#include "junit.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace lockstep::detail {

std::string xml_escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += attribute ? "&quot;" : "\""; break;
        case '\'': out += attribute ? "&apos;" : "'"; break;
        // A parser turns a raw line break in an attribute into a space.
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        default:
            // XML 1.0 has no way to write other control characters, not even as references.
            if (static_cast<unsigned char>(c) < 0x20) out += "\xEF\xBF\xBD";
            else out += c;
        }
    }
    return out;
}

std::string to_junit(std::string_view suite, std::span<const junit_case> cases) {
    double seconds = 0;
    for (const junit_case& c : cases) seconds += c.seconds;
    const auto failures = std::count_if(cases.begin(), cases.end(), [](auto& c) { return c.failure_message.has_value(); });
    const auto errors = std::count_if(cases.begin(), cases.end(), [](auto& c) { return c.error_message.has_value(); });
    const std::string name = xml_escape(suite, true);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n", name,
                       cases.size(), failures, errors, seconds);
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n",
                       name, cases.size(), failures, errors, seconds);
    for (const junit_case& c : cases) {
        out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", name, xml_escape(c.name, true),
                           c.seconds);
        if (!c.failure_message && !c.error_message && c.system_out.empty()) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        if (c.failure_message)
            out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                               xml_escape(*c.failure_message, true), xml_escape(c.failure_type, true),
                               xml_escape(c.failure_text));
        if (c.error_message)
            out += fmt::format("      <error message=\"{}\" type=\"exception\"/>\n", xml_escape(*c.error_message, true));
        if (!c.system_out.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.system_out));
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

} // namespace lockstep::detail
