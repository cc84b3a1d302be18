// A failure as data (traces), as JSON for tools, and as an HTML page of swimlanes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

using lockstep::failure_kind;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }
std::size_t count(const std::string& text, std::string_view part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// A strict JSON syntax check (RFC 8259), enough to tell a tool could read the export.
class json_checker {
public:
    explicit json_checker(std::string_view text) : s_(text) {}
    bool valid() {
        skip();
        if (!value()) return false;
        skip();
        return i_ == s_.size();
    }

private:
    void skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    bool string() {
        if (!eat('"')) return false;
        while (i_ < s_.size() && s_[i_] != '"') {
            if (static_cast<unsigned char>(s_[i_]) < 0x20) return false;
            if (s_[i_] == '\\') {
                ++i_;
                if (i_ >= s_.size() || std::string_view("\"\\/bfnrtu").find(s_[i_]) == std::string_view::npos)
                    return false;
            }
            ++i_;
        }
        return eat('"');
    }
    bool value() {
        skip();
        if (i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '"') return string();
        if (c == '{') {
            ++i_;
            if (eat('}')) return true;
            do {
                if (!string() || !eat(':') || !value()) return false;
            } while (eat(','));
            return eat('}');
        }
        if (c == '[') {
            ++i_;
            if (eat(']')) return true;
            do {
                if (!value()) return false;
            } while (eat(','));
            return eat(']');
        }
        const std::size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '.'))
            ++i_;
        const std::string_view word = s_.substr(start, i_ - start);
        return word == "true" || word == "false" || word == "null" ||
               (!word.empty() && std::all_of(word.begin(), word.end(), [](char d) { return std::isdigit(d) || d == '-'; }));
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

using lockstep::models::find;

} // namespace

TEST_CASE("the JSON checker used below rejects what is not JSON") {
    CHECK(json_checker(R"({"a": [1, "x\n", {"b": true}]})").valid());
    CHECK_FALSE(json_checker(R"({"a": [1, "x)").valid());
    CHECK_FALSE(json_checker("{\"a\": \"line\nbreak\"}").valid());
    CHECK_FALSE(json_checker(R"({"a": 1,})").valid());
}

TEST_CASE("a failure carries its trace and thread states as data, matching the report") {
    const auto r = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false);
    REQUIRE(r.failure);
    const lockstep::failure& f = *r.failure;
    REQUIRE(f.traces.size() == 1);
    CHECK(f.traces[0].token == f.token);
    REQUIRE(f.traces[0].steps.size() == 4);
    const lockstep::trace_step& third = f.traces[0].steps[2];
    CHECK(third.number == 3);
    CHECK(third.thread == "T1");
    CHECK(third.operation == "lock");
    CHECK(third.object == "lock_a");
    CHECK(contains(f.report(), fmt::format("{}  {}      {}       {}  {}", third.number, third.thread,
                                           third.operation, third.object, third.location)));
    REQUIRE(f.threads.size() == 3);
    CHECK(f.threads[1].thread == "T1");
    CHECK(contains(f.report(), "  T1: " + f.threads[1].state + "\n"));
}

TEST_CASE("JSON export: valid, with every step, and text escaped") {
    const auto r = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false);
    REQUIRE(r.failure);
    const std::string json = lockstep::to_json(*r.failure);
    CHECK(json_checker(json).valid());
    CHECK(contains(json, R"("kind": "deadlock")"));
    CHECK(contains(json, fmt::format(R"("token": "{}")", r.failure->token)));
    CHECK(count(json, R"("step": )") == 4);
    CHECK(contains(json, R"({"step": 3, "thread": "T1", "operation": "lock", "object": "lock_a", "values": "", "location": "models/)"));

    // Quotes, backslashes and line breaks in a message stay valid JSON.
    const auto odd = lockstep::explore([] { LOCKSTEP_ASSERT(false, "a \"quoted\"\\ message\nover two lines"); });
    REQUIRE(odd.failure);
    const std::string escaped = lockstep::to_json(*odd.failure);
    CHECK(json_checker(escaped).valid());
    CHECK(contains(escaped, R"(a \"quoted\"\\ message\nover two lines)"));
}

TEST_CASE("a joined lock-order inversion exports each of its executions") {
    const auto r = lockstep::run_model(find("s08_ab_ba_by_request"), {}, false);
    REQUIRE(r.failure);
    REQUIRE(r.failure->traces.size() == 2);
    CHECK(r.failure->token == r.failure->traces[0].token + "+" + r.failure->traces[1].token);
    CHECK(r.failure->traces[1].steps.back().operation == "lock");
    CHECK(r.failure->traces[1].steps.back().object == "lock_a");
    const std::string json = lockstep::to_json(*r.failure);
    CHECK(json_checker(json).valid());
    CHECK(count(json, R"("token": )") == 3);
    const std::string html = lockstep::to_swimlanes(*r.failure);
    CHECK(contains(html, "<h2>execution 1 of 2</h2>"));
    CHECK(contains(html, "<h2>execution 2 of 2</h2>"));
}

TEST_CASE("the HTML page is a bug report: model and failure, replay command, threads at the end, values") {
    const auto r = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false);
    REQUIRE(r.failure);
    CHECK(r.failure->model == "s08_ab_ba_deadlock");
    CHECK(r.failure->replay == "lockstep-models --replay s08_ab_ba_deadlock " + r.failure->token);
    CHECK(contains(r.failure->report(), "\nreplay: " + r.failure->replay + "\n"));
    const std::string html = lockstep::to_swimlanes(*r.failure);
    CHECK(contains(html, "<title>lockstep: deadlock in s08_ab_ba_deadlock</title>"));
    CHECK(contains(html, "<pre id=\"replay\">" + r.failure->replay + "</pre>"));
    CHECK(contains(html, "<tr><td class=\"thread\">T1</td><td class=\"holds\">lock_a</td>"
                         "<td class=\"blocked-on blocked\">lock_b</td>"));
    REQUIRE(r.failure->threads.size() == 3);
    CHECK(r.failure->threads[2].holds == std::vector<std::string>{"lock_b"});
    CHECK(r.failure->threads[2].blocked_on == "lock_a");
    CHECK(r.failure->threads[0].blocked_on == "T1");  // main joins T1

    // Atomics: the values each step read and wrote, in the data, the JSON and the page.
    const auto atomics = lockstep::explore([] {
        lockstep::atomic<int> x(5, "x");
        lockstep::thread t([&] { x.fetch_add(2); });
        t.join();
        LOCKSTEP_ASSERT(x.load() == 0);
    });
    REQUIRE(atomics.failure);
    std::vector<std::string> values;
    for (const auto& s : atomics.failure->traces.at(0).steps)
        if (!s.values.empty()) values.push_back(s.values);
    CHECK(values == std::vector<std::string>{"read 5, wrote 7", "read 7"});
    CHECK(contains(lockstep::to_json(*atomics.failure), R"("values": "read 5, wrote 7")"));
    const std::string page = lockstep::to_swimlanes(*atomics.failure);
    CHECK(contains(page, "<span class=\"values\">read 5, wrote 7</span>"));
    CHECK(contains(page, "<title>lockstep: assertion in a model</title>"));  // unnamed
    CHECK(contains(page, "LOCKSTEP_REPLAY=" + atomics.failure->token));
}

TEST_CASE("swimlanes: one column per thread, one row per step, text escaped") {
    const auto r = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false);
    REQUIRE(r.failure);
    const std::string html = lockstep::to_swimlanes(*r.failure);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(contains(html, "<tr><th>step</th><th>main</th><th>T1</th><th>T2</th></tr>"));
    CHECK(count(html, "<td class=\"step\">") == 4);
    // Step 3 is T1's: the second of three lanes.
    CHECK(contains(html, "<tr><td class=\"step\">3</td><td></td><td class=\"op\"><span class=\"operation\">lock</span> "
                         "<span class=\"object\">lock_a</span><span class=\"where\">"));
    const auto odd = lockstep::explore([] { LOCKSTEP_ASSERT(1 < 0, "<b>&"); });
    REQUIRE(odd.failure);
    const std::string escaped = lockstep::to_swimlanes(*odd.failure);
    CHECK(contains(escaped, "1 &lt; 0"));
    CHECK(contains(escaped, "&lt;b&gt;&amp;"));
    CHECK_FALSE(contains(escaped, "<b>&"));
}

TEST_CASE("failures are written as report, JSON and swimlanes; the runner prints any of them") {
    const auto dir = std::filesystem::temp_directory_path() / "lockstep-test-export";
    std::filesystem::remove_all(dir);
    lockstep::options o;
    o.failure_dir = dir.string();
    o.name = "exported";
    const auto r = lockstep::explore([] { LOCKSTEP_ASSERT(false); }, o);
    REQUIRE(r.failure);
    const auto read = [](const std::filesystem::path& p) {
        std::ifstream in(p);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    };
    CHECK(read(dir / "lockstep-tests.exported.txt") == r.failure->report());
    CHECK(read(dir / "lockstep-tests.exported.json") == lockstep::to_json(*r.failure));
    CHECK(read(dir / "lockstep-tests.exported.html") == lockstep::to_swimlanes(*r.failure));
    std::filesystem::remove_all(dir);

    const auto found = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false);
    REQUIRE(found.failure);
    for (const char* format : {"json", "html"}) {
        CAPTURE(format);
        std::ostringstream out, err;
        const char* argv[] = {"lockstep-models", "--replay", "s08_ab_ba_deadlock", found.failure->token.c_str(),
                              "--format", format};
        CHECK(lockstep::run_models(lockstep::models::catalog(), 6, argv, out, err) == 1);
        if (std::string_view(format) == "json") CHECK(out.str() == lockstep::to_json(*found.failure));
        else CHECK(out.str() == lockstep::to_swimlanes(*found.failure));
    }
    std::ostringstream out, err;
    const char* bad[] = {"lockstep-models", "--format", "xml"};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 3, bad, out, err) == 2);
    CHECK(contains(err.str(), "--format takes text, json or html"));
}
