// S24 (document 002, "Intermediate - Rate Limiter Using Semaphore and Event"):
// RateLimiter(rate) keeps `rate` tokens in a BoundedSemaphore; a replenisher
// thread loops `while not self._stop.wait(timeout=1.0)` and releases up to
// `rate` tokens (the document's `try: release() except ValueError: pass` is
// bounded_semaphore::try_release()); close() sets the stop Event and joins the
// replenisher. On the logical clock: never more than `rate` operations per
// second, and close() stops the replenisher. Scaled from rate 3 and 9 ops to
// rate 2 and 5 ops.
#include <chrono>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

namespace {

class rate_limiter {
public:
    explicit rate_limiter(int rate)
        : rate_(rate), tokens_(rate, "_tokens"), replenisher_(thread_name("RateLimiter-Replenisher"), [this] {
              replenish();
          }) {}

    void acquire() { tokens_.acquire(); }  // blocks until a token is available
    void close() {
        stop_.set();
        replenisher_.join();
    }

private:
    void replenish() {
        while (!stop_.wait_for(1s))
            for (int i = 0; i < rate_; ++i) tokens_.try_release();  // ValueError: already at max
    }

    int rate_;
    lockstep::bounded_semaphore tokens_;
    lockstep::event stop_{"_stop"};
    lockstep::thread replenisher_;
};

} // namespace

model s24_rate_limiter() {
    model m;
    m.scenario = "S24";
    m.name = "s24_rate_limiter";
    m.summary = "RateLimiter(rate=2), BoundedSemaphore tokens replenished every logical second: <= 2 ops/s";
    m.body = [] {
        constexpr int rate = 2, operations = 5;
        rate_limiter limiter(rate);
        std::vector<std::int64_t> seconds;
        for (int i = 0; i < operations; ++i) {
            limiter.acquire();
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(lockstep::clock::now().time_since_epoch());
            seconds.push_back(now.count());
            int in_this_second = 0;
            for (std::int64_t s : seconds) in_this_second += s == now.count();
            LOCKSTEP_ASSERT(in_this_second <= rate, "more than `rate` operations in one logical second");
        }
        limiter.close();  // returns only once the replenisher has stopped
        observe("last_op_second", seconds.back());
    };
    m.expected_outcomes = {{"last_op_second", {"2"}}};
    return m;
}

} // namespace lockstep::models
