#pragma once
// lockstep::bounded_semaphore: Python's threading.BoundedSemaphore. A counting
// semaphore whose count may never exceed its initial value: a release() beyond
// it is a misuse failure at the releasing line (Python raises ValueError there).
#include <cstddef>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/detail/semaphore_base.hpp>

namespace lockstep {

class bounded_semaphore : public detail::semaphore_base {
public:
    explicit bounded_semaphore(std::ptrdiff_t initial, std::string_view name = {},
                               std::source_location created = std::source_location::current())
        : semaphore_base(detail::object_kind::bounded_semaphore, initial, initial, name, created), bound_(initial) {}

    std::ptrdiff_t max() const noexcept { return bound_; }

    void release(std::ptrdiff_t update = 1, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::release, id_, where, detail::sync::publish});
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
        detail::schedule({detail::op_kind::try_release, id_, where, detail::sync::publish});
        const bool ok = count_ < bound_;
        if (ok) ++count_;
        detail::annotate(ok);
        return ok;
    }

private:
    std::ptrdiff_t bound_;
};

} // namespace lockstep
