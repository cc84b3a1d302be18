#pragma once
// Catches a model thread that runs on without reaching a lockstep operation (an
// infinite loop outside lockstep, a std::mutex, real I/O): such a thread never
// comes back to the scheduling point, so no step limit can see it. A thread
// of the explorer watches the execution's heartbeat; when it stands still for
// options.step_time_limit while model code runs, it signals the OS thread
// running the execution, whose handler records a hang and leaves the fiber.
#include <chrono>
#include <pthread.h>
#include <thread>

namespace lockstep::detail {

class execution;

class watchdog {
public:
    // Watches `ex`, run on the calling OS thread; a zero limit watches nothing.
    watchdog(const execution& ex, std::chrono::milliseconds limit);
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

private:
    void watch(std::stop_token stop, const execution& ex, std::chrono::milliseconds limit, pthread_t target);

    std::jthread thread_;  // stops and joins first when destroyed
};

} // namespace lockstep::detail
