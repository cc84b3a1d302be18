#pragma once
// lockstep::condition_variable_any: a condition variable over any lockable
// (lockstep::unique_lock, std::unique_lock, a recursive_mutex, a user type).
// As in C++, wait(lock) calls lock.unlock() once and lock.lock() once: over a
// recursive_mutex held twice it releases ONE level, so the mutex stays held
// while the thread waits (Python's Condition(RLock) releases every level).
// The waits that take a stop_token also wake when a stop is requested.
#include <chrono>
#include <condition_variable>
#include <source_location>
#include <string_view>

#include <lockstep/clock.hpp>
#include <lockstep/condition_variable.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/stop_token.hpp>

namespace lockstep {

class condition_variable_any {
public:
    explicit condition_variable_any(std::string_view name = {},
                                    std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::condition_variable_any, name, created)) {}
    condition_variable_any(const condition_variable_any&) = delete;
    condition_variable_any& operator=(const condition_variable_any&) = delete;

    detail::object_id object() const noexcept { return id_; }

    void notify_one(std::source_location where = std::source_location::current()) { waiters_.notify_one(id_, where); }
    void notify_all(std::source_location where = std::source_location::current()) { waiters_.notify_all(id_, where); }

    template <class Lock>
    void wait(Lock& lock, std::source_location where = std::source_location::current()) {
        wait_until_deadline(lock, detail::no_deadline, where);
    }
    template <class Lock, class Predicate>
    void wait(Lock& lock, Predicate ready, std::source_location where = std::source_location::current()) {
        while (!ready()) wait(lock, where);
    }
    template <class Lock, class Rep, class Period>
    std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout,
                            std::source_location where = std::source_location::current()) {
        return wait_until_deadline(lock, detail::deadline_after(timeout), where);
    }
    template <class Lock, class Clock, class Duration>
        requires detail::model_clock<Clock>
    std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                              std::source_location where = std::source_location::current()) {
        return wait_until_deadline(lock, detail::deadline_at(deadline), where);
    }
    template <class Lock, class Rep, class Period, class Predicate>
    bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                  std::source_location where = std::source_location::current()) {
        return wait_predicate(lock, detail::deadline_after(timeout), ready, where);
    }
    template <class Lock, class Clock, class Duration, class Predicate>
        requires detail::model_clock<Clock>
    bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready,
                    std::source_location where = std::source_location::current()) {
        return wait_predicate(lock, detail::deadline_at(deadline), ready, where);
    }

    // As std's: until ready() holds (true) or a stop is requested (then ready()).
    template <class Lock, class Predicate>
    bool wait(Lock& lock, stop_token token, Predicate ready,
              std::source_location where = std::source_location::current()) {
        return wait_stoppable(lock, token, detail::no_deadline, ready, where);
    }
    template <class Lock, class Clock, class Duration, class Predicate>
        requires detail::model_clock<Clock>
    bool wait_until(Lock& lock, stop_token token, const std::chrono::time_point<Clock, Duration>& deadline,
                    Predicate ready, std::source_location where = std::source_location::current()) {
        return wait_stoppable(lock, token, detail::deadline_at(deadline), ready, where);
    }
    template <class Lock, class Rep, class Period, class Predicate>
    bool wait_for(Lock& lock, stop_token token, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                  std::source_location where = std::source_location::current()) {
        return wait_stoppable(lock, token, detail::deadline_after(timeout), ready, where);
    }

private:
    template <class Lock, class Predicate>
    bool wait_stoppable(Lock& lock, const stop_token& token, std::int64_t deadline, Predicate& ready,
                        std::source_location where) {
        detail::stop_state* stop = token.state().get();
        while (!(stop != nullptr && stop->stop_requested(where, false))) {
            if (ready()) return true;
            if (wait_until_deadline(lock, deadline, where, stop) == std::cv_status::timeout) return ready();
        }
        return ready();
    }

    template <class Lock, class Predicate>
    bool wait_predicate(Lock& lock, std::int64_t deadline, Predicate& ready, std::source_location where) {
        while (!ready())
            if (wait_until_deadline(lock, deadline, where) == std::cv_status::timeout) return ready();
        return true;
    }

    template <class Lock>
    static void unlock(Lock& lock, std::source_location where) {
        if constexpr (requires { lock.unlock(where); }) lock.unlock(where);
        else lock.unlock();
    }
    template <class Lock>
    static void relock(Lock& lock, std::source_location where) {
        if constexpr (requires { lock.lock(where); }) lock.lock(where);
        else lock.lock();
    }

    // With `stop`, a stop request wakes the wait too; the wake step then touches
    // the stop state as well and only observes (a waiter publishes nothing to
    // the stop state's later readers).
    template <class Lock>
    std::cv_status wait_until_deadline(Lock& lock, std::int64_t deadline, std::source_location where,
                                       detail::stop_state* stop = nullptr) {
        using namespace detail;
        // Joining the waiters is a step on the condition variable (so a notify's
        // dependence on it is visible to dpor), before the unlock step: a notify
        // after the unlock finds this thread.
        schedule({op_kind::wait, id_, where, sync::both});
        waiter_list::waiter me{self(), false, nullptr};
        waiters_.add(me);
        unlock(lock, where);
        const bool spurious = spurious_wakeup_available();
        const operation wake = stop == nullptr
                                   ? operation{op_kind::wake, id_, where, sync::both}
                                   : operation{op_kind::wake, id_, where, sync::observe, stop->object()};
        const bool woken = schedule_until(
            wake, until([&me, spurious, stop] { return me.notified || spurious || (stop && stop->requested()); }),
            deadline);
        const bool stopped = !me.notified && woken && stop != nullptr && stop->requested();
        std::cv_status status = std::cv_status::no_timeout;
        if (!me.notified) {
            waiters_.remove(me);
            if (!woken) status = std::cv_status::timeout;
            else if (!stopped) spurious_wakeup_taken();
        }
        annotate(me.notified ? woke_notified : stopped ? woke_by_stop : woken ? woke_spuriously : woke_timed_out);
        relock(lock, where);
        return status;
    }

    detail::object_id id_;
    detail::waiter_list waiters_;
};

} // namespace lockstep
