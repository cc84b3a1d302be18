// Where a long run is: the size of the space estimated before a search (random
// probes, Knuth's estimator) and during it (the share of the tree done), budgets
// of executions and time, and the line that says how much a cut search covered.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "budget.hpp"
#include "catalog.hpp"
#include "environment_guard.hpp"
#include "estimate.hpp"
#include "program_generator.hpp"
#include "progress.hpp"

namespace {

using lockstep::testing::environment_guard;
using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

struct sized_model {
    std::string name;
    std::function<void()> body;
    lockstep::options settings;
};

// Models small enough for dfs to finish, of various shapes: locks, semaphores,
// conditions, barriers, atomics, weak memory.
std::vector<sized_model> small_models() {
    std::vector<sized_model> out;
    for (const char* name : {"s02_with_lock", "s03_safe_counter", "s12_semaphore_workers", "s13_connection_pool",
                             "s16_event_start_gun", "s18_condition_while", "s20_notify_all", "s22_barrier_phases",
                             "s23_iterative_barrier", "s24_rate_limiter", "s26_rwlock_semaphore"}) {
        const auto& m = lockstep::models::find(name);
        out.push_back({name, m.body, m.settings});
    }
    out.push_back({"mutex_counter(3,2)", lockstep::models::mutex_counter(3, 2), {}});
    out.push_back({"readers(6)", lockstep::models::readers(6), {}});
    out.push_back({"lastzero(3)", lockstep::models::lastzero(3), {}});
    out.push_back({"lost_update(2,2)", lockstep::models::lost_update(2, 2), {}});
    return out;
}

lockstep::result search(const sized_model& m, lockstep::strategy s, std::uint64_t max_executions = 0) {
    lockstep::options o = m.settings;
    o.strategy = s;
    o.stop_on_failure = false;
    o.max_executions = max_executions;
    return lockstep::explore(m.body, o);
}

lockstep::size_estimate probe(const sized_model& m, lockstep::strategy s, std::uint64_t probes, std::uint64_t seed = 1) {
    lockstep::options o = m.settings;
    o.strategy = s;
    o.estimate_only = true;
    o.max_executions = probes;
    o.seed = seed;
    const lockstep::result r = lockstep::explore(m.body, o);
    REQUIRE(r.estimate.has_value());
    CHECK(r.executions == probes);
    CHECK(r.estimate->probes == probes);
    return *r.estimate;
}

double ratio(double estimate, double truth) { return estimate / truth; }

} // namespace

TEST_CASE("probes estimate dfs's executions within a factor of 1.5 on models with known counts") {
    for (const sized_model& m : small_models()) {
        CAPTURE(m.name);
        const lockstep::result full = search(m, lockstep::strategy::dfs, 300'000);
        if (!full.complete) {
            MESSAGE(m.name, ": dfs did not finish within 300,000 executions, skipped");
            continue;
        }
        const auto truth = static_cast<double>(full.executions);
        const lockstep::size_estimate e = probe(m, lockstep::strategy::dfs, 2'000);
        MESSAGE(fmt::format("{}: dfs {} executions, probes {:.0f} ({:.0f} to {:.0f}), ratio {:.2f}", m.name,
                            full.executions, e.executions, e.low, e.high, ratio(e.executions, truth)));
        CHECK(e.low <= e.executions);
        CHECK(e.executions <= e.high);
        CHECK(ratio(e.executions, truth) >= 1 / 1.5);
        CHECK(ratio(e.executions, truth) <= 1.5);
    }
}

TEST_CASE("dpor estimates from the share of its tree its first executions covered: within 2x from a quarter") {
    for (const sized_model& m : small_models()) {
        CAPTURE(m.name);
        const lockstep::result full = search(m, lockstep::strategy::dpor, 300'000);
        REQUIRE(full.complete);
        const auto truth = static_cast<double>(full.executions);
        lockstep::options o = m.settings;
        o.strategy = lockstep::strategy::dpor;
        o.estimate_only = true;
        o.max_executions = (full.executions + 3) / 4;
        const lockstep::result quarter = lockstep::explore(m.body, o);
        REQUIRE(quarter.estimate.has_value());
        CHECK(quarter.executions == o.max_executions);
        CHECK(!quarter.complete);
        CHECK(quarter.estimate->probes == 0);
        MESSAGE(fmt::format("{}: dpor {} executions; from the first {}: {:.0f}, ratio {:.2f}", m.name,
                            full.executions, o.max_executions, quarter.estimate->executions,
                            ratio(quarter.estimate->executions, truth)));
        CHECK(ratio(quarter.estimate->executions, truth) >= 0.5);
        CHECK(ratio(quarter.estimate->executions, truth) <= 2);
        o.max_executions = full.executions + 1;  // the whole space fits: its size is known
        const lockstep::result all = lockstep::explore(m.body, o);
        REQUIRE(all.estimate.has_value());
        CHECK(all.complete);  // it was the whole search
        CHECK(all.estimate->executions == truth);
        CHECK(all.estimate->high == truth);
        CHECK(contains(all.describe(), fmt::format("\nestimate: {} executions (the whole space, searched)",
                                                   lockstep::detail::grouped(truth))));
    }
    // Larger spaces from their first 1,000 executions (the default).
    struct larger {
        std::string name;
        std::function<void()> body;
        double truth;  // asserted by test_dpor.cpp and the benchmarks
    };
    for (const larger& m : {larger{"mutex_counter(3,3)", lockstep::models::mutex_counter(3, 3), 1680},
                            larger{"mutex_counter(4,2)", lockstep::models::mutex_counter(4, 2), 2520},
                            larger{"readers(12)", lockstep::models::readers(12), 4096},
                            larger{"mutex_counter(4,3)", lockstep::models::mutex_counter(4, 3), 369'600},
                            larger{"readers(16)", lockstep::models::readers(16), 65'536},
                            larger{"lastzero(8)", lockstep::models::lastzero(8), 0}}) {
        CAPTURE(m.name);
        lockstep::options o;
        o.estimate_only = true;
        const lockstep::result r = lockstep::explore(m.body, o);
        REQUIRE(r.estimate.has_value());
        double truth = m.truth;  // mutex_counter(T,K): (T*K)!/(K!)^T traces; readers(N): 2^N
        if (truth == 0) truth = static_cast<double>(lockstep::explore(m.body).executions);
        MESSAGE(fmt::format("{}: dpor {:.0f} executions; from the first 1,000: {:.0f}, ratio {:.2f}; at least {:.0f}, "
                            "dfs's probes {:.0f}",
                            m.name, truth, r.estimate->executions, ratio(r.estimate->executions, truth),
                            r.estimate->low, r.estimate->high));
        // What holds however large the space: a sure lower bound and, from dfs's probes, an upper one.
        CHECK(r.estimate->low <= truth);
        CHECK(r.estimate->high >= truth);
        // Once the first 1,000 are a few percent of the space, within 2x.
        if (truth <= 25'000) {
            CHECK(ratio(r.estimate->executions, truth) >= 0.5);
            CHECK(ratio(r.estimate->executions, truth) <= 2);
        }
    }
}

TEST_CASE("during dfs and dpor the estimate converges: exact at dfs's last execution, within a factor midway") {
    for (const sized_model& m : small_models()) {
        CAPTURE(m.name);
        for (const auto s : {lockstep::strategy::dfs, lockstep::strategy::dpor}) {
            CAPTURE(static_cast<int>(s));
            lockstep::options o = m.settings;
            o.strategy = s;
            o.stop_on_failure = false;
            o.max_executions = 300'000;
            std::vector<double> estimates;
            bool counted = true;
            o.progress = [&](const lockstep::progress_report& p) {
                counted = counted && p.executions == estimates.size() + 1;
                estimates.push_back(p.estimate);
            };
            const lockstep::result full = lockstep::explore(m.body, o);
            if (!full.complete) continue;
            const auto truth = static_cast<double>(full.executions);
            REQUIRE(estimates.size() == full.executions);
            CHECK(counted);
            CHECK(!full.estimate);  // a finished search needs none
            CHECK(full.stopped == lockstep::stop_reason::finished);
            if (s == lockstep::strategy::dfs) CHECK(estimates.back() == doctest::Approx(truth));
            // A quarter and half way through, as a budget would cut it.
            for (const double at : {0.25, 0.5}) {
                const auto n = static_cast<std::uint64_t>(std::ceil(truth * at));
                const lockstep::result cut = search(m, s, n);
                REQUIRE(cut.estimate.has_value());
                CHECK(cut.stopped == lockstep::stop_reason::max_executions);
                CHECK(cut.estimate->executions == doctest::Approx(estimates[n - 1]));
                CHECK(cut.estimate->low >= static_cast<double>(n));
                if (s == lockstep::strategy::dfs) CHECK(cut.estimate->low <= truth);
                MESSAGE(fmt::format("{} {}: {} executions of {}: estimate {:.0f} (ratio {:.2f}), at least {:.0f}",
                                    m.name, s == lockstep::strategy::dfs ? "dfs" : "dpor", n, full.executions,
                                    cut.estimate->executions, ratio(cut.estimate->executions, truth),
                                    cut.estimate->low));
            }
        }
    }
}

TEST_CASE("a search cut by max_executions says so, with how much of the estimated space it covered") {
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    o.max_executions = 100;
    const lockstep::result cut = lockstep::explore(lockstep::models::mutex_counter(3, 2), o);
    CHECK(cut.executions == 100);
    CHECK(!cut.complete);
    CHECK(cut.stopped == lockstep::stop_reason::max_executions);
    REQUIRE(cut.estimate.has_value());
    CHECK(cut.estimate->probes == 0);
    const std::string text = cut.describe();
    CHECK(contains(text, "\nstopped by max_executions after 100 executions (about "));
    CHECK(contains(text, "% of an estimated "));
    CHECK(lockstep::detail::stop_line(cut).starts_with("stopped by max_executions after 100 executions (about "));

    o.max_executions = 0;  // the whole search: no such line
    const lockstep::result whole = lockstep::explore(lockstep::models::mutex_counter(3, 2), o);
    CHECK(whole.complete);
    CHECK(whole.stopped == lockstep::stop_reason::finished);
    CHECK(!contains(whole.describe(), "stopped by"));
    CHECK(lockstep::detail::stop_line(whole).empty());

    lockstep::result failed = lockstep::explore(lockstep::models::lost_update(2, 2), o);
    CHECK(!failed.ok());
    CHECK(failed.stopped == lockstep::stop_reason::failure);
    CHECK(contains(failed.describe(), "stopped by failure after "));
}

TEST_CASE("the stop line's figures") {
    lockstep::result r;
    r.executions = 1'234'567;
    r.stopped = lockstep::stop_reason::max_time;
    CHECK(lockstep::detail::stop_line(r) == "stopped by max_time after 1,234,567 executions");
    r.estimate = lockstep::size_estimate{.executions = 10'000'000, .low = 1'300'000};
    CHECK(lockstep::detail::stop_line(r) ==
          "stopped by max_time after 1,234,567 executions (about 12% of an estimated 10,000,000)");
    r.estimate->executions = 400'000'000;
    CHECK(lockstep::detail::stop_line(r) ==
          "stopped by max_time after 1,234,567 executions (about 0.31% of an estimated 400,000,000)");
    CHECK(lockstep::detail::grouped(0) == "0");
    CHECK(lockstep::detail::grouped(999) == "999");
    CHECK(lockstep::detail::grouped(1000) == "1,000");
    CHECK(lockstep::detail::grouped(123456.4) == "123,456");
    CHECK(lockstep::detail::estimate_line({.executions = 12'345, .low = 10'000, .high = 14'690, .probes = 1000},
                                          1000) ==
          "about 12,345 executions (10,000 to 14,690, from 1,000 probes), about 12 s at the measured rate");
    CHECK(lockstep::detail::estimate_line({.executions = 50, .low = 20}, 0) ==
          "about 50 executions (at least 20; from the share of the tree searched)");
    CHECK(lockstep::detail::estimate_line({.executions = 50, .low = 20, .high = 4000}, 0) ==
          "about 50 executions (at least 20, at most about 4,000 as dfs; from the share of the tree searched, low "
          "early in a large space)");
    CHECK(lockstep::detail::estimate_line({.executions = 90, .low = 90, .high = 90}, 30) ==
          "90 executions (the whole space, searched), about 3.0 s at the measured rate");
}

TEST_CASE("max_time stops dfs, dpor, iterative rounds and parallel random search") {
    // Each execution sleeps 2 ms of real time (not the model's), over a space of thousands.
    const auto slow = [] {
        std::this_thread::sleep_for(2ms);
        lockstep::models::mutex_counter(3, 2)();
    };
    for (const auto s : {lockstep::strategy::dfs, lockstep::strategy::dpor, lockstep::strategy::random}) {
        CAPTURE(static_cast<int>(s));
        lockstep::options o;
        o.strategy = s;
        o.max_time = 100ms;
        if (s == lockstep::strategy::random) o.workers = 2;
        const lockstep::result r = lockstep::explore(slow, o);
        CHECK(r.stopped == lockstep::stop_reason::max_time);
        CHECK(!r.complete);
        CHECK(r.executions >= 1);
        // At least 2 ms each, none started after 100 ms: at most 51 per worker.
        CHECK(r.executions <= (s == lockstep::strategy::random ? 102u : 51u));
        CHECK(contains(r.describe(), "stopped by max_time after "));
        if (s != lockstep::strategy::random) {
            REQUIRE(r.estimate.has_value());
            CHECK(contains(r.describe(), "% of an estimated "));
        }
    }
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    o.iterative_preemption_bound = true;
    o.preemption_bound = 10;
    o.max_time = 100ms;
    const lockstep::result r = lockstep::explore(slow, o);
    CHECK(r.stopped == lockstep::stop_reason::max_time);
    CHECK(r.executions <= 51);

    o = {};  // probes too: the estimate of the probes that ran
    o.strategy = lockstep::strategy::dfs;
    o.estimate_only = true;
    o.max_executions = 1'000'000;
    o.max_time = 100ms;
    const lockstep::result probed = lockstep::explore(slow, o);
    CHECK(probed.stopped == lockstep::stop_reason::max_time);
    CHECK(probed.executions <= 51);
    REQUIRE(probed.estimate.has_value());
    CHECK(probed.estimate->probes == probed.executions);
    CHECK(contains(probed.describe(), "\nstopped by max_time after "));
    CHECK(contains(probed.describe(), "\nestimate: about "));
}

TEST_CASE("durations: 30s, 5m, 1h, 1h30m, 500ms; anything else is refused") {
    using lockstep::detail::parse_duration;
    CHECK(parse_duration("30s") == 30s);
    CHECK(parse_duration("5m") == 5min);
    CHECK(parse_duration("1h") == 1h);
    CHECK(parse_duration("1h30m") == 90min);
    CHECK(parse_duration("500ms") == 500ms);
    CHECK(parse_duration("0") == 0ms);
    for (const char* bad : {"", "30", "s", "-5s", "5 s", "5x", "1.5h", "5sm", "99999999999999999999h"}) {
        CAPTURE(bad);
        CHECK(!parse_duration(bad));
    }
}

TEST_CASE("LOCKSTEP_MAX_TIME and LOCKSTEP_ESTIMATE set the options; malformed values are refused by name") {
    const auto error_of = [](const char* name, const char* value) {
        const environment_guard guard(name, value);
        try {
            (void)lockstep::explore([] {});
        } catch (const lockstep::usage_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error_of("LOCKSTEP_MAX_TIME", "10") ==
          "lockstep: LOCKSTEP_MAX_TIME=\"10\" is not a duration: expected a number and a unit, e.g. 30s, 5m, 1h, "
          "1h30m, 500ms (0 = no limit)");
    CHECK(contains(error_of("LOCKSTEP_MAX_TIME", "fast"), "LOCKSTEP_MAX_TIME=\"fast\" is not a duration"));
    CHECK(contains(error_of("LOCKSTEP_ESTIMATE", "yes"), "LOCKSTEP_ESTIMATE=\"yes\" is not a switch: expected 0 (off) or 1 (on)"));
    CHECK(error_of("LOCKSTEP_MAX_TIME", "1h") == "no error");
    lockstep::options negative;
    negative.max_time = -1ms;
    CHECK_THROWS_WITH_AS((void)lockstep::explore([] {}, negative),
                         "lockstep::explore: options.max_time = -1 ms is negative (zero is no limit)",
                         lockstep::usage_error);

    {
        const environment_guard guard("LOCKSTEP_ESTIMATE", "1");
        const lockstep::result r = lockstep::explore(lockstep::models::mutex_counter(3, 2));
        REQUIRE(r.estimate.has_value());
        CHECK(r.estimate->probes == 0);  // dpor, the default strategy: its first 1,000 executions
        CHECK(r.estimate->executions == 90);  // are all of them
        CHECK(contains(r.describe(), "\nestimate: 90 executions (the whole space, searched)"));
        const environment_guard dfs("LOCKSTEP_STRATEGY", "dfs");
        const lockstep::result probed = lockstep::explore(lockstep::models::mutex_counter(3, 2));
        REQUIRE(probed.estimate.has_value());
        CHECK(probed.estimate->probes == 1'000);
        CHECK(probed.executions == 1'000);
        CHECK(contains(probed.describe(), "\nestimate: about "));
    }
    {
        const environment_guard guard("LOCKSTEP_MAX_TIME", "50ms");
        const lockstep::result r = lockstep::explore([] {
            std::this_thread::sleep_for(2ms);
            lockstep::models::mutex_counter(3, 2)();
        });
        CHECK(r.stopped == lockstep::stop_reason::max_time);
    }
}

TEST_CASE("a progress line with an estimate or a time budget") {
    using lockstep::detail::progress_meter;
    CHECK(progress_meter::line("m", {.executions = 250, .estimate = 1000, .seconds = 5.0}) ==
          "m: 250 executions (about 25% of an estimated 1,000), 50/s, 5.0 s elapsed, about 15 s left");
    CHECK(progress_meter::line("m", {.executions = 250, .seconds = 5.0, .max_seconds = 8}) ==
          "m: 250 executions, 50/s, 5.0 s elapsed, about 3.0 s left (max_time)");
    CHECK(progress_meter::line("m", {.executions = 250, .estimate = 1000, .seconds = 5.0, .max_seconds = 60}) ==
          "m: 250 executions (about 25% of an estimated 1,000), 50/s, 5.0 s elapsed, about 15 s left");
    CHECK(progress_meter::line("m", {.executions = 250, .budget = 500, .estimate = 400, .seconds = 5.0}) ==
          "m: 250 executions (50% of 500; an estimated 400 in all), 50/s, 5.0 s elapsed, about 3.0 s left");
}

TEST_CASE("lockstep-models --estimate prints each model's estimate; --max-time cuts and says how far") {
    const lockstep::model models[] = {lockstep::models::find("s02_with_lock")};
    const auto run = [&](std::vector<const char*> argv) {
        std::ostringstream out, err;
        const int code = lockstep::run_models(models, static_cast<int>(argv.size()), argv.data(), out, err);
        return std::tuple{code, out.str(), err.str()};
    };
    const auto [code, out, err] = run({"lockstep-models", "--estimate", "--strategy", "dfs", "--max-executions", "200"});
    CHECK(code == 0);
    CHECK(out.starts_with("s02_with_lock: about "));
    CHECK(contains(out, " executions ("));
    CHECK(contains(out, "from 200 probes), about "));
    CHECK(contains(out, " at the measured rate\n"));

    const auto [code2, out2, err2] = run({"lockstep-models", "--strategy", "dfs", "--max-executions", "10"});
    CHECK(code2 == 1);  // a PASS without the whole space is no proof
    CHECK(contains(out2, "\ns02_with_lock: stopped by max_executions after 10 executions (about "));

    const auto [code3, out3, err3] = run({"lockstep-models", "--max-time", "soon"});
    CHECK(code3 == 2);
    CHECK(contains(err3, "--max-time needs a duration"));
}
