// std's lock types over lockstep mutexes: every step they take names the
// caller's line, not one inside <mutex>, and misuse is reported, not thrown.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <shared_mutex>

#include <lockstep/lockstep.hpp>

using lockstep::failure_kind;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }
std::string at(std::uint_least32_t line) { return fmt::format("tests/test_std_locks.cpp:{}", line); }

// The line of the first step on `object` whose operation is `op` in a report's interleaving.
std::string step_line(const std::string& report, std::string_view op, std::string_view object) {
    std::size_t at = 0;
    while ((at = report.find('\n', at)) != std::string::npos) {
        ++at;
        const std::string line = report.substr(at, report.find('\n', at) - at);
        if (contains(line, fmt::format(" {} ", op)) && contains(line, fmt::format(" {} ", object))) return line;
    }
    return {};
}

} // namespace

TEST_CASE("std::lock_guard, std::unique_lock and std::scoped_lock steps name the caller's line") {
    std::uint_least32_t line = 0;
    const auto r = lockstep::explore([&] {
        lockstep::mutex a("a"), b("b"), c("c");
        lockstep::thread t([&] {
            line = std::source_location::current().line();
            std::lock_guard guard(a);
            std::unique_lock lock(b);
            std::scoped_lock both(c);
            LOCKSTEP_ASSERT(false, "stop");
        });
        t.join();
    });
    REQUIRE(r.failure);
    const std::string& report = r.failure->report();
    CHECK(contains(step_line(report, "lock", "a"), at(line + 1)));
    CHECK(contains(step_line(report, "lock", "b"), at(line + 2)));
    CHECK(contains(step_line(report, "lock", "c"), at(line + 3)));
    CHECK_FALSE(contains(report, "mutex:"));  // nothing points into <mutex>
    CHECK_FALSE(contains(report, "bits/"));
}

TEST_CASE("an AB-BA deadlock through std::lock_guard is reported at the user's lines") {
    std::uint_least32_t line = 0;
    const auto r = lockstep::explore([&] {
        lockstep::mutex a("a"), b("b");
        line = std::source_location::current().line();
        lockstep::thread t1([&] {
            std::lock_guard x(a);
            std::lock_guard y(b);
        });
        lockstep::thread t2([&] {
            std::lock_guard y(b);
            std::lock_guard x(a);
        });
        t1.join();
        t2.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::deadlock);
    CHECK(contains(r.failure->report(), "waits to lock b at " + at(line + 3)));
    CHECK(contains(r.failure->report(), "waits to lock a at " + at(line + 7)));
}

TEST_CASE("std::unique_lock: deferred, tried, timed, moved, released, and its misuse") {
    const auto r = lockstep::explore([] {
        lockstep::timed_mutex m("m");
        std::unique_lock lock(m, std::defer_lock);
        LOCKSTEP_ASSERT(!lock.owns_lock() && lock.mutex() == &m);
        LOCKSTEP_ASSERT(lock.try_lock());
        std::unique_lock moved(std::move(lock));
        LOCKSTEP_ASSERT(moved.owns_lock() && !lock.owns_lock() && lock.mutex() == nullptr);
        moved.unlock();
        LOCKSTEP_ASSERT(moved.try_lock_for(std::chrono::milliseconds(10)));
        lockstep::timed_mutex* raw = moved.release();
        LOCKSTEP_ASSERT(raw == &m && !moved);
        raw->unlock();
        std::unique_lock timed(m, std::chrono::milliseconds(5));
        LOCKSTEP_ASSERT(static_cast<bool>(timed));
    });
    CHECK(r.ok());

    std::uint_least32_t line = 0;
    const auto twice = lockstep::explore([&] {
        lockstep::mutex m("m");
        std::unique_lock lock(m);
        line = std::source_location::current().line();
        lock.lock();
    });
    REQUIRE(twice.failure);
    CHECK(twice.failure->kind == failure_kind::misuse);
    CHECK(contains(twice.failure->message, "unique_lock::lock when it already owns its mutex"));
    CHECK(twice.failure->location == at(line + 1));

    const auto not_owned = lockstep::explore([] {
        lockstep::mutex m("m");
        std::unique_lock lock(m, std::defer_lock);
        lock.unlock();
    });
    REQUIRE(not_owned.failure);
    CHECK(contains(not_owned.failure->message, "unique_lock::unlock without owning the mutex"));
}

TEST_CASE("std::shared_lock over lockstep::shared_mutex names the caller's line") {
    std::uint_least32_t line = 0;
    const auto r = lockstep::explore([&] {
        lockstep::shared_mutex rw("rw");
        line = std::source_location::current().line();
        std::shared_lock reader(rw);
        LOCKSTEP_ASSERT(reader.owns_lock());
        reader.unlock();
        LOCKSTEP_ASSERT(reader.try_lock());
        LOCKSTEP_ASSERT(false, "stop");
    });
    REQUIRE(r.failure);
    CHECK(contains(step_line(r.failure->report(), "lock_shared", "rw"), at(line + 1)));
}

TEST_CASE("a thread that ends holding a shared_mutex in shared mode is misuse") {
    const auto r = lockstep::explore([] {
        lockstep::shared_mutex rw("rw");
        lockstep::thread reader([&] { rw.lock_shared(); });
        reader.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "thread T1 ended while holding rw in shared mode (locked at tests/test_std_locks.cpp:"));
}
