#pragma once
// lockstep::condition_variable over std::unique_lock<lockstep::mutex>. Which
// waiter a notify_one wakes is unspecified in C++, so every choice is explored.
// Timed waits (wait_for / wait_until) run on the logical clock; with
// options.spurious_wakeups (or allow_spurious_wakeups()) a wait may also return
// without a notify, once per thread and execution, explored as a choice.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <source_location>
#include <string_view>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/mutex.hpp>

namespace lockstep {

// Lets condition-variable waits in this execution wake spuriously; call it first
// thing in a model (the runner does it for a model with settings.spurious_wakeups).
inline void allow_spurious_wakeups(bool on = true) { detail::set_spurious_wakeups(on); }

namespace detail {

// The values a wake step is annotated with.
inline constexpr std::int64_t woke_notified = 1, woke_timed_out = 0, woke_spuriously = 2, woke_by_stop = 3;

// The threads waiting on one condition variable, on their own stacks, in arrival order.
class waiter_list {
public:
    struct waiter {
        thread_id thread;
        bool notified;
        waiter* next;
    };

    void add(waiter& w) {
        waiter** tail = &first_;
        while (*tail != nullptr) tail = &(*tail)->next;
        *tail = &w;
    }
    void remove(waiter& w) {
        for (waiter** link = &first_; *link != nullptr; link = &(*link)->next)
            if (*link == &w) {
                *link = w.next;
                return;
            }
    }
    void notify_one(object_id cv, std::source_location where) {
        schedule({op_kind::notify_one, cv, where, sync::both});
        std::size_t count = 0;
        for (waiter* w = first_; w != nullptr; w = w->next) ++count;
        if (count == 0) {
            annotate(-1);
            return;
        }
        std::size_t k = decide(count);
        waiter** link = &first_;
        while (k-- > 0) link = &(*link)->next;
        waiter* woken = *link;
        *link = woken->next;
        woken->notified = true;
        annotate(woken->thread);
    }
    void notify_all(object_id cv, std::source_location where) {
        schedule({op_kind::notify_all, cv, where, sync::both});
        std::int64_t woken = 0;
        for (waiter* w = first_; w != nullptr; w = w->next, ++woken) w->notified = true;
        first_ = nullptr;
        annotate(woken);
    }

private:
    waiter* first_ = nullptr;
};

} // namespace detail

class condition_variable {
public:
    explicit condition_variable(std::string_view name = {},
                                std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::condition_variable, name, created)) {}
    condition_variable(const condition_variable&) = delete;
    condition_variable& operator=(const condition_variable&) = delete;

    detail::object_id object() const noexcept { return id_; }

    void notify_one(std::source_location where = std::source_location::current()) { waiters_.notify_one(id_, where); }
    void notify_all(std::source_location where = std::source_location::current()) { waiters_.notify_all(id_, where); }

    void wait(std::unique_lock<mutex>& lock, std::source_location where = std::source_location::current()) {
        wait_until_deadline(lock, detail::no_deadline, where);
    }

    template <class Predicate>
    void wait(std::unique_lock<mutex>& lock, Predicate ready,
              std::source_location where = std::source_location::current()) {
        while (!ready()) wait(lock, where);
    }

    template <class Rep, class Period>
    std::cv_status wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                            std::source_location where = std::source_location::current()) {
        return wait_until_deadline(lock, detail::deadline_after(timeout), where);
    }
    template <class Clock, class Duration>
        requires detail::model_clock<Clock>
    std::cv_status wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                              std::source_location where = std::source_location::current()) {
        return wait_until_deadline(lock, detail::deadline_at(deadline), where);
    }
    template <class Rep, class Period, class Predicate>
    bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                  std::source_location where = std::source_location::current()) {
        return wait_predicate(lock, detail::deadline_after(timeout), ready, where);
    }
    template <class Clock, class Duration, class Predicate>
        requires detail::model_clock<Clock>
    bool wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                    Predicate ready, std::source_location where = std::source_location::current()) {
        return wait_predicate(lock, detail::deadline_at(deadline), ready, where);
    }

private:
    template <class Predicate>
    bool wait_predicate(std::unique_lock<mutex>& lock, std::int64_t deadline, Predicate& ready,
                        std::source_location where) {
        while (!ready())
            if (wait_until_deadline(lock, deadline, where) == std::cv_status::timeout) return ready();
        return true;
    }

    std::cv_status wait_until_deadline(std::unique_lock<mutex>& lock, std::int64_t deadline,
                                       std::source_location where) {
        using namespace detail;
        if (!lock.owns_lock())
            fail(failure_kind::misuse, "condition_variable::wait with a unique_lock that does not own its mutex",
                 where);
        const object_id m = lock.mutex()->object();
        if (owner(m, where) != self())
            fail(failure_kind::misuse, "condition_variable::wait on a mutex this thread does not hold", where);
        // Releasing the mutex and joining the waiters is one atomic step.
        schedule({op_kind::wait, id_, where, sync::both, m});
        waiter_list::waiter me{self(), false, nullptr};
        waiters_.add(me);
        const std::uint32_t levels = depth(m);
        for (std::uint32_t i = 0; i < levels; ++i) released(m);
        // Woken (by a notify, or spuriously) and relocking the mutex: one step,
        // once both can happen; or the deadline passes first.
        const bool spurious = spurious_wakeup_available();
        const auto woken_up = [&me, spurious] { return me.notified || spurious; };
        const bool woken = schedule_until({op_kind::wake, id_, where, sync::both, m},
                                          until_unlocked(m, no_thread, until(woken_up)), deadline);
        std::cv_status status = std::cv_status::no_timeout;
        if (woken) {
            if (!me.notified) {
                waiters_.remove(me);
                spurious_wakeup_taken();
                annotate(woke_spuriously);
            } else {
                annotate(woke_notified);
            }
        } else {
            // The deadline passed. A notified waiter whose mutex is busy was still woken.
            if (!me.notified) {
                waiters_.remove(me);
                status = std::cv_status::timeout;
            }
            annotate(me.notified ? woke_notified : woke_timed_out);
            schedule({op_kind::relock, m, where, sync::observe}, until_unlocked(m));
        }
        for (std::uint32_t i = 0; i < levels; ++i) acquired(m, where);
        return status;
    }

    detail::object_id id_;
    detail::waiter_list waiters_;
};

} // namespace lockstep
