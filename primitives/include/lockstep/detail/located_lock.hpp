#pragma once
// What std::unique_lock and std::shared_lock are over a lockstep mutex (see
// std_locks.hpp): the standard interface, with the caller's line on every step
// the lock takes, and misuse reported instead of thrown.
#include <chrono>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <lockstep/detail/runtime.hpp>

namespace lockstep::detail {

template <class Mutex, bool Shared>
class located_lock {
    using here = std::source_location;

public:
    using mutex_type = Mutex;

    located_lock() noexcept = default;
    explicit located_lock(Mutex& m, here where = here::current()) : m_(&m), where_(where) { lock(where); }
    located_lock(Mutex& m, std::defer_lock_t, here where = here::current()) noexcept : m_(&m), where_(where) {}
    located_lock(Mutex& m, std::try_to_lock_t, here where = here::current()) : m_(&m), where_(where) {
        try_lock(where);
    }
    located_lock(Mutex& m, std::adopt_lock_t, here where = here::current()) noexcept
        : m_(&m), owns_(true), where_(where) {}
    template <class Rep, class Period>
    located_lock(Mutex& m, const std::chrono::duration<Rep, Period>& timeout, here where = here::current())
        : m_(&m), where_(where) {
        try_lock_for(timeout, where);
    }
    template <class Clock, class Duration>
    located_lock(Mutex& m, const std::chrono::time_point<Clock, Duration>& deadline, here where = here::current())
        : m_(&m), where_(where) {
        try_lock_until(deadline, where);
    }
    located_lock(located_lock&& other) noexcept
        : m_(std::exchange(other.m_, nullptr)), owns_(std::exchange(other.owns_, false)), where_(other.where_) {}
    located_lock& operator=(located_lock&& other) {
        if (this == &other) return *this;
        if (owns_) unlock(where_);
        m_ = std::exchange(other.m_, nullptr);
        owns_ = std::exchange(other.owns_, false);
        where_ = other.where_;
        return *this;
    }
    ~located_lock() {
        if (owns_) unlock(where_);
    }

    void lock(here where = here::current()) {
        begin_locking(where);
        if constexpr (Shared) m_->lock_shared(where);
        else m_->lock(where);
        owns_ = true;
    }
    bool try_lock(here where = here::current()) {
        begin_locking(where);
        if constexpr (Shared) owns_ = m_->try_lock_shared(where);
        else owns_ = m_->try_lock(where);
        return owns_;
    }
    template <class Rep, class Period>
    bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout, here where = here::current()) {
        begin_locking(where);
        if constexpr (Shared) owns_ = m_->try_lock_shared_for(timeout, where);
        else owns_ = m_->try_lock_for(timeout, where);
        return owns_;
    }
    template <class Clock, class Duration>
    bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline, here where = here::current()) {
        begin_locking(where);
        if constexpr (Shared) owns_ = m_->try_lock_shared_until(deadline, where);
        else owns_ = m_->try_lock_until(deadline, where);
        return owns_;
    }
    void unlock(here where = here::current()) {
        if (!owns_) fail(failure_kind::misuse, std::string(name()) + "::unlock without owning the mutex", where);
        owns_ = false;
        if constexpr (Shared) m_->unlock_shared(where);
        else m_->unlock(where);
    }

    void swap(located_lock& other) noexcept {
        std::swap(m_, other.m_);
        std::swap(owns_, other.owns_);
        std::swap(where_, other.where_);
    }
    Mutex* release() noexcept {
        owns_ = false;
        return std::exchange(m_, nullptr);
    }
    Mutex* mutex() const noexcept { return m_; }
    bool owns_lock() const noexcept { return owns_; }
    explicit operator bool() const noexcept { return owns_; }

private:
    static constexpr std::string_view name() { return Shared ? "shared_lock" : "unique_lock"; }
    // Every way to lock: misuse is reported, and the destructor's unlock names this line.
    void begin_locking(here where) {
        if (m_ == nullptr) fail(failure_kind::misuse, std::string(name()) + "::lock without a mutex", where);
        if (owns_) fail(failure_kind::misuse, std::string(name()) + "::lock when it already owns its mutex", where);
        where_ = where;
    }

    Mutex* m_ = nullptr;
    bool owns_ = false;
    std::source_location where_{};
};

} // namespace lockstep::detail
