// Each failure the core checker reports, from a model that provokes it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "misbehaving_models.hpp"

using lockstep::failure_kind;

namespace {

lockstep::result run(std::function<void()> model, lockstep::options o = {}) { return lockstep::explore(std::move(model), o); }

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("an assertion failure names the expression, the message and the line") {
    const auto r = run([] {
        lockstep::atomic<int> x(0);
        lockstep::thread t([&] { x.store(1); });
        const int seen = x.load();
        t.join();
        LOCKSTEP_ASSERT(seen == 1, "the store was not seen");
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::assertion);
    CHECK(contains(r.failure->message, "seen == 1"));
    CHECK(contains(r.failure->message, "the store was not seen"));
    CHECK(contains(r.failure->location, "tests/test_failures.cpp:"));
}

TEST_CASE("self-deadlock is reported at the inner lock, not as a generic deadlock") {
    const auto r = run([] {
        lockstep::mutex m("account");
        lockstep::lock_guard outer(m);
        lockstep::lock_guard inner(m);  // the line the report must name: inner_line
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::self_deadlock);
    CHECK(contains(r.failure->message, "account, which it already holds"));
    CHECK(contains(r.failure->location, "tests/test_failures.cpp:" + std::to_string(__LINE__ - 5)));
}

TEST_CASE("unlock of a mutex not held, or held by another thread, is misuse") {
    auto not_held = run([] {
        lockstep::mutex m;
        m.unlock();
    });
    REQUIRE(not_held.failure);
    CHECK(not_held.failure->kind == failure_kind::misuse);
    CHECK(contains(not_held.failure->message, "mutex#1, which is not locked"));

    auto other = run([] {
        lockstep::mutex m("writers");
        m.lock();
        lockstep::thread t([&] { m.unlock(); });
        t.join();
    });
    REQUIRE(other.failure);
    CHECK(other.failure->kind == failure_kind::misuse);
    CHECK(contains(other.failure->message, "T1 unlocks writers, which is held by thread main"));
}

TEST_CASE("a thread that ends holding a mutex is reported with the locking line") {
    const auto r = run([] {
        lockstep::mutex m("lock");
        lockstep::thread t([&] { m.lock(); });
        t.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "thread T1 ended while holding lock"));
}

TEST_CASE("a thread never joined is reported; a detached one is not") {
    const auto r = run([] { lockstep::thread t([] {}); });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "never joined or detached"));

    const auto detached = run([] {
        lockstep::thread t([] {});
        t.detach();
    });
    CHECK(detached.ok());
}

TEST_CASE("join misuse: joining twice and joining oneself") {
    const auto twice = run([] {
        lockstep::thread t([] {});
        t.join();
        t.join();
    });
    REQUIRE(twice.failure);
    CHECK(twice.failure->kind == failure_kind::misuse);
}

TEST_CASE("an exception escaping a model thread names its type and message") {
    const auto r = run([] {
        lockstep::thread t([] { throw std::runtime_error("disk full"); });
        t.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::exception);
    CHECK(contains(r.failure->message, "std::runtime_error"));
    CHECK(contains(r.failure->message, "disk full"));

    const auto in_main = run([] { throw 42; });
    REQUIRE(in_main.failure);
    CHECK(in_main.failure->kind == failure_kind::exception);
    CHECK(contains(in_main.failure->message, "int"));
}

TEST_CASE("a deadlock that involves joining is spelled out as a cycle") {
    const auto r = run([] {
        lockstep::mutex m("m");
        lockstep::lock_guard g(m);
        lockstep::thread t(lockstep::thread_name("worker"), [&] { lockstep::lock_guard h(m); });
        t.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::deadlock);
    CHECK(contains(r.failure->report(), "cycle: main holds m, waits to join worker; worker waits for m"));
}

TEST_CASE("a stack overflow in a model thread is a failure, and the next exploration still works") {
    lockstep::options o;
    o.stack_size = 64 * 1024;
    const auto r = run(lockstep::testing::overflow_in_thread, o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::stack_overflow);
    CHECK(contains(r.failure->message, "T1 overflowed its stack of 64 KiB"));

    const auto after = run([] {
        lockstep::thread t([] {});
        t.join();
    });
    CHECK(after.ok());
}

TEST_CASE("a model that behaves differently under the same schedule is reported as nondeterministic") {
    int runs = 0;  // state outside the checker's control
    const auto r = run([&runs] {
        lockstep::atomic<int> x(0);
        if (++runs % 2 == 0) {
            lockstep::thread t([&] { x.store(1); });
            t.join();
        }
        lockstep::thread u([&] { x.store(2); });
        LOCKSTEP_ASSERT(x.load() != 2);
        u.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::nondeterminism);
}

TEST_CASE("failure reports are written to options.failure_dir") {
    const auto dir = std::filesystem::temp_directory_path() / "lockstep-test-failures";
    std::filesystem::remove_all(dir);
    lockstep::options o;
    o.failure_dir = dir.string();
    o.name = "written";
    const auto r = run([] { LOCKSTEP_ASSERT(false); }, o);
    REQUIRE(r.failure);
    std::ifstream in(dir / "lockstep-tests.written.txt");  // the binary, then the model
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == r.failure->report());
    std::filesystem::remove_all(dir);
}

TEST_CASE("lockstep objects outside a model are a usage error") {
    CHECK_THROWS_AS(lockstep::mutex(), lockstep::usage_error);
    CHECK_THROWS_AS(lockstep::explore(nullptr), lockstep::usage_error);
    const auto nested = run([] { (void)lockstep::explore([] {}); });
    REQUIRE(nested.failure);
    CHECK(nested.failure->kind == failure_kind::exception);
    CHECK(contains(nested.failure->message, "usage_error"));
}

TEST_CASE("a lockstep object kept from an earlier run (a static in the model) is misuse, at the line that uses it") {
    const auto r = run([] {
        static lockstep::mutex m("kept");
        lockstep::thread t([] { lockstep::lock_guard g(m); });
        { lockstep::lock_guard g(m); }  // two orders of taking it: a second run
        t.join();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::misuse);
    CHECK(contains(r.failure->message, "a lockstep object from an earlier run of the model was used"));
    CHECK(r.failure->location.starts_with("tests/test_failures.cpp:"));
    CHECK(r.executions == 2);  // the first run created it and was fine

    lockstep::atomic<int>* leaked = nullptr;
    CHECK(run([&] { leaked = new lockstep::atomic<int>(0, "leaked"); }).ok());
    const auto later = run([&] { (void)leaked->load(); });
    REQUIRE(later.failure);
    CHECK(later.failure->kind == failure_kind::misuse);
    delete leaked;
}
