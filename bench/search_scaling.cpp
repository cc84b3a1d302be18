// Search scaling: dfs (every interleaving) against dpor (one execution per
// Mazurkiewicz trace) on two families whose trace counts are known:
//   mutex_counter(T, K): T threads each doing K lock/++/unlock on one mutex,
//                        (T*K)! / (K!)^T traces (the lock orders);
//   readers(N):          one store and N loads of one atomic, 2^N traces.
// dfs runs under an execution cap, so sizes it cannot finish show as
// "> N executions, not complete" instead of running for hours.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {
using lockstep::models::mutex_counter;
using lockstep::models::readers;


std::uint64_t factorial(std::uint64_t n) { return n <= 1 ? 1 : n * factorial(n - 1); }

constexpr std::uint64_t dfs_cap = 2'000'000;

std::string cell(const lockstep::result& r) {
    if (!r.complete) return fmt::format("> {} executions, not complete ({:.2f} s)", r.executions, r.seconds);
    std::string text = fmt::format("{} executions, {:.3f} s", r.executions, r.seconds);
    if (r.redundant_executions) text += fmt::format(" ({} redundant)", r.redundant_executions);
    if (!r.ok()) text += " FAILED";
    return text;
}

void row(const std::string& name, std::uint64_t traces, const std::function<void()>& model, bool run_dfs) {
    std::string dfs_text = "not run";
    if (run_dfs) {
        lockstep::options o;
        o.strategy = lockstep::strategy::dfs;
        o.max_executions = dfs_cap;
        dfs_text = cell(lockstep::explore(model, o));
    }
    lockstep::options o;
    o.strategy = lockstep::strategy::dpor;
    const std::string dpor_text = cell(lockstep::explore(model, o));
    std::printf("| %-20s | %10llu | %-48s | %-36s |\n", name.c_str(), static_cast<unsigned long long>(traces),
                dfs_text.c_str(), dpor_text.c_str());
    std::fflush(stdout);
}

} // namespace

int main() {
    std::printf("dfs is capped at %llu executions per run; dpor runs to completion.\n\n",
                static_cast<unsigned long long>(dfs_cap));
    std::printf("| %-20s | %10s | %-48s | %-36s |\n", "model", "traces", "dfs", "dpor");
    std::printf("|%s|%s|%s|%s|\n", std::string(22, '-').c_str(), std::string(12, '-').c_str(),
                std::string(50, '-').c_str(), std::string(38, '-').c_str());
    const int sizes[][2] = {{2, 1}, {2, 2}, {3, 1}, {2, 3}, {3, 2}, {3, 3}, {4, 2}};
    for (const auto& s : sizes) {
        const int t = s[0], k = s[1];
        std::uint64_t d = 1;
        for (int i = 0; i < t; ++i) d *= factorial(static_cast<std::uint64_t>(k));
        const std::uint64_t traces = factorial(static_cast<std::uint64_t>(t * k)) / d;
        row(fmt::format("mutex_counter({},{})", t, k), traces, mutex_counter(t, k), !(t == 4 && k == 2));
    }
    for (int n = 2; n <= 12; ++n)
        row(fmt::format("readers({})", n), std::uint64_t{1} << n, readers(n), true);
    return 0;
}
