// Bug hunting: how many executions random search and PCT need to find a known
// bug, over many seeds. For each model and strategy: the median and the worst
// number of executions up to and including the first failing one, and how many
// seeds did not find it within the budget. Exhaustive dfs and iterative
// preemption bounding (seed-independent) are given for reference. A last,
// extra model shows where PCT beats a uniformly random walk.
//
// usage: bench-bug_hunt [--seeds N] [--budget N] [--markdown]
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {

struct target {
    std::string label;
    std::function<void()> body;  // empty: not in the catalogue (yet)
    lockstep::options settings;
    // The failure searched for; another (a lock-order inversion reported when the
    // deadlock itself was not reached) does not count as finding it.
    lockstep::failure_kind expected = lockstep::failure_kind::assertion;
};

struct technique {
    std::string label;
    lockstep::strategy strategy;
    std::uint64_t depth = 0;
    bool iterative = false;
    bool seeded = true;
};

std::optional<target> by_scenario(std::string_view scenario) {
    for (const lockstep::model& m : lockstep::models::catalog())
        if (m.scenario == scenario && m.expected_failure)
            return target{fmt::format("{} {}", scenario, m.name), m.body, m.settings, *m.expected_failure};
    return std::nullopt;
}

std::optional<target> by_name(std::string_view name, std::string_view scenario) {
    for (const lockstep::model& m : lockstep::models::catalog())
        if (m.name == name && m.expected_failure)
            return target{fmt::format("{} {}", scenario, m.name), m.body, m.settings, *m.expected_failure};
    return std::nullopt;
}

// Not a catalogue scenario: a bug that needs one thread to take many steps in a
// row before another moves (depth 1 for PCT, probability 2^-steps for random).
std::function<void()> late_reader(int steps) {
    return [steps] {
        lockstep::atomic<int> work(0, "work"), done(0, "done");
        lockstep::thread writer([&] {
            for (int i = 0; i < steps; ++i) work.store(i);
            done.store(1);
        });
        lockstep::thread reader([&] { LOCKSTEP_ASSERT(done.load() == 0, "the reader came after all the work"); });
        writer.join();
        reader.join();
    };
}

std::uint64_t parse(const char* s, std::uint64_t fallback) {
    std::uint64_t v = 0;
    const std::string_view text(s);
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && p == text.data() + text.size() ? v : fallback;
}

} // namespace

int main(int argc, char** argv) {
    std::uint64_t seeds = 100, budget = 10'000;
    bool markdown = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--seeds" && i + 1 < argc) seeds = parse(argv[++i], seeds);
        else if (arg == "--budget" && i + 1 < argc) budget = parse(argv[++i], budget);
        else if (arg == "--markdown") markdown = true;
        else {
            std::fprintf(stderr, "usage: bench-bug_hunt [--seeds N] [--budget N] [--markdown]\n");
            return 2;
        }
    }

    std::vector<std::pair<std::string, std::optional<target>>> targets;
    targets.emplace_back("S08", by_name("s08_ab_ba_deadlock", "S08"));
    targets.emplace_back("S19", by_scenario("S19"));
    targets.emplace_back("S20", by_scenario("S20"));
    targets.emplace_back("S01", target{"S01 lost_update(4 threads x 3)", lockstep::models::lost_update(4, 3), {}});
    targets.emplace_back("S17", by_name("s17_event_toggle", "S17"));
    targets.emplace_back("extra", target{"extra: late reader (after 20 writer steps)", late_reader(20), {}});

    const std::vector<technique> techniques = {
        {"random", lockstep::strategy::random},
        {"pct d=1", lockstep::strategy::pct, 1},
        {"pct d=2", lockstep::strategy::pct, 2},
        {"pct d=3", lockstep::strategy::pct, 3},
        {"dfs", lockstep::strategy::dfs, 0, false, false},
        {"dfs iterative", lockstep::strategy::dfs, 0, true, false},
    };

    fmt::print("executions to the first failure over seeds 0..{} (budget {} executions per seed)\n\n", seeds - 1,
               budget);
    const char* header[] = {"model", "strategy", "found", "median", "mean", "worst", "missed", "seconds"};
    std::vector<std::array<std::string, 8>> rows;
    auto print_row = [&](const std::array<std::string, 8>& c) {
        if (markdown)
            fmt::print("| {} |\n", fmt::join(c, " | "));
        else
            fmt::print("{:<44} {:<14} {:>7} {:>8} {:>9} {:>8} {:>7} {:>8}\n", c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                       c[7]);
        std::fflush(stdout);
    };
    print_row({header[0], header[1], header[2], header[3], header[4], header[5], header[6], header[7]});
    if (markdown) fmt::print("|---|---|---:|---:|---:|---:|---:|---:|\n");

    for (const auto& [scenario, t] : targets) {
        if (!t) {
            print_row({fmt::format("{} (not in catalogue yet)", scenario), "-", "-", "-", "-", "-", "-", "-"});
            continue;
        }
        for (const technique& how : techniques) {
            const auto start = std::chrono::steady_clock::now();
            std::vector<std::uint64_t> found;  // executions to the first failure, per seed that found it
            std::uint64_t missed = 0;
            const std::uint64_t runs = how.seeded ? seeds : 1;
            for (std::uint64_t seed = 0; seed < runs; ++seed) {
                lockstep::options o = t->settings;
                o.strategy = how.strategy;
                o.seed = seed;
                o.pct_depth = how.depth;
                o.iterative_preemption_bound = how.iterative;
                o.preemption_bound = ~std::uint64_t{0};
                o.max_executions = how.seeded ? budget : 0;
                o.stop_on_failure = true;
                o.failure_dir.clear();
                const lockstep::result r = lockstep::explore(t->body, o);
                if (r.failure && r.failure->kind == t->expected)
                    found.push_back(r.executions);
                else
                    ++missed;
            }
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            // Median and worst over all seeds, a miss counting as more than the budget.
            std::vector<std::uint64_t> all = found;
            all.insert(all.end(), missed, ~std::uint64_t{0});
            std::sort(all.begin(), all.end());
            auto show = [&](std::uint64_t v) {
                return v == ~std::uint64_t{0} ? fmt::format(">{}", budget) : fmt::format("{}", v);
            };
            double mean = 0;
            for (std::uint64_t v : found) mean += static_cast<double>(v);
            if (!found.empty()) mean /= static_cast<double>(found.size());
            print_row({t->label, how.label, fmt::format("{}/{}", found.size(), runs), show(all[all.size() / 2]),
                       found.empty() ? std::string("-") : fmt::format("{:.1f}", mean), show(all.back()),
                       fmt::format("{}", missed), fmt::format("{:.2f}", seconds)});
        }
    }
    fmt::print("\nfound: seeds whose search hit the expected failure within the budget; median and worst over\n"
               "all seeds (a miss counts as more than the budget); mean over the seeds that found it. dfs and\n"
               "dfs iterative (preemption bound 0, 1, 2, ...; executions summed over the rounds) do not depend\n"
               "on the seed.\n");
    return 0;
}
