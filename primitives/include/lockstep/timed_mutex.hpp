#pragma once
// lockstep::timed_mutex and recursive_timed_mutex: the mutexes plus
// try_lock_for / try_lock_until on the logical clock. A timed lock is a choice
// between getting the mutex and timing out: it times out only when the clock
// reaches its deadline, which happens when no thread can move otherwise (for
// instance while the holder sleeps or waits).
#include <chrono>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/mutex.hpp>

namespace lockstep {
namespace detail {

template <bool Recursive>
class basic_timed_mutex : public basic_mutex<Recursive> {
public:
    explicit basic_timed_mutex(std::string_view name = {},
                               std::source_location created = std::source_location::current())
        : basic_mutex<Recursive>(Recursive ? object_kind::recursive_timed_mutex : object_kind::timed_mutex, name,
                                 created) {}

    template <class Rep, class Period>
    bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                      std::source_location where = std::source_location::current()) {
        return timed_lock(deadline_after(timeout), where);
    }
    template <class Clock, class Duration>
        requires detail::model_clock<Clock>
    bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                        std::source_location where = std::source_location::current()) {
        return timed_lock(deadline_at(deadline), where);
    }

private:
    bool timed_lock(std::int64_t deadline, std::source_location where) {
        const object_id id = this->object();
        const thread_id me = self();
        if (!Recursive && owner(id, where) == me)
            fail(failure_kind::self_deadlock,
                 fmt::format("thread {} calls try_lock_for on {}, which it already holds (locked at {}); a "
                             "non-recursive mutex cannot be re-acquired",
                             thread_label(me), object_label(id), source_line(locked_at(id))),
                 where);
        const bool ok = schedule_until({op_kind::try_lock_for, id, where, sync::observe},
                                       until_unlocked(id, Recursive ? me : no_thread), deadline);
        if (ok) acquired(id, where);
        annotate(ok);
        return ok;
    }
};

} // namespace detail

class timed_mutex : public detail::basic_timed_mutex<false> {
public:
    using basic_timed_mutex::basic_timed_mutex;
};

class recursive_timed_mutex : public detail::basic_timed_mutex<true> {
public:
    using basic_timed_mutex::basic_timed_mutex;
};

} // namespace lockstep
