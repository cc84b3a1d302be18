// A model thread that never reaches its next lockstep operation (an infinite
// loop outside lockstep, a std::mutex) is reported as a hang, not waited for.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "misbehaving_models.hpp"

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

TEST_CASE("a hang is still caught after a stack overflow in the same process") {
    // The overflow's handler blocks the hang signal while it runs; leaving it by
    // a jump must not leave the signal blocked for the rest of the process.
    lockstep::options small = quick();
    small.stack_size = 64 * 1024;
    const auto overflow = lockstep::explore(lockstep::testing::overflow_in_thread, small);
    REQUIRE(overflow.failure);
    CHECK(overflow.failure->kind == failure_kind::stack_overflow);

    const auto hang = lockstep::explore(spin_forever, quick());
    REQUIRE(hang.failure);
    CHECK(hang.failure->kind == failure_kind::hang);
}

TEST_CASE("a hang in a loop that allocates leaves the allocator usable") {
    // The signal often lands inside malloc, which holds a lock: the handler waits
    // for a landing in the model's own code before it leaves the loop.
    for (int round = 0; round < 3; ++round) {
        const auto r = lockstep::explore(
            [] {
                volatile int flag = 0;
                while (flag == 0) {
                    std::string text(64 + static_cast<std::size_t>(flag), 'x');
                    std::vector<std::string> many(8, text);
                    (void)many;
                }
            },
            quick());
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::hang);
        std::vector<std::string> after(1000, std::string(100, 'y'));  // would block if malloc's lock were held
        CHECK(after.size() == 1000);
    }
}
