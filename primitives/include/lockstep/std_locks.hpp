#pragma once
// std::lock_guard, std::unique_lock, std::shared_lock and std::scoped_lock over
// lockstep mutexes, specialized (the standard lets a program specialize a std
// template for its own types) so that every step they take carries the caller's
// line instead of one inside <mutex>, and so that std::scoped_lock takes several
// lockstep locks in one global order: std::lock's try-and-back-off would make the
// checker explore, and report, two threads backing off in step forever.
// Every lockstep mutex header includes this one, so no program sees std's own.
#include <mutex>
#include <shared_mutex>
#include <source_location>
#include <tuple>

#include <lockstep/detail/located_lock.hpp>
#include <lockstep/detail/lock_all.hpp>

namespace lockstep::detail {

template <class L>
concept shared_lockable = requires(L& l, std::source_location w) {
    { l.object() } -> std::convertible_to<object_id>;
    l.lock_shared(w);
    l.unlock_shared(w);
};

template <class Mutex>
class located_guard {
public:
    using mutex_type = Mutex;
    explicit located_guard(Mutex& m, std::source_location where = std::source_location::current())
        : m_(m), where_(where) {
        m_.lock(where_);
    }
    located_guard(Mutex& m, std::adopt_lock_t, std::source_location where = std::source_location::current())
        : m_(m), where_(where) {}
    ~located_guard() { m_.unlock(where_); }
    located_guard(const located_guard&) = delete;
    located_guard& operator=(const located_guard&) = delete;

private:
    Mutex& m_;
    std::source_location where_;
};

template <class... Mutexes>
class located_scoped_lock {
public:
    explicit located_scoped_lock(Mutexes&... ms, std::source_location where = std::source_location::current())
        : locks_(ms...), where_(where) {
        lock_all(where, ms...);
    }
    explicit located_scoped_lock(std::adopt_lock_t, Mutexes&... ms,
                                 std::source_location where = std::source_location::current())
        : locks_(ms...), where_(where) {}
    ~located_scoped_lock() {
        std::apply([this](auto&... ms) { (ms.unlock(where_), ...); }, locks_);
    }
    located_scoped_lock(const located_scoped_lock&) = delete;
    located_scoped_lock& operator=(const located_scoped_lock&) = delete;

private:
    std::tuple<Mutexes&...> locks_;
    std::source_location where_;
};

} // namespace lockstep::detail

template <lockstep::detail::ordered_lockable Mutex>
class std::lock_guard<Mutex> : public lockstep::detail::located_guard<Mutex> {
public:
    using lockstep::detail::located_guard<Mutex>::located_guard;
};

template <lockstep::detail::ordered_lockable Mutex>
class std::unique_lock<Mutex> : public lockstep::detail::located_lock<Mutex, false> {
public:
    using lockstep::detail::located_lock<Mutex, false>::located_lock;
};

template <lockstep::detail::shared_lockable Mutex>
class std::shared_lock<Mutex> : public lockstep::detail::located_lock<Mutex, true> {
public:
    using lockstep::detail::located_lock<Mutex, true>::located_lock;
};

template <class... Mutexes>
    requires(sizeof...(Mutexes) > 1 && (lockstep::detail::ordered_lockable<Mutexes> && ...))
class std::scoped_lock<Mutexes...> : public lockstep::detail::located_scoped_lock<Mutexes...> {
public:
    using lockstep::detail::located_scoped_lock<Mutexes...>::located_scoped_lock;
};

// libstdc++ specializes the one-mutex case; this one is more constrained, so it wins.
template <lockstep::detail::ordered_lockable Mutex>
class std::scoped_lock<Mutex> : public lockstep::detail::located_scoped_lock<Mutex> {
public:
    using mutex_type = Mutex;
    using lockstep::detail::located_scoped_lock<Mutex>::located_scoped_lock;
};
