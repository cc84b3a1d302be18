#pragma once
// lockstep::atomic<T> for integral T. Every access is a visible step; all are
// sequentially consistent for now, whatever memory order is passed.
#include <atomic>
#include <concepts>
#include <source_location>
#include <string_view>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

template <class T>
    requires std::integral<T>
class atomic {
public:
    using value_type = T;
    static constexpr bool is_always_lock_free = true;

    atomic(T initial = T{}, std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::atomic, name, created)), value_(initial) {}
    atomic(const atomic&) = delete;
    atomic& operator=(const atomic&) = delete;

    T load(std::memory_order = std::memory_order_seq_cst,
           std::source_location where = std::source_location::current()) const {
        step(detail::op_kind::load, where);
        detail::annotate(static_cast<std::int64_t>(value_));
        return value_;
    }
    void store(T desired, std::memory_order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current()) {
        step(detail::op_kind::store, where);
        value_ = desired;
        detail::annotate(static_cast<std::int64_t>(desired));
    }
    T exchange(T desired, std::memory_order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current()) {
        step(detail::op_kind::exchange, where);
        const T old = value_;
        value_ = desired;
        detail::annotate(static_cast<std::int64_t>(old));
        return old;
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order = std::memory_order_seq_cst,
                                 std::source_location where = std::source_location::current()) {
        step(detail::op_kind::compare_exchange, where);
        const bool ok = value_ == expected;
        if (ok) value_ = desired;
        else expected = value_;
        detail::annotate(ok);
        return ok;
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order, std::memory_order,
                                 std::source_location where = std::source_location::current()) {
        return compare_exchange_strong(expected, desired, std::memory_order_seq_cst, where);
    }
    // No spurious failures yet: weak behaves like strong.
    bool compare_exchange_weak(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                               std::source_location where = std::source_location::current()) {
        return compare_exchange_strong(expected, desired, order, where);
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order, std::memory_order,
                               std::source_location where = std::source_location::current()) {
        return compare_exchange_strong(expected, desired, std::memory_order_seq_cst, where);
    }
    T fetch_add(T arg, std::memory_order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires(!std::same_as<T, bool>)
    {
        return modify(detail::op_kind::fetch_add, arg, where);
    }
    T fetch_sub(T arg, std::memory_order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires(!std::same_as<T, bool>)
    {
        return modify(detail::op_kind::fetch_sub, arg, where);
    }

    operator T() const { return load(); }
    T operator=(T desired) {
        store(desired);
        return desired;
    }
    T operator++() requires(!std::same_as<T, bool>) { return static_cast<T>(fetch_add(1) + 1); }
    T operator++(int) requires(!std::same_as<T, bool>) { return fetch_add(1); }
    T operator--() requires(!std::same_as<T, bool>) { return static_cast<T>(fetch_sub(1) - 1); }
    T operator--(int) requires(!std::same_as<T, bool>) { return fetch_sub(1); }
    T operator+=(T arg) requires(!std::same_as<T, bool>) { return static_cast<T>(fetch_add(arg) + arg); }
    T operator-=(T arg) requires(!std::same_as<T, bool>) { return static_cast<T>(fetch_sub(arg) - arg); }

private:
    void step(detail::op_kind kind, std::source_location where) const {
        detail::schedule({kind, id_, where});
    }
    T modify(detail::op_kind kind, T arg, std::source_location where) {
        step(kind, where);
        const T old = value_;
        value_ = kind == detail::op_kind::fetch_add ? static_cast<T>(old + arg) : static_cast<T>(old - arg);
        detail::annotate(static_cast<std::int64_t>(old));
        return old;
    }

    detail::object_id id_;
    T value_;
};

} // namespace lockstep
