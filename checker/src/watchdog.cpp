#include "watchdog.hpp"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>

#include <time.h>

#include "execution.hpp"
#include "signal_handlers.hpp"

namespace lockstep::detail {

watchdog::watchdog(const execution& ex, std::chrono::milliseconds limit) {
    if (limit.count() <= 0) return;
    thread_ = std::jthread([this, &ex, limit, target = pthread_self()](std::stop_token stop) {
        watch(stop, ex, limit, target);
    });
}

namespace {

// CPU time the model's OS thread has used: a thread stopped with the whole
// process (SIGSTOP, a debugger) or waiting for a CPU uses none.
std::chrono::nanoseconds cpu_time(clockid_t clock) {
    timespec ts{};
    if (clock_gettime(clock, &ts) != 0) return {};
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

} // namespace

// A hang is a step that has used `limit` of the model thread's CPU time (a
// loop), or has waited `limit` without using any while the watchdog itself
// ran on time (a std::mutex, I/O). Time the watchdog did not see pass, because
// the process was stopped, counts at most as one period.
void watchdog::watch(std::stop_token stop, const execution& ex, std::chrono::milliseconds limit, pthread_t target) {
    using clock = std::chrono::steady_clock;
    const auto period = std::clamp(limit / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(10));
    clockid_t cpu_clock{};
    const bool has_cpu_clock = pthread_getcpuclockid(target, &cpu_clock) == 0;
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    std::uint64_t seen = ex.heartbeat();
    auto last_tick = clock::now();
    auto cpu_at_tick = has_cpu_clock ? cpu_time(cpu_clock) : std::chrono::nanoseconds{};
    std::chrono::nanoseconds used{0}, waited{0};
    for (;;) {
        cv.wait_for(lock, stop, period, [] { return false; }); // one period, or until a stop is requested
        if (stop.stop_requested()) return;
        const auto now = clock::now();
        const auto cpu = has_cpu_clock ? cpu_time(cpu_clock) : std::chrono::nanoseconds{};
        const auto tick = std::min<std::chrono::nanoseconds>(now - last_tick, 2 * period);
        const auto gained = cpu - cpu_at_tick;
        last_tick = now;
        cpu_at_tick = cpu;
        const std::uint64_t beat = ex.heartbeat();
        if (beat != seen || !ex.running_model()) {
            seen = beat;
            used = waited = {};
            continue;
        }
        if (!has_cpu_clock) waited += tick;  // wall time only: the old rule
        else if (gained.count() > 0) used += gained;
        else waited += tick;
        // Signalled again at every period while it stands still: the handler may
        // have deferred (it landed in libc's code) or found the step just ended.
        if (used >= limit || waited >= limit) {
            ex.suspect(beat);
            union sigval mark {};
            mark.sival_int = watchdog_mark;
            pthread_sigqueue(target, SIGALRM, mark);
        }
    }
}

} // namespace lockstep::detail
