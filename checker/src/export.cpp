#include <lockstep/export.hpp>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace lockstep {
namespace {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
            else out += c;
        }
    }
    return out + "\"";
}

std::string html_text(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// The threads of a trace, in the order they first move.
std::vector<std::string> lanes(const trace& t) {
    std::vector<std::string> names;
    for (const trace_step& s : t.steps)
        if (std::find(names.begin(), names.end(), s.thread) == names.end()) names.push_back(s.thread);
    return names;
}

} // namespace

std::string to_json(const failure& f) {
    std::string out = "{\n";
    out += fmt::format("  \"kind\": {},\n", json_string(to_string(f.kind)));
    out += fmt::format("  \"message\": {},\n", json_string(f.message));
    out += fmt::format("  \"location\": {},\n", json_string(f.location));
    out += fmt::format("  \"token\": {},\n", json_string(f.token));
    out += "  \"executions\": [";
    for (std::size_t i = 0; i < f.traces.size(); ++i) {
        const trace& t = f.traces[i];
        out += fmt::format("{}\n    {{\n      \"token\": {},\n      \"steps\": [", i ? "," : "", json_string(t.token));
        for (std::size_t k = 0; k < t.steps.size(); ++k) {
            const trace_step& s = t.steps[k];
            out += fmt::format("{}\n        {{\"step\": {}, \"thread\": {}, \"operation\": {}, \"object\": {}, "
                               "\"location\": {}}}",
                               k ? "," : "", s.number, json_string(s.thread), json_string(s.operation),
                               json_string(s.object), json_string(s.location));
        }
        out += t.steps.empty() ? "]\n    }" : "\n      ]\n    }";
    }
    out += f.traces.empty() ? "],\n" : "\n  ],\n";
    out += "  \"threads\": [";
    for (std::size_t i = 0; i < f.threads.size(); ++i)
        out += fmt::format("{}\n    {{\"thread\": {}, \"state\": {}}}", i ? "," : "", json_string(f.threads[i].thread),
                           json_string(f.threads[i].state));
    out += f.threads.empty() ? "]\n" : "\n  ]\n";
    return out + "}\n";
}

std::string to_swimlanes(const failure& f) {
    std::string out =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lockstep: " + html_text(to_string(f.kind)) +
        "</title>\n<style>\n"
        "body { font-family: sans-serif; margin: 1.5em; }\n"
        "pre { background: #f6f6f6; padding: 0.6em; white-space: pre-wrap; }\n"
        "table { border-collapse: collapse; margin-bottom: 1.5em; }\n"
        "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; vertical-align: top; font-size: 0.9em; }\n"
        "th { background: #eee; position: sticky; top: 0; }\n"
        "td.step { color: #888; text-align: right; }\n"
        "td.op { background: #e8f0fe; }\n"
        "td.op .where { color: #666; font-size: 0.85em; display: block; }\n"
        "</style></head><body>\n";
    out += fmt::format("<h1>{}</h1>\n<pre>{}</pre>\n", html_text(to_string(f.kind)), html_text(f.message));
    if (!f.location.empty()) out += fmt::format("<p>at {}</p>\n", html_text(f.location));
    for (std::size_t i = 0; i < f.traces.size(); ++i) {
        const trace& t = f.traces[i];
        const std::vector<std::string> names = lanes(t);
        if (f.traces.size() > 1) out += fmt::format("<h2>execution {} of {}</h2>\n", i + 1, f.traces.size());
        out += fmt::format("<p>token <code>{}</code></p>\n<table>\n<tr><th>step</th>", html_text(t.token));
        for (const std::string& name : names) out += "<th>" + html_text(name) + "</th>";
        out += "</tr>\n";
        for (const trace_step& s : t.steps) {
            out += fmt::format("<tr><td class=\"step\">{}</td>", s.number);
            for (const std::string& name : names) {
                if (name != s.thread) {
                    out += "<td></td>";
                    continue;
                }
                out += fmt::format("<td class=\"op\">{} {}<span class=\"where\">{}</span></td>", html_text(s.operation),
                                   html_text(s.object), html_text(s.location));
            }
            out += "</tr>\n";
        }
        out += "</table>\n";
    }
    if (!f.threads.empty()) {
        out += "<h2>threads at the end</h2>\n<ul>\n";
        for (const thread_at_end& t : f.threads)
            out += fmt::format("<li><b>{}</b>: {}</li>\n", html_text(t.thread), html_text(t.state));
        out += "</ul>\n";
    }
    return out + "</body></html>\n";
}

} // namespace lockstep
