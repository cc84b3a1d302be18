#pragma once
// lockstep::counting_semaphore and binary_semaphore, as in <semaphore>.
#include <cstddef>
#include <limits>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/detail/semaphore_base.hpp>

namespace lockstep {

template <std::ptrdiff_t LeastMaxValue = std::numeric_limits<std::ptrdiff_t>::max()>
class counting_semaphore : public detail::semaphore_base {
public:
    static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

    explicit counting_semaphore(std::ptrdiff_t desired, std::string_view name = {},
                                std::source_location created = std::source_location::current())
        : semaphore_base(detail::object_kind::semaphore, desired, max(), name, created) {}

    void release(std::ptrdiff_t update = 1, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::release, id_, where, detail::sync::publish});
        if (update < 0 || update > max() - count_)
            detail::fail(failure_kind::misuse,
                         fmt::format("release({}) would raise the count of {} from {} above its maximum {}", update,
                                     detail::object_label(id_), count_, max()),
                         where);
        count_ += update;
        detail::annotate(count_);
    }
};

using binary_semaphore = counting_semaphore<1>;

} // namespace lockstep
