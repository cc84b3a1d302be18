#pragma once
// lockstep::counting_semaphore and binary_semaphore, as in <semaphore>.
#include <chrono>
#include <cstddef>
#include <limits>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep {

template <std::ptrdiff_t LeastMaxValue = std::numeric_limits<std::ptrdiff_t>::max()>
class counting_semaphore {
public:
    static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

    explicit counting_semaphore(std::ptrdiff_t desired, std::string_view name = {},
                                std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::semaphore, name, created)), count_(desired) {
        if (desired < 0 || desired > max())
            detail::fail(failure_kind::misuse,
                         fmt::format("{} created with count {}, outside [0, {}]", detail::object_label(id_), desired, max()),
                         created);
    }
    counting_semaphore(const counting_semaphore&) = delete;
    counting_semaphore& operator=(const counting_semaphore&) = delete;

    void release(std::ptrdiff_t update = 1, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::release, id_, where});
        if (update < 0 || update > max() - count_)
            detail::fail(failure_kind::misuse,
                         fmt::format("release({}) would raise the count of {} from {} above its maximum {}", update,
                                     detail::object_label(id_), count_, max()),
                         where);
        count_ += update;
        detail::annotate(count_);
    }

    void acquire(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::acquire, id_, where}, detail::until([this] { return count_ > 0; }));
        --count_;
        detail::annotate(count_);
    }

    bool try_acquire(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_acquire, id_, where});
        const bool ok = count_ > 0;
        if (ok) --count_;
        detail::annotate(ok);
        if (!ok) detail::no_progress();
        return ok;
    }

    // Timed acquire on the logical clock: true when it got a unit before the deadline.
    template <class Rep, class Period>
    bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout,
                         std::source_location where = std::source_location::current()) {
        return timed_acquire(detail::deadline_after(timeout), where);
    }
    template <class Duration>
    bool try_acquire_until(const std::chrono::time_point<clock, Duration>& deadline,
                           std::source_location where = std::source_location::current()) {
        return timed_acquire(detail::deadline_at(deadline), where);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    bool timed_acquire(std::int64_t deadline, std::source_location where) {
        const bool ok = detail::schedule_until({detail::op_kind::try_acquire_for, id_, where},
                                               detail::until([this] { return count_ > 0; }), deadline);
        if (ok) --count_;
        detail::annotate(ok);
        return ok;
    }

    detail::object_id id_;
    std::ptrdiff_t count_;
};

using binary_semaphore = counting_semaphore<1>;

} // namespace lockstep
