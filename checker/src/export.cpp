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
    out += fmt::format("  \"model\": {},\n", json_string(f.model));
    out += fmt::format("  \"message\": {},\n", json_string(f.message));
    out += fmt::format("  \"location\": {},\n", json_string(f.location));
    out += fmt::format("  \"token\": {},\n", json_string(f.token));
    out += fmt::format("  \"replay\": {},\n", json_string(f.replay));
    out += "  \"executions\": [";
    for (std::size_t i = 0; i < f.traces.size(); ++i) {
        const trace& t = f.traces[i];
        out += fmt::format("{}\n    {{\n      \"token\": {},\n      \"steps\": [", i ? "," : "", json_string(t.token));
        for (std::size_t k = 0; k < t.steps.size(); ++k) {
            const trace_step& s = t.steps[k];
            out += fmt::format("{}\n        {{\"step\": {}, \"thread\": {}, \"operation\": {}, \"object\": {}, "
                               "\"values\": {}, \"location\": {}}}",
                               k ? "," : "", s.number, json_string(s.thread), json_string(s.operation),
                               json_string(s.object), json_string(s.values), json_string(s.location));
        }
        out += t.steps.empty() ? "]\n    }" : "\n      ]\n    }";
    }
    out += f.traces.empty() ? "],\n" : "\n  ],\n";
    out += "  \"threads\": [";
    for (std::size_t i = 0; i < f.threads.size(); ++i) {
        const thread_at_end& t = f.threads[i];
        std::string holds;
        for (const std::string& h : t.holds) {
            if (!holds.empty()) holds += ", ";
            holds += json_string(h);
        }
        out += fmt::format("{}\n    {{\"thread\": {}, \"holds\": [{}], \"blocked_on\": {}, \"state\": {}}}",
                           i ? "," : "", json_string(t.thread), holds, json_string(t.blocked_on), json_string(t.state));
    }
    out += f.threads.empty() ? "]\n" : "\n  ]\n";
    return out + "}\n";
}

// A page to attach to a bug report: what failed where, the command that
// replays it, each thread at the end (what it holds, what it waits for), and
// the interleaving as swimlanes with the values each step read and wrote.
// Static HTML, no script: it reads the same in any browser, a mail client or
// a CI artifact viewer.
std::string to_swimlanes(const failure& f) {
    const std::string what = html_text(to_string(f.kind));
    const std::string model = f.model.empty() ? std::string("a model") : html_text(f.model);
    std::string out = fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                  "<title>lockstep: {} in {}</title>\n",
                                  what, model);
    out += "<style>\n"
           "body { font-family: sans-serif; margin: 1.5em; }\n"
           "pre, code { background: #f6f6f6; }\n"
           "pre { padding: 0.6em; white-space: pre-wrap; }\n"
           "table { border-collapse: collapse; margin-bottom: 1.5em; }\n"
           "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; vertical-align: top; font-size: 0.9em; }\n"
           "th { background: #eee; position: sticky; top: 0; }\n"
           "td.step { color: #888; text-align: right; }\n"
           "td.op { background: #e8f0fe; }\n"
           "td.op .values { color: #0b6e2e; display: block; }\n"
           "td.op .where, td.where { color: #666; font-size: 0.85em; display: block; }\n"
           "td.blocked { color: #a00; }\n"
           "</style></head><body>\n";
    out += fmt::format("<h1 id=\"title\">{} in {}</h1>\n<pre id=\"message\">{}</pre>\n", what, model,
                       html_text(f.message));
    if (!f.location.empty()) out += fmt::format("<p id=\"location\">at <code>{}</code></p>\n", html_text(f.location));
    if (!f.replay.empty())
        out += fmt::format("<h2>replay</h2>\n<pre id=\"replay\">{}</pre>\n", html_text(f.replay));

    if (!f.threads.empty()) {
        out += "<h2>threads at the end</h2>\n<table id=\"threads\">\n"
               "<tr><th>thread</th><th>holds</th><th>blocked on</th><th>state</th></tr>\n";
        for (const thread_at_end& t : f.threads) {
            std::string holds;
            for (const std::string& h : t.holds) {
                if (!holds.empty()) holds += ", ";
                holds += html_text(h);
            }
            out += fmt::format("<tr><td class=\"thread\">{}</td><td class=\"holds\">{}</td>"
                               "<td class=\"blocked-on{}\">{}</td><td class=\"state\">{}</td></tr>\n",
                               html_text(t.thread), holds, t.blocked_on.empty() ? "" : " blocked",
                               html_text(t.blocked_on), html_text(t.state));
        }
        out += "</table>\n";
    }

    for (std::size_t i = 0; i < f.traces.size(); ++i) {
        const trace& t = f.traces[i];
        const std::vector<std::string> names = lanes(t);
        out += f.traces.size() > 1 ? fmt::format("<h2>execution {} of {}</h2>\n", i + 1, f.traces.size())
                                   : std::string("<h2>interleaving</h2>\n");
        out += fmt::format("<p>{} steps; token <code>{}</code></p>\n<table class=\"swimlanes\">\n<tr><th>step</th>",
                           t.steps.size(), html_text(t.token));
        for (const std::string& name : names) out += "<th>" + html_text(name) + "</th>";
        out += "</tr>\n";
        for (const trace_step& s : t.steps) {
            out += fmt::format("<tr><td class=\"step\">{}</td>", s.number);
            for (const std::string& name : names) {
                if (name != s.thread) {
                    out += "<td></td>";
                    continue;
                }
                out += fmt::format("<td class=\"op\"><span class=\"operation\">{}</span> <span class=\"object\">{}</span>",
                                   html_text(s.operation), html_text(s.object));
                if (!s.values.empty()) out += fmt::format("<span class=\"values\">{}</span>", html_text(s.values));
                out += fmt::format("<span class=\"where\">{}</span></td>", html_text(s.location));
            }
            out += "</tr>\n";
        }
        out += "</table>\n";
    }
    if (!f.text.empty())
        out += fmt::format("<details><summary>the text report</summary>\n<pre id=\"report\">{}</pre></details>\n",
                           html_text(f.text));
    return out + "</body></html>\n";
}

} // namespace lockstep
