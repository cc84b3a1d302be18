#pragma once
// What counting_semaphore and bounded_semaphore share: the count and the ways
// to take from it. Each adds its own release, which differs in what it forbids.
#include <chrono>
#include <cstddef>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep::detail {

class semaphore_base {
public:
    semaphore_base(const semaphore_base&) = delete;
    semaphore_base& operator=(const semaphore_base&) = delete;

    void acquire(std::source_location where = std::source_location::current()) {
        schedule({op_kind::acquire, id_, where, sync::observe}, until([this] { return count_ > 0; }));
        --count_;
        annotate(count_);
    }

    bool try_acquire(std::source_location where = std::source_location::current()) {
        schedule({op_kind::try_acquire, id_, where, sync::observe});
        const bool ok = count_ > 0;
        if (ok) --count_;
        annotate(ok);
        if (!ok) no_progress();
        return ok;
    }

    // Timed acquire on the logical clock: true when it got a unit before the deadline.
    template <class Rep, class Period>
    bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout,
                         std::source_location where = std::source_location::current()) {
        return timed_acquire(deadline_after(timeout), where);
    }
    template <class Clock, class Duration>
        requires model_clock<Clock>
    bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline,
                           std::source_location where = std::source_location::current()) {
        return timed_acquire(deadline_at(deadline), where);
    }

    object_id object() const noexcept { return id_; }

protected:
    // A count outside [0, max] at creation is misuse.
    semaphore_base(object_kind kind, std::ptrdiff_t initial, std::ptrdiff_t max, std::string_view name,
                   std::source_location created)
        : id_(add_object(kind, name, created)), count_(initial) {
        if (initial < 0 || initial > max)
            fail(failure_kind::misuse,
                 fmt::format("{} created with count {}, outside [0, {}]", object_label(id_), initial, max), created);
    }

    object_id id_;
    std::ptrdiff_t count_;

private:
    bool timed_acquire(std::int64_t deadline, std::source_location where) {
        const bool ok =
            schedule_until({op_kind::try_acquire_for, id_, where, sync::observe}, until([this] { return count_ > 0; }), deadline);
        if (ok) --count_;
        annotate(ok);
        return ok;
    }
};

} // namespace lockstep::detail
