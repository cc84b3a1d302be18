// The cost of long executions under dpor (issue 13): one thread doing N atomic
// operations (one execution), and N threads each locking one mutex once (the
// first 3 executions: all of them would be N! traces). Per step, the cost must
// stay flat as N grows.
//
//   bench-long_executions [largest N] [largest T]   (defaults 1,000,000 and 2,000)
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

namespace {

void row(std::string_view what, long long n, const std::function<void()>& model, std::uint64_t executions = 0) {
    lockstep::options o;
    o.max_executions = executions;
    o.strategy = lockstep::strategy::dpor;
    o.max_steps = 100'000'000;
    const std::clock_t start = std::clock();
    const lockstep::result r = lockstep::explore(model, o);
    const double cpu = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;  // the machine may be shared
    fmt::print("| {:<32} | {:>9} | {:>10} | {:>8.3f} | {:>8.3f} | {:>9.1f} | {:>4} |\n", what, n, r.steps, r.seconds,
               cpu, r.steps ? cpu * 1e9 / static_cast<double>(r.steps) : 0, r.ok() ? "ok" : "FAIL");
    std::fflush(stdout);
}

std::function<void()> one_thread(long long n, lockstep::memory_order order) {
    return [n, order] {
        lockstep::atomic<long long> x(0, "x");
        lockstep::thread t([&] {
            for (long long i = 0; i < n; ++i) x.store(i, order);
        });
        t.join();
    };
}

std::function<void()> one_thread_loads(long long n, lockstep::memory_order order) {
    return [n, order] {
        lockstep::atomic<long long> x(0, "x");
        lockstep::thread t([&] {
            for (long long i = 0; i < n; ++i) x.fetch_add(1, order), (void)x.load(order);
        });
        t.join();
    };
}

std::function<void()> threads_on_one_mutex(long long threads) {
    return [threads] {
        lockstep::mutex m("m");
        int counter = 0;
        std::vector<lockstep::thread> ts;
        ts.reserve(static_cast<std::size_t>(threads));
        for (long long t = 0; t < threads; ++t)
            ts.emplace_back([&] {
                m.lock();
                ++counter;
                m.unlock();
            });
        for (auto& t : ts) t.join();
    };
}

} // namespace

int main(int argc, char** argv) {
    const long long n_max = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    const long long t_max = argc > 2 ? std::atoll(argv[2]) : 2'000;
    fmt::print("| {:<32} | {:>9} | {:>10} | {:>8} | {:>8} | {:>9} | {:>4} |\n", "model (dpor)", "N", "steps",
               "wall s", "CPU s", "ns/step", "");
    fmt::print("|{:-<34}|{:->11}|{:->12}|{:->10}|{:->10}|{:->11}|{:->6}|\n", "", "", "", "", "", "", "");
    for (long long n = 10'000; n <= n_max; n *= 10)
        row("1 thread, N seq_cst stores", n, one_thread(n, lockstep::memory_order::seq_cst));
    for (long long n = 10'000; n <= n_max; n *= 10)
        row("1 thread, N relaxed stores", n, one_thread(n, lockstep::memory_order::relaxed));
    for (long long n = 10'000; n <= n_max / 2; n *= 10)
        row("1 thread, N (relaxed rmw + load)", n, one_thread_loads(n, lockstep::memory_order::relaxed));
    for (long long t = 20; t <= t_max; t *= 10)
        row("N threads, one lock each, 3 execs", t, threads_on_one_mutex(t), 3);
}
