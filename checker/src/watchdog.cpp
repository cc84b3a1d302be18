#include "watchdog.hpp"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>

#include "execution.hpp"

namespace lockstep::detail {

watchdog::watchdog(const execution& ex, std::chrono::milliseconds limit) {
    if (limit.count() <= 0) return;
    thread_ = std::jthread([this, &ex, limit, target = pthread_self()](std::stop_token stop) {
        watch(stop, ex, limit, target);
    });
}

void watchdog::watch(std::stop_token stop, const execution& ex, std::chrono::milliseconds limit, pthread_t target) {
    using clock = std::chrono::steady_clock;
    const auto period = std::clamp(limit / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(10));
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    std::uint64_t seen = ex.heartbeat();
    auto since = clock::now();
    for (;;) {
        cv.wait_for(lock, stop, period, [] { return false; }); // one period, or until a stop is requested
        if (stop.stop_requested()) return;
        const std::uint64_t beat = ex.heartbeat();
        if (beat != seen || !ex.running_model()) {
            seen = beat;
            since = clock::now();
            continue;
        }
        // Signalled again at every period while it stands still: the handler may
        // have deferred (it landed in libc's code) or found the step just ended.
        if (clock::now() - since >= limit) {
            ex.suspect(beat);
            pthread_kill(target, SIGALRM);
        }
    }
}

} // namespace lockstep::detail
