// The CI knobs: LOCKSTEP_* environment variables win over the options set in
// code, and a malformed value is an error that names the variable.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <unistd.h>  // getpid
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <lockstep/lockstep.hpp>

#include "environment_guard.hpp"

using lockstep::testing::environment_guard;

namespace {

// Per process: two checkouts' test runs on one machine must not share a file.
std::string unique_name(std::string_view base) { return std::string(base) + "-" + std::to_string(::getpid()); }

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Two threads increment an atomic with a load and a store: an update is lost
// only if a thread is preempted between its load and its store.
void lost_update() {
    lockstep::atomic<int> x(0, "x");
    auto increment = [&] { x.store(x.load() + 1); };
    lockstep::thread a(increment), b(increment);
    a.join();
    b.join();
    LOCKSTEP_ASSERT(x.load() == 2);
}

// Each execution observes one of many values, so two seeds give different sets.
void pick() { lockstep::observe("picked", lockstep::choose(1'000'000)); }

// Ten executions under dfs, a proof; never complete under random search.
void pick_of_ten() { lockstep::observe("picked", lockstep::choose(10)); }

// The README's relaxed flag: a data race under rc11, none when every access is seq_cst.
void relaxed_flag() {
    lockstep::var<int> data(0, "data");
    lockstep::atomic<bool> ready(false, "ready");
    lockstep::thread producer([&] {
        data = 42;
        ready.store(true, std::memory_order_relaxed);
    });
    while (!ready.load(std::memory_order_acquire)) lockstep::this_thread::yield();
    LOCKSTEP_ASSERT(data.get() == 42);
    producer.join();
}

std::string usage_error_of(const char* name, const char* value) {
    const environment_guard guard(name, value);
    try {
        (void)lockstep::explore([] {});
    } catch (const lockstep::usage_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("LOCKSTEP_STRATEGY and LOCKSTEP_MAX_EXECUTIONS override the code's strategy and budget") {
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    o.max_executions = 100;
    const auto exhaustive = lockstep::explore(pick_of_ten, o);
    CHECK(exhaustive.complete);
    CHECK(exhaustive.executions == 10);
    const environment_guard strategy("LOCKSTEP_STRATEGY", "random"), budget("LOCKSTEP_MAX_EXECUTIONS", "7");
    const auto r = lockstep::explore(pick_of_ten, o);
    CHECK(r.executions == 7);
    CHECK_FALSE(r.complete);  // random search never proves anything
}

TEST_CASE("LOCKSTEP_SEED overrides the code's seed") {
    lockstep::options o;
    o.strategy = lockstep::strategy::random;
    o.max_executions = 20;
    o.seed = 5;
    const auto seed5 = lockstep::explore(pick, o);
    o.seed = 9;
    const auto seed9 = lockstep::explore(pick, o);
    REQUIRE(seed5.outcomes != seed9.outcomes);
    o.seed = 5;
    const environment_guard seed("LOCKSTEP_SEED", "9");
    CHECK(lockstep::explore(pick, o).outcomes == seed9.outcomes);
}

TEST_CASE("LOCKSTEP_PREEMPTION_BOUND overrides the code's bound") {
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    REQUIRE_FALSE(lockstep::explore(lost_update, o).ok());
    const environment_guard bound("LOCKSTEP_PREEMPTION_BOUND", "0");
    const auto r = lockstep::explore(lost_update, o);
    CHECK(r.ok());  // the lost update needs a preemption between load and store
    CHECK_FALSE(r.complete);
}

TEST_CASE("LOCKSTEP_WORKERS overrides the code's number of workers") {
    std::mutex lock;
    std::set<std::thread::id> threads;
    auto model = [&] {
        const std::lock_guard guard(lock);
        threads.insert(std::this_thread::get_id());
    };
    lockstep::options o;
    o.strategy = lockstep::strategy::random;
    o.max_executions = 50;
    {
        const environment_guard workers("LOCKSTEP_WORKERS", "2");
        (void)lockstep::explore(model, o);
        CHECK(threads.size() == 2);  // worker w runs executions w, w + 2, ...
    }
    threads.clear();
    o.workers = 2;
    const environment_guard workers("LOCKSTEP_WORKERS", "1");
    (void)lockstep::explore(model, o);
    CHECK(threads == std::set{std::this_thread::get_id()});
}

TEST_CASE("LOCKSTEP_MEMORY_MODEL overrides the code's memory model") {
    const auto rc11 = lockstep::explore(relaxed_flag);
    REQUIRE(rc11.failure);
    CHECK(rc11.failure->kind == lockstep::failure_kind::data_race);
    const environment_guard sc("LOCKSTEP_MEMORY_MODEL", "sc");
    CHECK(lockstep::explore(relaxed_flag).ok());  // a seq_cst flag publishes the data
}

TEST_CASE("LOCKSTEP_FAILURE_DIR writes failures where CI collects them") {
    const auto dir = std::filesystem::temp_directory_path() / unique_name("lockstep-test-environment");
    std::filesystem::remove_all(dir);
    const environment_guard failures("LOCKSTEP_FAILURE_DIR", dir.c_str());
    lockstep::options o;
    o.name = "from_the_environment";
    const auto r = lockstep::explore(lost_update, o);
    REQUIRE(r.failure);
    bool written = false;
    for (const auto& file : std::filesystem::directory_iterator(dir))
        written = written || contains(file.path().filename().string(), "from_the_environment.txt");
    CHECK(written);
    std::filesystem::remove_all(dir);
}

TEST_CASE("LOCKSTEP_REPLAY replays one failure inside the test that found it") {
    const auto found = lockstep::explore(lost_update);
    REQUIRE(found.failure);
    CHECK(contains(found.failure->report(), "LOCKSTEP_REPLAY=" + found.failure->token));  // the report says how

    int runs = 0;
    auto counted = [&] {
        ++runs;
        lost_update();
    };
    lockstep::options o;
    o.strategy = lockstep::strategy::random;  // ignored: the token decides
    const environment_guard replay("LOCKSTEP_REPLAY", found.failure->token.c_str());
    const auto again = lockstep::explore(counted, o);
    CHECK(runs == 1);
    REQUIRE(again.failure);
    CHECK(again.failure->token == found.failure->token);
    CHECK(again.failure->message == found.failure->message);

    const environment_guard bad("LOCKSTEP_REPLAY", "ls2-nonsense");
    CHECK_THROWS_AS((void)lockstep::explore(lost_update), lockstep::token_error);
}

TEST_CASE("an empty LOCKSTEP_* variable counts as unset") {
    const environment_guard strategy("LOCKSTEP_STRATEGY", ""), budget("LOCKSTEP_MAX_EXECUTIONS", "");
    lockstep::options o;
    o.strategy = lockstep::strategy::dfs;
    const auto r = lockstep::explore(pick_of_ten, o);
    CHECK(r.complete);  // still the code's dfs, with no limit
    CHECK(r.executions == 10);
}

TEST_CASE("a malformed LOCKSTEP_* value is an error naming the variable and the value") {
    CHECK(usage_error_of("LOCKSTEP_SEED", "abc") ==
          "lockstep: LOCKSTEP_SEED=\"abc\" is not a number: expected a decimal integer from 0 to 18446744073709551615");
    CHECK(contains(usage_error_of("LOCKSTEP_SEED", "-1"), "LOCKSTEP_SEED=\"-1\" is negative"));
    CHECK(contains(usage_error_of("LOCKSTEP_SEED", "18446744073709551616"),
                   "LOCKSTEP_SEED=\"18446744073709551616\" is too large"));
    CHECK(contains(usage_error_of("LOCKSTEP_SEED", "12 "), "is not a number"));
    CHECK(contains(usage_error_of("LOCKSTEP_MAX_EXECUTIONS", "1e6"), "LOCKSTEP_MAX_EXECUTIONS=\"1e6\" is not a number"));
    CHECK(contains(usage_error_of("LOCKSTEP_PREEMPTION_BOUND", "+2"), "LOCKSTEP_PREEMPTION_BOUND=\"+2\" is not a number"));
    CHECK(contains(usage_error_of("LOCKSTEP_WORKERS", "4294967296"),
                   "LOCKSTEP_WORKERS=\"4294967296\" is too large: expected a decimal integer from 0 to 4294967295"));
    CHECK(usage_error_of("LOCKSTEP_STRATEGY", "bfs") ==
          "lockstep: LOCKSTEP_STRATEGY=\"bfs\" is not a strategy: expected dfs, dpor, random or pct "
          "(LOCKSTEP_REPLAY replays a token)");
    CHECK(contains(usage_error_of("LOCKSTEP_MEMORY_MODEL", "tso"),
                   "LOCKSTEP_MEMORY_MODEL=\"tso\" is not a memory model: expected rc11 or sc"));
    CHECK(usage_error_of("LOCKSTEP_SPIN_REDUCTION", "true") ==
          "lockstep: LOCKSTEP_SPIN_REDUCTION=\"true\" is not a switch: expected 0 (off) or 1 (on)");
    CHECK(usage_error_of("LOCKSTEP_SPIN_REDUCTION", "1") == "no error");
    CHECK(usage_error_of("LOCKSTEP_SEED", "42") == "no error");
}
