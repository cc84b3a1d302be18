#pragma once
// lock_guard, unique_lock and scoped_lock that remember the caller's line.
// std's work on lockstep mutexes unchanged, but their steps point into <mutex>;
// these point at the user's code. With `namespace sync = lockstep;` they are
// what sync::lock_guard names, and std's when sync is std.
#include <array>
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

// Locks several lockables without deadlock, as std::lock does: lock one, try the
// rest, and on a failure release them and start from the one that failed.
template <class... Lockables>
void lock_all(std::source_location where, Lockables&... locks) {
    constexpr std::size_t n = sizeof...(Lockables);
    struct ref {
        void* object;
        void (*lock)(void*, std::source_location);
        bool (*try_lock)(void*, std::source_location);
        void (*unlock)(void*, std::source_location);
    };
    const std::array<ref, n> all{ref{
        &locks, [](void* o, std::source_location w) { static_cast<Lockables*>(o)->lock(w); },
        [](void* o, std::source_location w) { return static_cast<Lockables*>(o)->try_lock(w); },
        [](void* o, std::source_location w) { static_cast<Lockables*>(o)->unlock(w); }}...};
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
