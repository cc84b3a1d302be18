// Lock-order inversions: cycles in the order threads take locks, within one
// execution and joined across the executions of an exploration.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

using lockstep::failure_kind;

namespace {

lockstep::result run(std::function<void()> model, lockstep::options o = {}) { return lockstep::explore(std::move(model), o); }
bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Main picks one of two requests; each runs on its own thread and takes the two
// locks in its own order. No execution runs both, so no execution deadlocks or
// shows both orders: only the orders joined across executions form the cycle.
void either_order(bool gate_both) {
    lockstep::mutex gate("gate"), a("a"), b("b");
    const std::size_t request = lockstep::choose(2);
    lockstep::thread t1([&] {
        if (request != 0) return;
        if (gate_both) gate.lock();
        lockstep::lock_guard x(a);
        lockstep::lock_guard y(b);
        if (gate_both) gate.unlock();
    });
    lockstep::thread t2([&] {
        if (request != 1) return;
        if (gate_both) gate.lock();
        lockstep::lock_guard y(b);
        lockstep::lock_guard x(a);
        if (gate_both) gate.unlock();
    });
    t1.join();
    t2.join();
}

} // namespace

TEST_CASE("lock-order inversion is reported even when no explored execution deadlocks") {
    const lockstep::model* s08 = nullptr;
    for (const auto& m : lockstep::models::catalog())
        if (m.name == "s08_ab_ba_deadlock") s08 = &m;
    REQUIRE(s08);
    lockstep::options o;
    o.max_executions = 1;  // the first execution runs T1 to its end, then T2: no deadlock
    const auto r = lockstep::explore(s08->body, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::lock_order_inversion);
    CHECK(contains(r.failure->message, "lock_a -> lock_b -> lock_a"));
    CHECK(contains(r.failure->message, "T1 takes lock_b (at models/s08_s09_lock_order.cpp:"));
    CHECK(contains(r.failure->message, "T2 takes lock_a (at models/s08_s09_lock_order.cpp:"));
    // It replays, report and all.
    const auto again = lockstep::replay(s08->body, r.failure->token);
    REQUIRE(again.failure);
    CHECK(again.failure->report() == r.failure->report());

    // Exhaustive search finds the deadlock itself, which is the more useful report.
    const auto full = lockstep::explore(s08->body);
    REQUIRE(full.failure);
    CHECK(full.failure->kind == failure_kind::deadlock);

    // As a warning.
    o.lock_order = lockstep::lock_order_check::warning;
    const auto warned = lockstep::explore(s08->body, o);
    CHECK(warned.ok());
    REQUIRE(warned.warnings.size() == 1);
    CHECK(contains(warned.warnings[0], "lock-order inversion"));
}

TEST_CASE("lock orders made safe by a common outer lock, and try_lock, are not inversions") {
    const auto gated = run([] {
        lockstep::mutex gate("gate"), a("a"), b("b");
        lockstep::thread t1([&] {
            lockstep::lock_guard g(gate);
            lockstep::lock_guard x(a);
            lockstep::lock_guard y(b);
        });
        lockstep::thread t2([&] {
            lockstep::lock_guard g(gate);
            lockstep::lock_guard y(b);
            lockstep::lock_guard x(a);
        });
        t1.join();
        t2.join();
    });
    CHECK(gated.ok());
    CHECK(gated.complete);

    const auto trying = run([] {
        lockstep::mutex a("a"), b("b");
        lockstep::thread t1([&] {
            lockstep::lock_guard x(a);
            if (b.try_lock()) b.unlock();
        });
        lockstep::thread t2([&] {
            lockstep::lock_guard y(b);
            if (a.try_lock()) a.unlock();
        });
        t1.join();
        t2.join();
    });
    CHECK(trying.ok());
    CHECK(trying.complete);
}

TEST_CASE("a random search with a small budget reports the inversions of S08 and of S10 without sorting") {
    for (const std::string name : {"s08_ab_ba_deadlock", "s10_multi_lock_unsorted"}) {
        CAPTURE(name);
        const lockstep::model* m = nullptr;
        for (const auto& candidate : lockstep::models::catalog())
            if (candidate.name == name) m = &candidate;
        REQUIRE(m);
        lockstep::options o;
        o.strategy = lockstep::strategy::random;
        o.seed = 5;  // a seed whose first executions do not deadlock
        o.max_executions = 3;
        const auto r = lockstep::explore(m->body, o);
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::lock_order_inversion);
        CHECK(r.failure->token.find('+') == std::string::npos);  // one execution shows the whole cycle
        const auto again = lockstep::replay(m->body, r.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->report() == r.failure->report());
    }
}

TEST_CASE("orders seen in different executions are joined into one cycle, and its compound token replays it") {
    for (const auto strategy : {lockstep::strategy::dfs, lockstep::strategy::dpor}) {
        CAPTURE(static_cast<int>(strategy));
        lockstep::options o;
        o.strategy = strategy;
        const auto r = run([] { either_order(false); }, o);
        REQUIRE(r.failure);
        CHECK(r.complete);
        CHECK(r.failure->kind == failure_kind::lock_order_inversion);
        CHECK(contains(r.failure->message, "a -> b -> a are taken in a cycle of orders across 2 executions"));
        CHECK(contains(r.failure->message, "T1 takes b (at tests/test_lock_order.cpp:"));
        CHECK(contains(r.failure->message, "T2 takes a (at tests/test_lock_order.cpp:"));
        CHECK(contains(r.failure->message, "), in execution 1\n"));
        CHECK(r.failure->message.ends_with("), in execution 2"));
        CHECK(contains(r.failure->report(), "execution 2 of 2 (ls2-"));
        CHECK(std::count(r.failure->token.begin(), r.failure->token.end(), '+') == 1);

        // The compound token runs both executions again, and the report is the same.
        const auto again = lockstep::replay([] { either_order(false); }, r.failure->token);
        CHECK(again.executions == 2);
        REQUIRE(again.failure);
        CHECK(again.failure->report() == r.failure->report());
        // Each part alone is a passing execution.
        const std::string first = r.failure->token.substr(0, r.failure->token.find('+'));
        CHECK(lockstep::replay([] { either_order(false); }, first).ok());
    }
}

TEST_CASE("a joined inversion can be a warning, or not checked") {
    lockstep::options o;
    o.lock_order = lockstep::lock_order_check::warning;
    const auto warned = run([] { either_order(false); }, o);
    CHECK(warned.ok());
    REQUIRE(warned.warnings.size() == 1);
    CHECK(contains(warned.warnings[0], "across 2 executions"));

    o.lock_order = lockstep::lock_order_check::off;
    const auto off = run([] { either_order(false); }, o);
    CHECK(off.ok());
    CHECK(off.warnings.empty());
}

TEST_CASE("joined orders that a common lock guards, or that one thread takes, are not inversions") {
    const auto gated = run([] { either_order(true); });
    CHECK(gated.ok());
    CHECK(gated.complete);

    // One thread takes the locks in either order: nobody can hold the other lock against it.
    const auto alone = run([] {
        lockstep::mutex a("a"), b("b");
        lockstep::thread t([&] {
            const bool ab = lockstep::choose(2) == 0;
            lockstep::unique_lock first(ab ? a : b);
            lockstep::unique_lock second(ab ? b : a);
        });
        t.join();
    });
    CHECK(alone.ok());
    CHECK(alone.complete);
}

TEST_CASE("locks are the same lock across executions by who created them where, not by creation order") {
    // Each worker creates its own lock after a visible step, so which is created
    // first (and so their ids and default names) depends on the schedule. Worker 1
    // takes its own lock then the shared one, worker 2 the shared one then its own:
    // no cycle, though by creation order mutex#2 is taken both before and after `shared`.
    const auto r = run([] {
        lockstep::mutex shared("shared");
        lockstep::atomic<int> started(0);
        auto worker = [&](bool own_first) {
            started.fetch_add(1);
            lockstep::mutex own;
            if (own_first) {
                lockstep::lock_guard x(own);
                lockstep::lock_guard y(shared);
            } else {
                lockstep::lock_guard y(shared);
                lockstep::lock_guard x(own);
            }
        };
        lockstep::thread t1([&] { worker(true); }), t2([&] { worker(false); });
        t1.join();
        t2.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("a compound token that is malformed, or not of this model, is a token error") {
    const auto r = run([] { either_order(false); });
    REQUIRE(r.failure);
    const std::string token = r.failure->token;
    const std::string first = token.substr(0, token.find('+'));
    CHECK_THROWS_WITH_AS(lockstep::replay([] { either_order(false); }, first + "+ls2-@@@"),
                         doctest::Contains("part 2 of the replay token: replay token is malformed"),
                         lockstep::token_error);
    CHECK_THROWS_WITH_AS(lockstep::replay([] { either_order(false); }, first + "+"),
                         doctest::Contains("part 2 of the replay token: not a lockstep replay token"),
                         lockstep::token_error);
    // A part recorded for another model does not fit this one.
    const std::string other = lockstep::explore([] {
        lockstep::mutex m("m");
        lockstep::thread t([&] { lockstep::lock_guard g(m); });
        LOCKSTEP_ASSERT(lockstep::choose(3) != 2);
        t.join();
    }).failure.value().token;
    CHECK_THROWS_WITH_AS(lockstep::replay([] { either_order(false); }, first + "+" + other),
                         doctest::Contains("in part 2 of the token"), lockstep::token_error);
}

TEST_CASE("reader locks take part in lock order: a reader and a writer in opposite orders are an inversion") {
    lockstep::options first;
    first.max_executions = 1;  // the first execution runs one thread after the other: no deadlock
    const auto r = run(
        [] {
            lockstep::shared_mutex rw("rw");
            lockstep::mutex m("m");
            lockstep::thread reader([&] {
                std::shared_lock r(rw);
                lockstep::lock_guard g(m);
            });
            lockstep::thread writer([&] {
                lockstep::lock_guard g(m);
                std::unique_lock w(rw);
            });
            reader.join();
            writer.join();
        },
        first);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::lock_order_inversion);
    CHECK(contains(r.failure->message, "T1 takes m (at tests/test_lock_order.cpp:"));
    CHECK(contains(r.failure->message, "while holding rw shared (taken at tests/test_lock_order.cpp:"));
    CHECK(contains(r.failure->message, "T2 takes rw (at tests/test_lock_order.cpp:"));
}

TEST_CASE("two readers in opposite orders wait for nobody: not an inversion") {
    const auto r = run([] {
        lockstep::shared_mutex rw("rw");
        lockstep::mutex m("m");
        lockstep::thread t1([&] {
            std::shared_lock r(rw);
            lockstep::lock_guard g(m);
        });
        lockstep::thread t2([&] {
            lockstep::lock_guard g(m);
            std::shared_lock r(rw);
        });
        t1.join();
        t2.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("a gate held in shared mode by every thread guards nothing; held exclusively by one it does") {
    auto model = [](bool one_writes) {
        return [one_writes] {
            lockstep::shared_mutex gate("gate");
            lockstep::mutex a("a"), b("b");
            lockstep::thread t1([&] {
                std::shared_lock g(gate);
                lockstep::lock_guard x(a);
                lockstep::lock_guard y(b);
            });
            lockstep::thread t2([&] {
                std::shared_lock g(gate, std::defer_lock);
                std::unique_lock w(gate, std::defer_lock);
                if (one_writes) w.lock();
                else g.lock();
                lockstep::lock_guard y(b);
                lockstep::lock_guard x(a);
            });
            t1.join();
            t2.join();
        };
    };
    const auto readers = run(model(false));  // both inside the gate at once: a real deadlock
    REQUIRE(readers.failure);
    CHECK(readers.failure->kind == failure_kind::deadlock);
    lockstep::options first;
    first.max_executions = 1;
    const auto readers_first = run(model(false), first);
    REQUIRE(readers_first.failure);
    CHECK(readers_first.failure->kind == failure_kind::lock_order_inversion);

    const auto writer = run(model(true));
    CHECK(writer.ok());
    CHECK(writer.complete);
}

TEST_CASE("lock-order verdicts of generated programs with input-dependent orders: dfs, dpor and an oracle agree") {
    // The model reads an input (a choose); each thread takes two of three locks
    // nested, on every input or on one only, in an order that may flip with the
    // input, sometimes inside a gate. Joined cycles, cycles within one execution,
    // real deadlocks and clean programs all occur; both searches must agree on
    // whether there is a deadlock or an inversion, and every failure replays.
    struct op {
        int x, y;       // the two locks
        int when;       // -1: on every input; else only on this one
        bool by_input;  // the order flips with the input
        bool gated;     // taken inside the gate lock
    };
    int verdicts[4] = {};  // ok, joined inversion, single inversion, deadlock
    int compared = 0;
    std::uint64_t state = 12345;
    const auto below = [&state](int n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
    };
    for (int program = 0; program < 200; ++program) {
        std::vector<std::vector<op>> threads(2 + below(2));
        for (auto& code : threads) {
            const int n = 1 + below(2);
            for (int k = 0; k < n; ++k) {
                const int x = below(3), y = (x + 1 + below(2)) % 3;
                code.push_back({x, y, below(3) - 1, below(2) == 0, below(4) == 0});
            }
        }
        const auto model = [threads] {
            lockstep::mutex gate("gate"), l0("l0"), l1("l1"), l2("l2");
            lockstep::mutex* locks[3] = {&l0, &l1, &l2};
            const int input = static_cast<int>(lockstep::choose(2));
            std::vector<lockstep::thread> running;
            for (const auto& code : threads)
                running.emplace_back([&, code] {
                    for (const op& o : code) {
                        if (o.when != -1 && o.when != input) continue;
                        const bool flip = o.by_input && input == 1;
                        if (o.gated) gate.lock();
                        lockstep::lock_guard first(*locks[flip ? o.y : o.x]);
                        lockstep::lock_guard second(*locks[flip ? o.x : o.y]);
                        if (o.gated) gate.unlock();
                    }
                });
            for (auto& t : running) t.join();
        };
        CAPTURE(program);
        lockstep::options o;
        o.stop_on_failure = false;
        o.strategy = lockstep::strategy::dfs;
        o.max_executions = 20'000;
        const auto dfs = run(model, o);
        if (!dfs.complete) continue;  // too big for dfs to be the reference
        o.max_executions = 0;
        o.strategy = lockstep::strategy::dpor;
        const auto dpor = run(model, o);
        REQUIRE(dpor.complete);
        const auto verdict = [](const lockstep::result& r) {
            if (!r.failure) return 0;
            if (r.failure->kind == failure_kind::deadlock) return 3;
            REQUIRE(r.failure->kind == failure_kind::lock_order_inversion);
            return r.failure->token.find('+') != std::string::npos ? 1 : 2;
        };
        const int by_dfs = verdict(dfs), by_dpor = verdict(dpor);
        ++compared;
        // An oracle from the program text: the orders every thread takes on
        // either input form a cycle of two threads' edges, not all gated.
        struct edge {
            int from, to, thread;
            bool gated;
        };
        std::vector<edge> edges;
        for (int t = 0; t < static_cast<int>(threads.size()); ++t)
            for (int input = 0; input < 2; ++input)
                for (const op& o : threads[static_cast<std::size_t>(t)])
                    if (o.when == -1 || o.when == input) {
                        const bool flip = o.by_input && input == 1;
                        edges.push_back({flip ? o.y : o.x, flip ? o.x : o.y, t, o.gated});
                    }
        bool cycle = false;
        const auto deadlocks = [](std::initializer_list<const edge*> c) {
            bool two_threads = false, all_gated = true;
            for (const edge* e : c) {
                two_threads = two_threads || e->thread != (*c.begin())->thread;
                all_gated = all_gated && e->gated;
            }
            return two_threads && !all_gated;
        };
        for (const edge& a : edges)
            for (const edge& b : edges) {
                if (a.to != b.from) continue;
                if (b.to == a.from) cycle = cycle || deadlocks({&a, &b});
                for (const edge& c : edges)
                    if (b.to == c.from && c.to == a.from && a.from != b.from && b.from != c.from && a.from != c.from)
                        cycle = cycle || deadlocks({&a, &b, &c});
            }
        CHECK(cycle == (by_dfs != 0));
        // Every execution dfs runs has an equivalent one under dpor, with the same
        // lock orders: a cycle one execution shows is shown by both searches.
        CHECK(by_dfs == by_dpor);
        ++verdicts[by_dfs];
        for (const auto* r : {&dfs, &dpor}) {
            if (!r->failure) continue;
            const auto again = lockstep::replay(model, r->failure->token);
            REQUIRE(again.failure);
            CHECK(again.failure->report() == r->failure->report());
        }
    }
    MESSAGE(fmt::format("{} programs compared: {} ok, {} joined inversions, {} inversions in one execution, {} "
                        "deadlocks",
                        compared, verdicts[0], verdicts[1], verdicts[2], verdicts[3]));
    CHECK(verdicts[0] > 0);
    CHECK(verdicts[1] > 0);
    CHECK(verdicts[3] > 0);
}

TEST_CASE("std::scoped_lock takes locks in one order in every execution, so joined orders agree") {
    // Two threads create the two locks after a visible step, so which is created
    // first (the order of their ids) depends on the schedule; then two threads
    // take both with std::scoped_lock. Sorting by id would take a then b in some
    // executions and b then a in others: a false joined inversion.
    const auto r = run([] {
        std::optional<lockstep::mutex> a, b;
        lockstep::atomic<int> started(0);
        lockstep::thread make_a([&] {
            started.fetch_add(1);
            a.emplace("a");
        });
        lockstep::thread make_b([&] {
            started.fetch_add(1);
            b.emplace("b");
        });
        make_a.join();
        make_b.join();
        lockstep::thread t1([&] { std::scoped_lock both(*a, *b); });
        lockstep::thread t2([&] { std::scoped_lock both(*b, *a); });
        t1.join();
        t2.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(r.executions > 1);
}
