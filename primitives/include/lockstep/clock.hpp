#pragma once
// Logical time: lockstep::clock (steady, virtual) and this_thread::sleep_for /
// sleep_until. The clock starts at zero in every execution and only moves when
// no thread can move otherwise: it then jumps to the earliest deadline of a
// sleeping or timed-waiting thread (discrete-event simulation). lockstep::clock
// reads no wall clock, so an execution is a function of its schedule.
//
// Timed operations also take std::chrono::steady_clock and system_clock
// time_points, as code behind `namespace sync = lockstep;` computes them
// (steady_clock::now() + 100ms): the time left until such a deadline, by the
// real clock, is rounded to the millisecond (so the microseconds the model
// itself takes in real time change nothing) and counted from the logical now.
// Real time does not move with logical time, so a deadline computed once and
// reused by a later wait is extended by the logical time passed in between:
// for exact deadlines use lockstep::clock, which sync::chrono::steady_clock
// names.
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <ratio>
#include <source_location>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

struct clock {
    using rep = std::int64_t;
    using period = std::nano;
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<clock, duration>;
    static constexpr bool is_steady = true;
    static time_point now() { return time_point(duration(detail::now())); }
};

namespace detail {

// The logical deadline `d` from now; no_deadline when it does not fit.
template <class Rep, class Period>
std::int64_t deadline_after(const std::chrono::duration<Rep, Period>& d) {
    const std::int64_t start = now();
    const long double ns = std::chrono::duration<long double, std::nano>(d).count();
    if (ns <= 0) return start;
    if (ns >= static_cast<long double>(no_deadline - start)) return no_deadline;
    return start + static_cast<std::int64_t>(ns);
}

// The clocks whose time_points a timed operation takes (high_resolution_clock is one of std's two).
template <class Clock>
concept model_clock = std::same_as<Clock, clock> || std::same_as<Clock, std::chrono::steady_clock> ||
                      std::same_as<Clock, std::chrono::system_clock>;

template <class Clock, class Duration>
    requires model_clock<Clock>
std::int64_t deadline_at(const std::chrono::time_point<Clock, Duration>& t) {
    long double ns = std::chrono::duration<long double, std::nano>(t.time_since_epoch()).count();
    if constexpr (!std::same_as<Clock, clock>) {
        const long double left = std::chrono::duration<long double, std::nano>(t - Clock::now()).count();
        ns = static_cast<long double>(now()) + std::round(left / 1e6L) * 1e6L;
    }
    if (ns <= 0) return 0;
    if (ns >= static_cast<long double>(no_deadline)) return no_deadline;
    return static_cast<std::int64_t>(ns);
}

inline constexpr wait_condition never{[](const void*) { return false; }, nullptr};

inline void sleep_until_deadline(std::int64_t deadline, std::source_location where) {
    schedule_until({op_kind::sleep, thread_object(self()), where, sync::none}, never, deadline);
    annotate(deadline);
    no_progress();  // a sleeping loop is a polling loop: the scheduler treats it as a yield
}

} // namespace detail

namespace this_thread {

// Blocks the thread until the logical clock reaches now + d. sleep_for(0) lets
// the other threads run, as Python's time.sleep(0) does.
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& d,
               std::source_location where = std::source_location::current()) {
    detail::sleep_until_deadline(detail::deadline_after(d), where);
}

template <class Clock, class Duration>
    requires detail::model_clock<Clock>
void sleep_until(const std::chrono::time_point<Clock, Duration>& t,
                 std::source_location where = std::source_location::current()) {
    detail::sleep_until_deadline(detail::deadline_at(t), where);
}

} // namespace this_thread

// sync::chrono::steady_clock is the logical clock; the rest is std::chrono's.
namespace chrono {
using namespace std::chrono;
using steady_clock = lockstep::clock;
} // namespace chrono
} // namespace lockstep
