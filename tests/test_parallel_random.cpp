// Random search on several OS threads gives the result one thread gives.
#include <doctest/doctest.h>

#include <sstream>

#include <lockstep/lockstep.hpp>

#include "misbehaving_models.hpp"

#include "catalog.hpp"

using lockstep::failure_kind;

namespace {

using lockstep::models::find;

lockstep::options random_search(unsigned workers, std::uint64_t seed, std::uint64_t budget) {
    lockstep::options o;
    o.strategy = lockstep::strategy::random;
    o.workers = workers;
    o.seed = seed;
    o.max_executions = budget;
    return o;
}

} // namespace

TEST_CASE("parallel random search reports the failure a single thread reports") {
    for (const char* name : {"s08_ab_ba_deadlock", "s19_if_instead_of_while", "s01_lost_update", "s17_event_toggle",
                             "s01_lost_update_plain", "s08_ab_ba_by_request", "s26_rwlock_writer_starvation"}) {
        const lockstep::model& m = find(name);
        for (std::uint64_t seed : {1, 2, 3}) {
            CAPTURE(m.name);
            CAPTURE(seed);
            const auto one = lockstep::run_model(m, random_search(1, seed, 2'000), true);
            for (unsigned workers : {2u, 3u}) {
                CAPTURE(workers);
                const auto many = lockstep::run_model(m, random_search(workers, seed, 2'000), true);
                REQUIRE(one.failure.has_value() == many.failure.has_value());
                if (!one.failure) continue;
                CHECK(many.failure->kind == one.failure->kind);
                CHECK(many.failure->token == one.failure->token);
                CHECK(many.failure->report() == one.failure->report());
            }
        }
    }
}

TEST_CASE("parallel random search without failures runs the same executions: same outcomes") {
    const lockstep::model& m = find("s02_with_lock");
    const auto one = lockstep::run_model(m, random_search(1, 9, 3'000), true);
    const auto many = lockstep::run_model(m, random_search(0, 9, 3'000), true);  // one worker per core
    REQUIRE(one.ok());
    REQUIRE(many.ok());
    CHECK(many.executions == 3'000);
    CHECK(many.steps == one.steps);
    CHECK(many.outcomes == one.outcomes);
    CHECK(many.contention == one.contention);
}

TEST_CASE("parallel random search: a stack overflow or an exception in a worker's execution is a failure") {
    lockstep::options o = random_search(2, 1, 50);
    o.stack_size = 64 * 1024;
    const auto overflow = lockstep::explore(lockstep::testing::overflow_in_thread, o);
    REQUIRE(overflow.failure);
    CHECK(overflow.failure->kind == failure_kind::stack_overflow);

    const auto thrown = lockstep::explore(
        [] {
            lockstep::thread t([] { throw std::runtime_error("boom"); });
            t.join();
        },
        random_search(2, 1, 50));
    REQUIRE(thrown.failure);
    CHECK(thrown.failure->kind == failure_kind::exception);
}

TEST_CASE("the runner takes --workers and --step-time-limit") {
    std::ostringstream out, err;
    const char* argv[] = {"lockstep-models", "--strategy", "random", "--workers", "2", "--step-time-limit", "5000",
                          "--max-executions", "500", "s08_ab_ba_deadlock"};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 10, argv, out, err) == 0);
    CHECK(out.str().find("FAIL deadlock") != std::string::npos);
    std::ostringstream out2, err2;
    const char* bad[] = {"lockstep-models", "--workers", "many"};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 3, bad, out2, err2) == 2);
    CHECK(err2.str().find("--workers needs a number") != std::string::npos);
}
