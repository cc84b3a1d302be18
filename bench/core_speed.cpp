// The speed baseline: executions and scheduling steps per second for the
// 3-thread x 2-increment mutex counter (S02), exhaustive dfs and 100,000 random
// executions. Each figure is the median of several runs (the machine is shared).
#include <algorithm>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {

struct figures {
    std::uint64_t executions, steps;
    double seconds;
};

figures median_of(int runs, const std::function<void()>& model, const lockstep::options& o) {
    std::vector<figures> all;
    for (int i = 0; i < runs; ++i) {
        const auto r = lockstep::explore(model, o);
        all.push_back({r.executions, r.steps, r.seconds});
    }
    std::sort(all.begin(), all.end(), [](const figures& a, const figures& b) { return a.seconds < b.seconds; });
    return all[all.size() / 2];
}

void row(std::string_view what, const figures& f) {
    fmt::print("{:<34} {:>10} {:>11} {:>8.3f} {:>12.0f} {:>12.0f}\n", what, f.executions, f.steps, f.seconds,
               f.executions / f.seconds, f.steps / f.seconds);
}

} // namespace

int main() {
    const lockstep::model* s02 = &lockstep::models::find("s02_with_lock");

    fmt::print("{:<34} {:>10} {:>11} {:>8} {:>12} {:>12}\n", "run (median of 7)", "executions", "steps", "seconds",
               "exec/s", "steps/s");
    lockstep::options dfs;
    dfs.strategy = lockstep::strategy::dfs;
    row("S02 3x2 mutex counter, dfs", median_of(7, s02->body, dfs));

    lockstep::options random;
    random.strategy = lockstep::strategy::random;
    random.max_executions = 100'000;
    row("S02 3x2 mutex counter, random 100k", median_of(7, s02->body, random));
    random.workers = 0;  // one per core
    row(fmt::format("  the same on {} workers", std::thread::hardware_concurrency()), median_of(7, s02->body, random));

    // The cost of the data-race check: the same runs with happens-before tracking
    // on and off. S02's counter is a plain int, so tracking never starts there;
    // the var-heavy model is S02 with the counter (and a second field) as vars.
    fmt::print("\nhappens-before tracking (median of 7)  {:>10} {:>10} {:>8}\n", "on (s)", "off (s)", "ratio");
    auto overhead = [&](std::string_view what, const std::function<void()>& model,
                        void (*turn_off)(lockstep::options&) = [](lockstep::options& o) { o.detect_races = false; }) {
        lockstep::options on, off;
        on.strategy = off.strategy = lockstep::strategy::dfs;  // every interleaving: enough work to time
        turn_off(off);
        const figures with = median_of(7, model, on), without = median_of(7, model, off);
        fmt::print("{:<38} {:>10.3f} {:>10.3f} {:>8.2f}\n", what, with.seconds, without.seconds,
                   with.seconds / without.seconds);
    };
    overhead("S02 3x2 mutex counter (no var)", s02->body);
    overhead("S02 3x2 with var counter + var total", [] {
        lockstep::mutex lock("lock");
        lockstep::var<int> counter(0, "counter"), total(0, "total");
        auto work = [&] {
            for (int i = 0; i < 2; ++i) {
                lockstep::lock_guard guard(lock);
                counter += 1;
                total += counter.get();
            }
        };
        lockstep::thread a(work), b(work), c(work);
        a.join();
        b.join();
        c.join();
        LOCKSTEP_ASSERT(counter.get() == 6);
    });

    // The cost of the lock-order check (per execution, and joined across
    // executions): nested locks in one global order, so every execution adds
    // edges and none closes a cycle.
    fmt::print("\nlock-order tracking (median of 7)      {:>10} {:>10} {:>8}\n", "on (s)", "off (s)", "ratio");
    const auto no_lock_order = [](lockstep::options& o) { o.lock_order = lockstep::lock_order_check::off; };
    overhead("S02 3x2 mutex counter (no nesting)", s02->body, no_lock_order);
    overhead("3 threads x nested a->b->c", [] {
        lockstep::mutex a("a"), b("b"), c("c");
        auto work = [&] {
            lockstep::lock_guard x(a);
            lockstep::lock_guard y(b);
            lockstep::lock_guard z(c);
        };
        lockstep::thread t1(work), t2(work), t3(work);
        t1.join();
        t2.join();
        t3.join();
    }, no_lock_order);

    // The memory model: rc11 (the default) against sc on the models with atomics,
    // under dpor. A model whose atomics are all seq_cst takes rc11's fast path
    // (the newest store, nothing clocked), so its ratio shows what rc11 costs there;
    // weaker orders explore more executions, which sc never sees.
    fmt::print("\nmemory model, dpor (median of 3)       {:>10} {:>10} {:>10} {:>10} {:>8}\n", "rc11 execs", "rc11 (s)",
               "sc execs", "sc (s)", "ratio");
    auto mm = [&](std::string_view what, const std::function<void()>& model) {
        lockstep::options rc11, sc;
        rc11.stop_on_failure = sc.stop_on_failure = false;
        sc.memory_model = lockstep::memory_model::sc;
        const figures a = median_of(3, model, rc11), b = median_of(3, model, sc);
        fmt::print("{:<38} {:>10} {:>10.4f} {:>10} {:>10.4f} {:>8.2f}\n", what, a.executions, a.seconds, b.executions,
                   b.seconds, a.seconds / b.seconds);
    };
    mm("S02 3x2 mutex counter (no atomics)", s02->body);
    mm("readers(12), seq_cst", lockstep::models::readers(12));
    for (const lockstep::model& m : lockstep::models::catalog())
        if (m.name.starts_with("alg_") || m.name.starts_with("s29")) mm(m.name, m.body);
}
