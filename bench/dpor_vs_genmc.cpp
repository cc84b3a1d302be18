// dpor's cost per execution beside GenMC's (issue 12): readers(N), lastzero(N)
// and mutex_counter(T, K), each explored exhaustively once under dpor. GenMC's
// figures are those measured on this machine kind with GenMC 0.11 (--sc, one
// thread) where the issue gives them; "-" where it does not. Microseconds per
// execution and the ratio to GenMC use CPU time (GenMC's figures are CPU time too).
//
//   bench-dpor_vs_genmc [largest readers N] [largest lastzero N]   (defaults 20, 15)
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {

struct genmc_figure {
    std::optional<std::uint64_t> executions;
    double seconds;
};

std::optional<genmc_figure> genmc(const std::string& name) {
    if (name == "readers(16)") return genmc_figure{65'536, 2.84};
    if (name == "readers(20)") return genmc_figure{1'048'576, 42.0};
    if (name == "lastzero(12)") return genmc_figure{std::nullopt, 2.8};
    if (name == "lastzero(15)") return genmc_figure{147'456, 40.0};
    if (name == "mutex_counter(4,3)") return genmc_figure{369'600, 52.0};
    return std::nullopt;
}

void row(const std::string& name, const std::function<void()>& model) {
    lockstep::options o;
    o.strategy = lockstep::strategy::dpor;
    const std::clock_t start = std::clock();
    const lockstep::result r = lockstep::explore(model, o);
    // CPU time as well as wall time: on a shared machine the wall clock also counts other processes.
    const double cpu = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    const double us = r.executions ? cpu * 1e6 / static_cast<double>(r.executions) : 0;
    std::string theirs = "-", faster = "-";
    if (const auto g = genmc(name)) {
        theirs = g->executions ? fmt::format("{} in {:.2f} s", *g->executions, g->seconds)
                               : fmt::format("{:.2f} s", g->seconds);
        faster = fmt::format("{:.1f}x", g->seconds / cpu);
    }
    fmt::print("| {:<20} | {:>10} | {:>9.3f} | {:>9.3f} | {:>8.2f} | {:>8} | {:<22} | {:>7} |\n", name, r.executions,
               r.seconds, cpu, us, r.complete && r.ok() ? "yes" : "NO", theirs, faster);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    const int readers_max = argc > 1 ? std::atoi(argv[1]) : 20;
    const int lastzero_max = argc > 2 ? std::atoi(argv[2]) : 15;
    fmt::print("| {:<20} | {:>10} | {:>9} | {:>9} | {:>8} | {:>8} | {:<22} | {:>7} |\n", "model (dpor)", "executions",
               "wall s", "CPU s", "us/exec", "complete", "GenMC 0.11 --sc", "vs GenMC");
    fmt::print("|{:-<22}|{:->12}|{:->11}|{:->11}|{:->10}|{:->10}|{:-<24}|{:->9}|\n", "", "", "", "", "", "", "", "");
    for (int n = 8; n <= readers_max; ++n) row(fmt::format("readers({})", n), lockstep::models::readers(n));
    for (int n = 8; n <= lastzero_max; ++n) row(fmt::format("lastzero({})", n), lockstep::models::lastzero(n));
    const int sizes[][2] = {{3, 3}, {4, 2}, {4, 3}};
    for (const auto& s : sizes)
        row(fmt::format("mutex_counter({},{})", s[0], s[1]), lockstep::models::mutex_counter(s[0], s[1]));
}
