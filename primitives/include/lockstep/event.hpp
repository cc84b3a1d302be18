#pragma once
// lockstep::event: Python's threading.Event. set() wakes every thread waiting at
// that moment (even if clear() follows before they run, as in Python); a thread
// that starts waiting after clear() waits for the next set().
#include <chrono>
#include <cstdint>
#include <source_location>
#include <string_view>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep {

class event {
public:
    explicit event(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::event, name, created)) {}
    event(const event&) = delete;
    event& operator=(const event&) = delete;

    void set(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::set, id_, where, detail::sync::both});
        flag_ = true;
        ++generation_;
    }
    void clear(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::clear, id_, where, detail::sync::both});
        flag_ = false;
    }
    bool is_set(std::source_location where = std::source_location::current()) const {
        detail::schedule({detail::op_kind::is_set, id_, where, detail::sync::observe});
        detail::annotate(flag_);
        return flag_;
    }
    // Blocks until the flag is set (returns true, as Python's wait() does). Two
    // steps: checking the flag (and starting to wait), then being woken by a set().
    bool wait(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::wait, id_, where, detail::sync::both});
        detail::annotate(flag_);
        if (flag_) return true;
        const std::uint64_t seen = generation_;
        detail::schedule({detail::op_kind::woken, id_, where, detail::sync::both},
                         detail::until([this, seen] { return generation_ != seen; }));
        return true;
    }
    // Blocks until the flag is set or the logical timeout passes; returns
    // whether it was set (false: timed out).
    template <class Rep, class Period>
    bool wait_for(const std::chrono::duration<Rep, Period>& timeout,
                  std::source_location where = std::source_location::current()) {
        return timed_wait(detail::deadline_after(timeout), where);
    }
    template <class Clock, class Duration>
        requires detail::model_clock<Clock>
    bool wait_until(const std::chrono::time_point<Clock, Duration>& deadline,
                    std::source_location where = std::source_location::current()) {
        return timed_wait(detail::deadline_at(deadline), where);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    bool timed_wait(std::int64_t deadline, std::source_location where) {
        detail::schedule({detail::op_kind::wait_for, id_, where, detail::sync::both});
        detail::annotate(flag_);
        if (flag_) return true;
        const std::uint64_t seen = generation_;
        const bool ok = detail::schedule_until({detail::op_kind::woken, id_, where, detail::sync::both},
                                               detail::until([this, seen] { return generation_ != seen; }), deadline);
        detail::annotate(ok);
        return ok;
    }

    detail::object_id id_;
    bool flag_ = false;
    std::uint64_t generation_ = 0;
};

} // namespace lockstep
