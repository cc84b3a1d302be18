// Inputs a model or a caller can get wrong: each is a clear error naming the
// cause, never a crash, a hang, or a verdict the model did not earn.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "misbehaving_models.hpp"

using lockstep::failure_kind;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string usage_error_of(lockstep::options o) {
    try {
        (void)lockstep::explore([] {}, std::move(o));
    } catch (const lockstep::usage_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("robust: choose(n) with n >= 2^32 is refused, not truncated into a false proof") {
    const auto r = lockstep::explore(lockstep::testing::choose_beyond_32_bits);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "choose(4294967298)"));
    CHECK_FALSE(r.complete);
}

TEST_CASE("robust: choose(1) in a loop counts against max_steps") {
    lockstep::options o;
    o.max_steps = 50;
    const auto r = lockstep::explore(lockstep::testing::choose_one_forever, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::livelock);
    CHECK(contains(r.failure->message, "max_steps = 50"));
}

TEST_CASE("robust: every option is validated at the start, with an error naming it") {
    lockstep::options o;
    o.stack_size = 0;
    CHECK(contains(usage_error_of(o), "options.stack_size"));
    o = {};
    o.stack_size = std::size_t{1} << 50;
    CHECK(contains(usage_error_of(o), "options.stack_size"));
    o = {};
    o.max_steps = 0;
    CHECK(contains(usage_error_of(o), "options.max_steps"));
    o = {};
    o.step_time_limit = -1ms;
    CHECK(contains(usage_error_of(o), "options.step_time_limit"));
    o = {};
    o.workers = 1'000'000;
    o.strategy = lockstep::strategy::random;
    CHECK(contains(usage_error_of(o), "options.workers"));
    o = {};
    o.strategy = static_cast<lockstep::strategy>(42);
    CHECK(contains(usage_error_of(o), "options.strategy"));
    o = {};
    o.memory_model = static_cast<lockstep::memory_model>(42);
    CHECK(contains(usage_error_of(o), "options.memory_model"));
    o = {};
    o.lock_order = static_cast<lockstep::lock_order_check>(42);
    CHECK(contains(usage_error_of(o), "options.lock_order"));
    o = {};
    o.token = "ls2-AAAA";
    CHECK(contains(usage_error_of(o), "options.token"));
    o = {};
    o.failure_dir = "/proc/version/reports";  // under a file: can never be a directory
    CHECK(contains(usage_error_of(o), "options.failure_dir"));
    // Sane values still run.
    o = {};
    o.stack_size = 64 * 1024;
    CHECK(lockstep::explore([] {}, o).ok());
}

TEST_CASE("robust: a lockstep object kept from an earlier explore() is caught, not aliased") {
    lockstep::testing::kept_object = nullptr;
    (void)lockstep::explore([] { lockstep::testing::keep_then_use(1, 2); });
    REQUIRE(lockstep::testing::kept_object != nullptr);
    // The next exploration's first run has its own object at the kept one's index.
    const auto r = lockstep::explore([] { lockstep::testing::keep_then_use(2, 2); });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "from an earlier run"));
}

TEST_CASE("robust: an object kept across 4,095 runs of one exploration is still caught") {
    static int calls = 0;
    calls = 0;
    lockstep::options o;
    o.strategy = lockstep::strategy::random;
    o.max_executions = 4'200;
    // Run 4,096 once had the first run's tag again.
    const auto r = lockstep::explore([] { lockstep::testing::keep_then_use(++calls, 4'096); }, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "from an earlier run"));
    CHECK(r.executions == 4'096);
}

TEST_CASE("robust: a failure_dir that cannot be written is reported") {
    // A directory under a regular file cannot be made, not even by root.
    const std::filesystem::path file = std::filesystem::temp_directory_path() / "lockstep-robust-not-a-dir";
    { std::ofstream(file) << "x"; }
    lockstep::options o;
    o.failure_dir = (file / "reports").string();
    o.name = "unwritable";
    std::string error;
    try {
        const auto r = lockstep::explore([] { LOCKSTEP_ASSERT(false); }, o);
        for (const std::string& w : r.warnings) error += w;
    } catch (const lockstep::usage_error& e) {
        error = e.what();
    }
    std::filesystem::remove(file);
    CHECK(contains(error, "options.failure_dir"));
    CHECK(contains(error, o.failure_dir));
}

TEST_CASE("robust: a hang before a thread's first step is located at its spawn") {
    lockstep::options o;
    o.step_time_limit = 200ms;
    const auto r = lockstep::explore(lockstep::testing::spin_from_the_start, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::hang);
    CHECK(contains(r.failure->location, "misbehaving_models.hpp:"));
}

TEST_CASE("robust: a thread spawned through vector::emplace_back is not blamed on a standard-library line") {
    const auto r = lockstep::explore(lockstep::testing::emplace_back_unjoined);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "never joined"));
    // C++ evaluates the default source_location inside std::construct_at: the
    // report says so, and how to get the model's line.
    CHECK(contains(r.failure->message, "lockstep::thread_name"));
}
