#pragma once
// lockstep::shared_mutex: one writer or many readers, as std::shared_mutex;
// works with std::shared_lock, std::unique_lock and the lockstep guards.
#include <algorithm>
#include <source_location>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/std_locks.hpp>

namespace lockstep {

class shared_mutex {
public:
    explicit shared_mutex(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::shared_mutex, name, created)) {}
    shared_mutex(const shared_mutex&) = delete;
    shared_mutex& operator=(const shared_mutex&) = delete;
    ~shared_mutex() {
        if (detail::in_model() && (detail::owner(id_) != detail::no_thread || !readers_.empty()))
            detail::fail(failure_kind::misuse,
                         fmt::format("{} was destroyed while still locked", detail::object_label(id_)), {});
    }

    // Exclusive ownership.
    void lock(std::source_location where = std::source_location::current()) {
        const detail::thread_id me = detail::self();
        if (detail::owner(id_, where) == me || holds_shared(me))
            detail::fail(failure_kind::self_deadlock,
                         fmt::format("thread {} locks {}, which it already holds{}; it would block forever",
                                     detail::thread_label(me), detail::object_label(id_),
                                     holds_shared(me) ? " in shared mode" : ""),
                         where);
        const auto no_readers = [this] { return readers_.empty(); };
        detail::schedule({detail::op_kind::lock, id_, where, detail::sync::observe},
                         detail::until_unlocked(id_, detail::no_thread, detail::until(no_readers)));
        detail::acquired(id_, where);
    }
    bool try_lock(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_lock, id_, where, detail::sync::observe});
        const bool ok = detail::owner(id_, where) == detail::no_thread && readers_.empty();
        if (ok) detail::acquired(id_, where);
        detail::annotate(ok);
        if (!ok) detail::no_progress();
        return ok;
    }
    void unlock(std::source_location where = std::source_location::current()) {
        const detail::thread_id holder = detail::owner(id_, where);
        if (holder != detail::self())
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} unlocks {}, which it does not hold exclusively",
                                     detail::thread_label(detail::self()), detail::object_label(id_)),
                         where);
        detail::schedule({detail::op_kind::unlock, id_, where, detail::sync::publish});
        detail::released(id_);
    }

    // Shared ownership.
    void lock_shared(std::source_location where = std::source_location::current()) {
        const detail::thread_id me = detail::self();
        if (detail::owner(id_, where) == me || holds_shared(me))
            detail::fail(failure_kind::self_deadlock,
                         fmt::format("thread {} calls lock_shared on {}, which it already holds (undefined "
                                     "behaviour; it may block forever)",
                                     detail::thread_label(me), detail::object_label(id_)),
                         where);
        detail::schedule({detail::op_kind::lock_shared, id_, where, detail::sync::observe},
                         detail::until_unlocked(id_));
        readers_.push_back(me);
        detail::acquired_shared(id_, where);
    }
    bool try_lock_shared(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_lock_shared, id_, where, detail::sync::observe});
        const bool ok = detail::owner(id_, where) == detail::no_thread && !holds_shared(detail::self());
        if (ok) {
            readers_.push_back(detail::self());
            detail::acquired_shared(id_, where);
        }
        detail::annotate(ok);
        if (!ok) detail::no_progress();
        return ok;
    }
    void unlock_shared(std::source_location where = std::source_location::current()) {
        const detail::thread_id me = detail::self();
        const auto it = std::find(readers_.begin(), readers_.end(), me);
        if (it == readers_.end())
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} calls unlock_shared on {}, which it does not hold in shared mode",
                                     detail::thread_label(me), detail::object_label(id_)),
                         where);
        detail::schedule({detail::op_kind::unlock_shared, id_, where, detail::sync::publish});
        readers_.erase(std::find(readers_.begin(), readers_.end(), me));
        detail::released_shared(id_);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    bool holds_shared(detail::thread_id t) const { return std::find(readers_.begin(), readers_.end(), t) != readers_.end(); }

    detail::object_id id_;
    std::vector<detail::thread_id> readers_;
};

} // namespace lockstep
