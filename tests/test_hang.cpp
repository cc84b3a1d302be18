// A model thread that never reaches its next lockstep operation (an infinite
// loop outside lockstep, a std::mutex) is reported as a hang, not waited for.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>

#include <lockstep/lockstep.hpp>

using lockstep::failure_kind;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

lockstep::options quick() {
    lockstep::options o;
    o.step_time_limit = 200ms;
    return o;
}

// Spins on plain memory that only a model could change: it never does.
void spin_forever() {
    volatile int flag = 0;
    while (flag == 0) {
    }
}

} // namespace

TEST_CASE("an infinite loop outside lockstep is a hang naming the thread and its last step") {
    const auto start = std::chrono::steady_clock::now();
    const auto r = lockstep::explore(
        [] {
            lockstep::mutex m("m");
            lockstep::thread t(lockstep::thread_name("spinner"), [&] {
                { lockstep::lock_guard g(m); }
                spin_forever();
            });
            t.join();
        },
        quick());
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::hang);
    CHECK(contains(r.failure->message, "thread spinner ran for 200 ms since its last step at tests/test_hang.cpp:"));
    CHECK(contains(r.failure->message, "without reaching another lockstep operation"));
    // Found and verified by replay: two waits of the limit, not the default 10 s.
    CHECK(std::chrono::steady_clock::now() - start < 5s);

    // The token replays the hang.
    const auto again = lockstep::replay([] {
        lockstep::mutex m("m");
        lockstep::thread t(lockstep::thread_name("spinner"), [&] {
            { lockstep::lock_guard g(m); }
            spin_forever();
        });
        t.join();
    }, r.failure->token, quick());
    REQUIRE(again.failure);
    CHECK(again.failure->kind == failure_kind::hang);
}

TEST_CASE("blocking on a std::mutex inside a model is a hang, and the next exploration still works") {
    const auto r = lockstep::explore(
        [] {
            std::mutex real;
            real.lock();  // held by the model's only OS thread, which the next line blocks
            lockstep::thread t([&real] { std::lock_guard g(real); });
            t.join();
            real.unlock();
        },
        quick());
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::hang);

    const auto next = lockstep::explore([] {
        lockstep::thread t([] {});
        t.join();
    });
    CHECK(next.ok());
}

TEST_CASE("the main model thread can hang too, before its first step; a zero limit turns the watchdog off") {
    const auto r = lockstep::explore(spin_forever, quick());
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::hang);
    CHECK(contains(r.failure->message, "thread main ran for 200 ms since it started"));

    // Slow model code that does finish is not a hang.
    lockstep::options patient = quick();
    patient.step_time_limit = 0ms;
    const auto slow = lockstep::explore(
        [] {
            const auto until = std::chrono::steady_clock::now() + 300ms;
            while (std::chrono::steady_clock::now() < until) {
            }
        },
        patient);
    CHECK(slow.ok());
}

TEST_CASE("a hang in a worker of a parallel random search") {
    lockstep::options o = quick();
    o.strategy = lockstep::strategy::random;
    o.workers = 2;
    o.max_executions = 10;
    const auto r = lockstep::explore(
        [] {
            lockstep::thread t([] {
                if (lockstep::choose(2) == 1) spin_forever();
            });
            t.join();
        },
        o);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::hang);
}

TEST_CASE("a slow step that finishes within the limit is not a hang") {
    lockstep::options o;
    o.step_time_limit = 2'000ms;
    const auto r = lockstep::explore(
        [] {
            lockstep::mutex m("m");
            lockstep::thread t([&] {
                lockstep::lock_guard g(m);
                const auto until = std::chrono::steady_clock::now() + 300ms;  // slow, but well within 2 s
                while (std::chrono::steady_clock::now() < until) {
                }
            });
            t.join();
        },
        o);
    CHECK(r.ok());
}
