#pragma once
// lockstep::latch: a single-use countdown, as std::latch.
#include <cstddef>
#include <limits>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

class latch {
public:
    explicit latch(std::ptrdiff_t expected, std::string_view name = {},
                   std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::latch, name, created)), count_(expected) {
        if (expected < 0)
            detail::fail(failure_kind::misuse,
                         fmt::format("{} created with a negative count {}", detail::object_label(id_), expected),
                         created);
    }
    latch(const latch&) = delete;
    latch& operator=(const latch&) = delete;

    static constexpr std::ptrdiff_t max() noexcept { return std::numeric_limits<std::ptrdiff_t>::max(); }

    void count_down(std::ptrdiff_t n = 1, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::count_down, id_, where, detail::sync::both});
        decrement(n, where);
    }
    bool try_wait(std::source_location where = std::source_location::current()) const {
        detail::schedule({detail::op_kind::try_wait, id_, where, detail::sync::observe});
        detail::annotate(count_ == 0);
        if (count_ != 0) detail::no_progress();
        return count_ == 0;
    }
    void wait(std::source_location where = std::source_location::current()) const {
        detail::schedule({detail::op_kind::wait, id_, where, detail::sync::both}, detail::until([this] { return count_ == 0; }));
    }
    void arrive_and_wait(std::ptrdiff_t n = 1, std::source_location where = std::source_location::current()) {
        count_down(n, where);
        wait(where);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    void decrement(std::ptrdiff_t n, std::source_location where) {
        if (n < 0 || n > count_)
            detail::fail(failure_kind::misuse,
                         fmt::format("count_down({}) on {} whose count is {}: the count would go below zero "
                                     "(undefined behaviour)",
                                     n, detail::object_label(id_), count_),
                         where);
        count_ -= n;
        detail::annotate(count_);
    }

    detail::object_id id_;
    std::ptrdiff_t count_;
};

} // namespace lockstep
