#pragma once
// lock_guard, unique_lock and scoped_lock that remember the caller's line.
// std's work on lockstep mutexes unchanged, but their steps point into <mutex>;
// these point at the user's code. With `namespace sync = lockstep;` they are
// what sync::lock_guard names, and std's when sync is std.
#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <mutex>
#include <source_location>
#include <tuple>
#include <utility>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/mutex.hpp>

namespace lockstep {

template <class Mutex>
class lock_guard {
public:
    using mutex_type = Mutex;
    explicit lock_guard(Mutex& m, std::source_location where = std::source_location::current())
        : m_(m), where_(where) {
        m_.lock(where_);
    }
    lock_guard(Mutex& m, std::adopt_lock_t, std::source_location where = std::source_location::current())
        : m_(m), where_(where) {}
    ~lock_guard() { m_.unlock(where_); }
    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;

private:
    Mutex& m_;
    std::source_location where_;
};

// A std::unique_lock (so condition_variable::wait takes it) whose lock and
// unlock steps carry the caller's location.
template <class Mutex>
class unique_lock : public std::unique_lock<Mutex> {
    using base = std::unique_lock<Mutex>;

public:
    unique_lock() noexcept = default;
    explicit unique_lock(Mutex& m, std::source_location where = std::source_location::current())
        : base(m, std::defer_lock), where_(where) {
        lock(where);
    }
    unique_lock(Mutex& m, std::defer_lock_t, std::source_location where = std::source_location::current()) noexcept
        : base(m, std::defer_lock), where_(where) {}
    unique_lock(Mutex& m, std::try_to_lock_t, std::source_location where = std::source_location::current())
        : base(m, std::defer_lock), where_(where) {
        try_lock(where);
    }
    unique_lock(Mutex& m, std::adopt_lock_t, std::source_location where = std::source_location::current())
        : base(m, std::adopt_lock), where_(where) {}
    unique_lock(unique_lock&& other) noexcept = default;
    unique_lock& operator=(unique_lock&& other) {
        if (this->owns_lock()) unlock(where_);
        base::operator=(std::move(other));
        where_ = other.where_;
        return *this;
    }
    ~unique_lock() {
        if (this->owns_lock()) unlock(where_);
    }

    void lock(std::source_location where = std::source_location::current()) {
        check(where);
        this->mutex()->lock(where);
        become(std::adopt_lock);
    }
    bool try_lock(std::source_location where = std::source_location::current()) {
        check(where);
        if (!this->mutex()->try_lock(where)) return false;
        become(std::adopt_lock);
        return true;
    }
    void unlock(std::source_location where = std::source_location::current()) {
        if (!this->owns_lock())
            detail::fail(failure_kind::misuse, "unique_lock::unlock without owning the mutex", where);
        Mutex* m = this->mutex();
        become(std::defer_lock);
        m->unlock(where);
    }

private:
    void check(std::source_location where) const {
        if (this->mutex() == nullptr)
            detail::fail(failure_kind::misuse, "unique_lock::lock without a mutex", where);
        if (this->owns_lock())
            detail::fail(failure_kind::misuse, "unique_lock::lock when it already owns its mutex", where);
    }
    template <class Tag>
    void become(Tag tag) {
        Mutex* m = base::release();
        base::operator=(base(*m, tag));
    }

    std::source_location where_{};
};

namespace detail {

// A lockstep lock: it has an object id, so several of them can be taken in one global order.
template <class L>
concept ordered_lockable = requires(L& l, std::source_location w) {
    { l.object() } -> std::convertible_to<object_id>;
    l.lock(w);
    l.unlock(w);
};

// Locks several lockables without deadlock. Lockstep locks are taken in the order
// of their object ids: no thread can then wait for a lock while holding a later
// one, and, unlike std::lock's try-and-back-off, no two threads can livelock by
// backing off in step forever. Other lockables get the try-and-back-off.
template <class... Lockables>
void lock_all(std::source_location where, Lockables&... locks) {
    constexpr std::size_t n = sizeof...(Lockables);
    struct ref {
        void* object;
        object_id id;
        void (*lock)(void*, std::source_location);
        bool (*try_lock)(void*, std::source_location);
        void (*unlock)(void*, std::source_location);
    };
    std::array<ref, n> all{ref{
        &locks, [&] {
            if constexpr (ordered_lockable<Lockables>) return locks.object();
            else return no_object;
        }(),
        [](void* o, std::source_location w) { static_cast<Lockables*>(o)->lock(w); },
        [](void* o, std::source_location w) { return static_cast<bool>(static_cast<Lockables*>(o)->try_lock(w)); },
        [](void* o, std::source_location w) { static_cast<Lockables*>(o)->unlock(w); }}...};
    if constexpr ((ordered_lockable<Lockables> && ...)) {
        std::sort(all.begin(), all.end(), [](const ref& a, const ref& b) { return a.id < b.id; });
        for (const ref& r : all) r.lock(r.object, where);
        return;
    }
    std::size_t first = 0;
    for (;;) {
        all[first].lock(all[first].object, where);
        std::size_t failed = n;
        for (std::size_t k = 1; k < n && failed == n; ++k) {
            const std::size_t i = (first + k) % n;
            if (!all[i].try_lock(all[i].object, where)) failed = i;
        }
        if (failed == n) return;
        for (std::size_t i = first; i != failed; i = (i + 1) % n) all[i].unlock(all[i].object, where);
        first = failed;
    }
}

} // namespace detail

template <class... Mutexes>
class scoped_lock {
public:
    explicit scoped_lock(Mutexes&... ms, std::source_location where = std::source_location::current())
        : locks_(ms...), where_(where) {
        if constexpr (sizeof...(Mutexes) > 0) detail::lock_all(where, ms...);
    }
    ~scoped_lock() {
        std::apply([this](auto&... ms) { (ms.unlock(where_), ...); }, locks_);
    }
    scoped_lock(const scoped_lock&) = delete;
    scoped_lock& operator=(const scoped_lock&) = delete;

private:
    std::tuple<Mutexes&...> locks_;
    std::source_location where_;
};

template <class... Mutexes>
scoped_lock(Mutexes&...) -> scoped_lock<Mutexes...>;

} // namespace lockstep

// std::scoped_lock over several lockstep locks takes them in lockstep's global
// order (see detail::lock_all): the standard lets a program specialize a std
// template for its own types, and std::lock's back-off would otherwise make the
// checker explore (and report) the fair livelock of two threads backing off in step.
template <class... Mutexes>
    requires(sizeof...(Mutexes) > 1 && (lockstep::detail::ordered_lockable<Mutexes> && ...))
class std::scoped_lock<Mutexes...> {
public:
    explicit scoped_lock(Mutexes&... ms) : locks_(ms...) { lockstep::detail::lock_all({}, ms...); }
    explicit scoped_lock(std::adopt_lock_t, Mutexes&... ms) : locks_(ms...) {}
    ~scoped_lock() {
        std::apply([](auto&... ms) { (ms.unlock(std::source_location{}), ...); }, locks_);
    }
    scoped_lock(const scoped_lock&) = delete;
    scoped_lock& operator=(const scoped_lock&) = delete;

private:
    std::tuple<Mutexes&...> locks_;
};
