#pragma once
// lockstep::bounded_semaphore: Python's threading.BoundedSemaphore. A counting
// semaphore whose count may never exceed its initial value: a release() beyond
// it is a misuse failure at the releasing line (Python raises ValueError there).
#include <chrono>
#include <cstddef>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep {

class bounded_semaphore {
public:
    explicit bounded_semaphore(std::ptrdiff_t initial, std::string_view name = {},
                               std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::bounded_semaphore, name, created)),
          count_(initial),
          bound_(initial) {
        if (initial < 0)
            detail::fail(failure_kind::misuse,
                         fmt::format("{} created with a negative count {}", detail::object_label(id_), initial),
                         created);
    }
    bounded_semaphore(const bounded_semaphore&) = delete;
    bounded_semaphore& operator=(const bounded_semaphore&) = delete;

    std::ptrdiff_t max() const noexcept { return bound_; }

    void release(std::ptrdiff_t update = 1, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::release, id_, where});
        if (update < 0 || update > bound_ - count_)
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} releases {} {} time(s) while its count is {}: the count would exceed "
                                     "its initial value {} (more releases than acquires; Python's BoundedSemaphore "
                                     "raises ValueError here)",
                                     detail::thread_label(detail::self()), detail::object_label(id_), update, count_,
                                     bound_),
                         where);
        count_ += update;
        detail::annotate(count_);
    }

    // Not in std: Python's `try: sem.release() except ValueError: pass`. Releases
    // when the count is below its bound and returns true; otherwise returns false.
    bool try_release(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_release, id_, where});
        const bool ok = count_ < bound_;
        if (ok) ++count_;
        detail::annotate(ok);
        return ok;
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
    std::ptrdiff_t bound_;
};

} // namespace lockstep
