#pragma once
// lockstep::mutex and lockstep::recursive_mutex: std's Lockable requirements,
// with every operation a visible step and every misuse a reported failure.
#include <source_location>
#include <string_view>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/std_locks.hpp>

namespace lockstep {
namespace detail {

// The shared behaviour of both mutexes; Recursive decides whether the owner may relock.
template <bool Recursive>
class basic_mutex {
public:
    explicit basic_mutex(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(add_object(Recursive ? object_kind::recursive_mutex : object_kind::mutex, name, created)) {}
    basic_mutex(object_kind kind, std::string_view name, std::source_location created)
        : id_(add_object(kind, name, created)) {}
    basic_mutex(const basic_mutex&) = delete;
    basic_mutex& operator=(const basic_mutex&) = delete;
    ~basic_mutex() {
        if (in_model() && owner(id_) != no_thread)
            fail(failure_kind::misuse,
                 fmt::format("{} was destroyed while {} still held it (locked at {})", object_label(id_),
                             thread_label(owner(id_)), source_line(locked_at(id_))),
                 {});
    }

    void lock(std::source_location where = std::source_location::current()) {
        const thread_id me = self();
        if (!Recursive && owner(id_, where) == me)
            fail(failure_kind::self_deadlock,
                 fmt::format("thread {} locks {}, which it already holds (locked at {}); a non-recursive mutex "
                             "cannot be re-acquired, so the thread would block forever",
                             thread_label(me), object_label(id_), source_line(locked_at(id_))),
                 where);
        schedule({op_kind::lock, id_, where, sync::observe}, until_unlocked(id_, Recursive ? me : no_thread));
        acquired(id_, where);
    }

    bool try_lock(std::source_location where = std::source_location::current()) {
        if (!Recursive && owner(id_, where) == self())
            fail(failure_kind::misuse,
                 fmt::format("thread {} calls try_lock on {}, which it already holds (undefined behaviour for a "
                             "non-recursive mutex)",
                             thread_label(self()), object_label(id_)),
                 where);
        schedule({op_kind::try_lock, id_, where, sync::observe});
        const bool ok = owner(id_, where) == no_thread || owner(id_) == self();
        if (ok) acquired(id_, where);
        annotate(ok);
        if (!ok) no_progress();
        return ok;
    }

    void unlock(std::source_location where = std::source_location::current()) {
        const thread_id holder = owner(id_, where);
        if (holder != self())
            fail(failure_kind::misuse,
                 holder == no_thread
                     ? fmt::format("thread {} unlocks {}, which is not locked", thread_label(self()), object_label(id_))
                     : fmt::format("thread {} unlocks {}, which is held by thread {}: only the owner may unlock a mutex",
                                   thread_label(self()), object_label(id_), thread_label(holder)),
                 where);
        schedule({op_kind::unlock, id_, where, sync::publish});
        released(id_);
    }

    object_id object() const noexcept { return id_; }

private:
    object_id id_;
};

} // namespace detail

class mutex : public detail::basic_mutex<false> {
public:
    using basic_mutex::basic_mutex;
};

class recursive_mutex : public detail::basic_mutex<true> {
public:
    using basic_mutex::basic_mutex;
};

} // namespace lockstep
