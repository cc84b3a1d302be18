// The runner in CI: JUnit XML, progress on stderr, the binary's own name in its
// output, failure files that do not overwrite each other, and the list that
// lockstep_discover_models reads.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unistd.h>  // getpid
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"
#include "progress.hpp"

namespace {

// Per process: two checkouts' test runs on one machine must not share a file.
std::string unique_name(std::string_view base) { return std::string(base) + "-" + std::to_string(::getpid()); }

using lockstep::models::find;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, std::string_view part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct run_output {
    int code;
    std::string out, err;
};

run_output run(std::span<const lockstep::model> models, std::vector<const char*> argv) {
    std::ostringstream out, err;
    const int code = lockstep::run_models(models, static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
}

// A model whose name and failure message are full of XML's special characters,
// expected to pass, so its test case fails.
lockstep::model odd_model() {
    lockstep::model m;
    m.name = "odd<&\"'>";
    m.body = [] { LOCKSTEP_ASSERT(1 < 0, "a <b> & \"c\"\x01"); };
    return m;
}

} // namespace

TEST_CASE("--junit writes one testcase per model, a failure for each unexpected verdict") {
    const auto file = std::filesystem::temp_directory_path() / (unique_name("lockstep-test-junit") + ".xml");
    std::filesystem::remove(file);
    const lockstep::model models[] = {find("s08_ab_ba_deadlock"), find("s02_with_lock"), odd_model()};
    const auto r = run(models, {"/opt/ci/my-models", "--junit", file.c_str()});
    CHECK(r.code == 1);  // the odd model fails
    const std::string xml = read(file);
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"my-models\" tests=\"3\" "
                          "failures=\"1\" errors=\"0\""));
    CHECK(count(xml, "<testcase ") == 3);
    CHECK(contains(xml, "<testcase classname=\"my-models\" name=\"s02_with_lock\" time=\""));
    CHECK(count(xml, "<failure ") == 1);
    // The expected deadlock passes, with its replay line for whoever reads the log.
    CHECK(contains(xml, "<system-out>FAIL deadlock as expected: deadlock: every thread is blocked\n"
                        "replay: my-models --replay s08_ab_ba_deadlock ls2-"));
    // The odd model: escaped in attributes and text, its report ends with the replay line.
    CHECK(contains(xml, "name=\"odd&lt;&amp;&quot;&apos;&gt;\""));
    CHECK(contains(xml, "<failure message=\"expected PASS, got FAIL assertion: assertion failed: 1 &lt; 0 (a &lt;b&gt; "
                        "&amp; &quot;c&quot;\xEF\xBF\xBD)\" type=\"FAIL assertion\">lockstep: assertion in odd&lt;&amp;"));
    const auto replay = xml.find("replay: my-models --replay odd&lt;&amp;\"'&gt; ls2-");
    REQUIRE(replay != std::string::npos);
    CHECK(xml.find("\n</failure>", replay) == xml.find('\n', replay));  // the last line of the failure's text
    CHECK_FALSE(contains(xml, "\x01"));
    CHECK_FALSE(contains(xml, "<b>"));
    std::filesystem::remove(file);

    const auto bad = run(models, {"my-models", "--junit", "/nonexistent-dir/x.xml", "s02_with_lock"});
    CHECK(bad.code == 2);
    CHECK(contains(bad.err, "my-models: cannot write the JUnit file /nonexistent-dir/x.xml"));
}

TEST_CASE("the runner names the binary it runs as, in usage, errors and replay lines") {
    const auto help = run(lockstep::models::catalog(), {"/usr/local/bin/bank-models", "--help"});
    CHECK(help.out.starts_with("usage: bank-models [options]"));
    const auto wrong = run(lockstep::models::catalog(), {"./bank-models", "--bogus"});
    CHECK(wrong.err.starts_with("bank-models: unknown option --bogus\nusage: bank-models [options]"));
    const auto found = run(lockstep::models::catalog(), {"./bank-models", "s08_ab_ba_deadlock", "--details"});
    CHECK(found.code == 0);
    CHECK(contains(found.out, "replay s08_ab_ba_deadlock: bank-models --replay s08_ab_ba_deadlock ls2-"));
    CHECK(contains(found.out, "\nreplay: bank-models --replay s08_ab_ba_deadlock ls2-"));  // the report's line
    CHECK_FALSE(contains(found.out + found.err, "lockstep-models"));
}

TEST_CASE("failure files of different binaries and models do not overwrite each other") {
    const auto dir = std::filesystem::temp_directory_path() / unique_name("lockstep-test-failure-files");
    std::filesystem::remove_all(dir);
    const auto r = run(lockstep::models::catalog(),
                       {"lockstep-models", "--failures-dir", dir.c_str(), "s08_ab_ba_deadlock", "s01_lost_update"});
    CHECK(r.code == 0);
    // The program is the test binary (argv[0] of the process), then the model.
    CHECK(contains(read(dir / "lockstep-tests.s08_ab_ba_deadlock.txt"), "lockstep: deadlock in s08_ab_ba_deadlock"));
    CHECK(contains(read(dir / "lockstep-tests.s01_lost_update.txt"), "in s01_lost_update"));
    CHECK(std::filesystem::exists(dir / "lockstep-tests.s01_lost_update.json"));

    // Unnamed models (tests calling explore) are told apart by their tokens.
    lockstep::options o;
    o.failure_dir = dir.string();
    const auto a = lockstep::explore(find("s08_ab_ba_deadlock").body, o);
    const auto b = lockstep::explore(find("s01_lost_update").body, o);
    REQUIRE(a.failure);
    REQUIRE(b.failure);
    std::vector<std::string> unnamed;
    for (const auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().filename().string().starts_with("lockstep-tests.model-") && f.path().extension() == ".txt")
            unnamed.push_back(read(f.path()));
    REQUIRE(unnamed.size() == 2);
    CHECK(unnamed[0] != unnamed[1]);
    std::filesystem::remove_all(dir);
}

TEST_CASE("--list-names lists each model with its expected verdict, for lockstep_discover_models") {
    const auto r = run(lockstep::models::catalog(), {"lockstep-models", "--list-names"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "\ns08_ab_ba_deadlock\tFAIL deadlock\n"));
    CHECK(contains(r.out, "\ns02_with_lock\tPASS\n"));
    CHECK(count(r.out, "\n") == lockstep::models::catalog().size());
}

TEST_CASE("a progress line gives executions, rate, elapsed and, with a budget, the time left") {
    using lockstep::detail::progress_meter;
    CHECK(progress_meter::line("s02", {.executions = 250, .budget = 1000, .seconds = 5.0}) ==
          "s02: 250 executions (25% of 1000), 50/s, 5.0 s elapsed, about 15 s left");
    CHECK(progress_meter::line("s02", {.executions = 250, .seconds = 125.0}) == "s02: 250 executions, 2/s, 2 min 05 s elapsed");

    // In a log: nothing before the first interval, then a whole line per interval.
    std::ostringstream log;
    progress_meter meter(log, false, std::chrono::seconds(10));
    const auto t0 = progress_meter::clock::time_point{};
    meter.start("m", t0);
    meter.update({.executions = 1}, t0 + std::chrono::seconds(9));
    CHECK(log.str().empty());
    meter.update({.executions = 2}, t0 + std::chrono::seconds(10));
    meter.update({.executions = 3}, t0 + std::chrono::seconds(15));
    meter.update({.executions = 4}, t0 + std::chrono::seconds(20));
    CHECK(log.str() == "m: 2 executions, 0/s, 10 s elapsed\nm: 4 executions, 0/s, 20 s elapsed\n");

    // On a terminal: the line is redrawn in place and cleared when the model is done.
    std::ostringstream tty;
    progress_meter redraw(tty, true, std::chrono::seconds(1));
    redraw.start("m", t0);
    redraw.update({.executions = 10, .budget = 20}, t0 + std::chrono::seconds(1));
    redraw.finish();
    CHECK(tty.str() == "\rm: 10 executions (50% of 20), 10/s, 1.0 s elapsed, about 1.0 s left\x1b[K\r\x1b[K");
}

TEST_CASE("--progress shows a long run's progress on stderr; without it a non-terminal gets none") {
    lockstep::model slow;
    slow.name = "slow";
    slow.body = [] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); };  // real time, not the model's
    slow.settings.strategy = lockstep::strategy::random;
    slow.settings.max_executions = 30;
    const lockstep::model models[] = {slow};
    const auto quiet = run(models, {"lockstep-models"});
    CHECK(quiet.code == 0);
    CHECK(quiet.err.empty());
    const auto shown = run(models, {"lockstep-models", "--progress-every", "0.05"});
    CHECK(shown.code == 0);
    // 30 executions of at least 10 ms, a line at most every 60 ms: at least three lines.
    CHECK(count(shown.err, "\n") >= 3);
    // e.g. "slow: 6 executions (20% of 30), 98/s, 0.1 s elapsed, about 0.2 s left"
    const std::string first = shown.err.substr(0, shown.err.find('\n'));
    CHECK(first.starts_with("slow: "));
    CHECK(contains(first, " executions ("));
    CHECK(contains(first, "% of 30), "));
    CHECK(contains(first, "/s, "));
    CHECK(contains(first, " s elapsed, about "));
    CHECK(first.ends_with(" s left"));
    CHECK(run(models, {"lockstep-models", "--progress-every", "0"}).code == 2);
}

TEST_CASE("options.progress counts every execution, with the budget when one is known") {
    struct seen {
        std::uint64_t calls = 0, last = 0, budget = 99;
        bool increasing = true;
    };
    auto watch = [](seen& s) {
        return [&s](const lockstep::progress_report& p) {
            s.increasing = s.increasing && p.executions > s.last;
            ++s.calls;
            s.last = p.executions;
            s.budget = p.budget;
        };
    };
    const auto body = find("s02_with_lock").body;
    lockstep::options o;
    seen exhaustive;
    o.progress = watch(exhaustive);
    const auto r = lockstep::explore(body, o);
    CHECK(exhaustive.calls == r.executions);
    CHECK(exhaustive.last == r.executions);
    CHECK(exhaustive.budget == 0);  // dpor's size is unknown until it ends
    CHECK(exhaustive.increasing);

    seen random;
    o.strategy = lockstep::strategy::random;
    o.progress = watch(random);
    CHECK(lockstep::explore(body, o).executions == 10'000);
    CHECK(random.last == 10'000);
    CHECK(random.budget == 10'000);  // random search's default budget

    seen parallel;  // one worker reports the count of all
    o.workers = 2;
    o.max_executions = 400;
    o.progress = watch(parallel);
    (void)lockstep::explore(body, o);
    CHECK(parallel.budget == 400);
    CHECK(parallel.calls >= 200);
    CHECK(parallel.last <= 400);
    CHECK(parallel.increasing);

    seen rounds;  // iterative bounding counts over its rounds
    o = {};
    o.strategy = lockstep::strategy::dfs;
    o.iterative_preemption_bound = true;
    o.preemption_bound = 2;
    o.progress = watch(rounds);
    const auto iterative = lockstep::explore(body, o);
    CHECK(rounds.last == iterative.executions);
    CHECK(rounds.increasing);
}
