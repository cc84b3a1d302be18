#pragma once
// lockstep::atomic<T>, atomic_flag and the fences, with the memory orders the
// code passes honoured (options.memory_model: RC11 by default). Every access
// is a visible step; which store a load reads is the memory model's choice,
// explored like a thread choice. T: an integer, bool, an enum, a pointer, or a
// trivially copyable type of at most 8 bytes.
#include <atomic>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <string_view>
#include <type_traits>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

using std::memory_order;
using std::memory_order_acq_rel;
using std::memory_order_acquire;
using std::memory_order_consume;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

namespace detail {

// A value's bits as the memory model keeps them: integers sign-extended, so
// reports show them as numbers.
template <class T>
std::uint64_t to_bits(T v) {
    if constexpr (std::is_enum_v<T>) return to_bits(static_cast<std::underlying_type_t<T>>(v));
    else if constexpr (std::is_same_v<T, bool>) return v ? 1 : 0;
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    else if constexpr (std::is_integral_v<T>) return static_cast<std::uint64_t>(v);
    else {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof(T));
        return bits;
    }
}

template <class T>
T from_bits(std::uint64_t bits) {
    if constexpr (std::is_enum_v<T>) return static_cast<T>(from_bits<std::underlying_type_t<T>>(bits));
    else if constexpr (std::is_same_v<T, bool>) return bits != 0;
    else if constexpr (std::is_integral_v<T>) return static_cast<T>(bits);
    else {
        T v;
        std::memcpy(&v, &bits, sizeof(T));
        return v;
    }
}

template <class T>
constexpr value_format format_of() {
    if constexpr (std::is_same_v<T, bool>) return value_format::boolean;
    else if constexpr (std::is_enum_v<T>) return format_of<std::underlying_type_t<T>>();
    else if constexpr (std::is_integral_v<T>) return std::is_signed_v<T> ? value_format::number : value_format::unsigned_number;
    else return value_format::hidden;  // a pointer or a struct: its step and line tell which store it is
}

// The order a compare-exchange given one order uses when it fails.
constexpr std::memory_order failure_order(std::memory_order o) {
    return o == std::memory_order_acq_rel ? std::memory_order_acquire
           : o == std::memory_order_release ? std::memory_order_relaxed
                                             : o;
}

template <class T>
concept atomic_value = std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t) &&
                       std::is_copy_constructible_v<T> && std::is_default_constructible_v<T>;

// The shared part of atomic<T>: object identity, load, store, exchange, compare-exchange.
template <class T>
class atomic_base {
public:
    using value_type = T;
    static constexpr bool is_always_lock_free = true;

    atomic_base(T initial, std::string_view name, std::source_location created)
        : id_(add_object(object_kind::atomic, name, created)) {
        atomic_created(id_, to_bits(initial), format_of<T>());
    }
    atomic_base(const atomic_base&) = delete;
    atomic_base& operator=(const atomic_base&) = delete;

    bool is_lock_free() const noexcept { return true; }

    T load(std::memory_order order = std::memory_order_seq_cst,
           std::source_location where = std::source_location::current()) const {
        const T v = from_bits<T>(atomic_load(id_, order, where));
        note(v);
        return v;
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current()) {
        atomic_store(id_, to_bits(desired), order, where);
        note(desired);
    }
    T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current()) {
        return modify(op_kind::exchange, [desired](T) { return desired; }, order, where);
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure,
                                 std::source_location where = std::source_location::current()) {
        return compare_exchange(expected, desired, success, failure, false, where);
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                                 std::source_location where = std::source_location::current()) {
        return compare_exchange(expected, desired, order, failure_order(order), false, where);
    }
    // May fail even when the value equals `expected` (explored as a choice, at
    // most once in a row per thread, so a retry loop ends).
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success, std::memory_order failure,
                               std::source_location where = std::source_location::current()) {
        return compare_exchange(expected, desired, success, failure, true, where);
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                               std::source_location where = std::source_location::current()) {
        return compare_exchange(expected, desired, order, failure_order(order), true, where);
    }

    operator T() const { return load(); }

    // C++20 waiting: returns once the value read differs from `old`; blocks
    // between reads until a notify. Waiting that nothing notifies is a deadlock.
    void wait(T old, std::memory_order order = std::memory_order_seq_cst,
              std::source_location where = std::source_location::current()) const {
        atomic_wait(id_, to_bits(old), order, where);
    }
    void notify_one(std::source_location where = std::source_location::current()) { atomic_notify(id_, false, where); }
    void notify_all(std::source_location where = std::source_location::current()) { atomic_notify(id_, true, where); }

    detail::object_id object() const noexcept { return id_; }

protected:
    static void note(T v) {
        if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) annotate(static_cast<std::int64_t>(to_bits(v)));
    }
    template <class F>
    T modify(op_kind kind, F f, std::memory_order order, std::source_location where) {
        auto apply = [](const void* c, std::uint64_t read, std::uint64_t& write) {
            write = to_bits((*static_cast<const F*>(c))(from_bits<T>(read)));
            return true;
        };
        const rmw_result r = atomic_rmw(id_, kind, {apply, &f}, order, failure_order(order), false, where);
        const T old = from_bits<T>(r.read);
        note(old);
        return old;
    }

private:
    bool compare_exchange(T& expected, T desired, std::memory_order success, std::memory_order failure, bool weak,
                          std::source_location where) {
        struct context {
            std::uint64_t expected, desired;
        } c{to_bits(expected), to_bits(desired)};
        auto apply = [](const void* p, std::uint64_t read, std::uint64_t& write) {
            const auto& cx = *static_cast<const context*>(p);
            write = cx.desired;
            return read == cx.expected;
        };
        const rmw_result r = atomic_rmw(id_, op_kind::compare_exchange, {apply, &c}, success, failure, weak, where);
        if (!r.wrote) expected = from_bits<T>(r.read);
        annotate(r.wrote);
        return r.wrote;
    }

    object_id id_;
};

} // namespace detail

template <class T>
    requires detail::atomic_value<T>
class atomic : public detail::atomic_base<T> {
    using base = detail::atomic_base<T>;
    static constexpr bool arithmetic = std::is_integral_v<T> && !std::is_same_v<T, bool>;

public:
    atomic(T initial = T{}, std::string_view name = {}, std::source_location created = std::source_location::current())
        : base(initial, name, created) {}

    T operator=(T desired) {
        this->store(desired);
        return desired;
    }

    T fetch_add(T arg, std::memory_order order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires arithmetic
    {
        return this->modify(detail::op_kind::fetch_add, [arg](T v) { return static_cast<T>(v + arg); }, order, where);
    }
    T fetch_sub(T arg, std::memory_order order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires arithmetic
    {
        return this->modify(detail::op_kind::fetch_sub, [arg](T v) { return static_cast<T>(v - arg); }, order, where);
    }
    T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires arithmetic
    {
        return this->modify(detail::op_kind::fetch_and, [arg](T v) { return static_cast<T>(v & arg); }, order, where);
    }
    T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current())
        requires arithmetic
    {
        return this->modify(detail::op_kind::fetch_or, [arg](T v) { return static_cast<T>(v | arg); }, order, where);
    }
    T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
                std::source_location where = std::source_location::current())
        requires arithmetic
    {
        return this->modify(detail::op_kind::fetch_xor, [arg](T v) { return static_cast<T>(v ^ arg); }, order, where);
    }

    T operator++() requires arithmetic { return static_cast<T>(fetch_add(1) + 1); }
    T operator++(int) requires arithmetic { return fetch_add(1); }
    T operator--() requires arithmetic { return static_cast<T>(fetch_sub(1) - 1); }
    T operator--(int) requires arithmetic { return fetch_sub(1); }
    T operator+=(T arg) requires arithmetic { return static_cast<T>(fetch_add(arg) + arg); }
    T operator-=(T arg) requires arithmetic { return static_cast<T>(fetch_sub(arg) - arg); }
    T operator&=(T arg) requires arithmetic { return static_cast<T>(fetch_and(arg) & arg); }
    T operator|=(T arg) requires arithmetic { return static_cast<T>(fetch_or(arg) | arg); }
    T operator^=(T arg) requires arithmetic { return static_cast<T>(fetch_xor(arg) ^ arg); }
};

// atomic<T*>: arithmetic in elements, as std::atomic<T*>.
template <class T>
    requires detail::atomic_value<T*>
class atomic<T*> : public detail::atomic_base<T*> {
    using base = detail::atomic_base<T*>;

public:
    atomic(T* initial = nullptr, std::string_view name = {},
           std::source_location created = std::source_location::current())
        : base(initial, name, created) {}

    T* operator=(T* desired) {
        this->store(desired);
        return desired;
    }
    T* fetch_add(std::ptrdiff_t arg, std::memory_order order = std::memory_order_seq_cst,
                 std::source_location where = std::source_location::current()) {
        return this->modify(detail::op_kind::fetch_add, [arg](T* p) { return p + arg; }, order, where);
    }
    T* fetch_sub(std::ptrdiff_t arg, std::memory_order order = std::memory_order_seq_cst,
                 std::source_location where = std::source_location::current()) {
        return this->modify(detail::op_kind::fetch_sub, [arg](T* p) { return p - arg; }, order, where);
    }
    T* operator++() { return fetch_add(1) + 1; }
    T* operator++(int) { return fetch_add(1); }
    T* operator--() { return fetch_sub(1) - 1; }
    T* operator--(int) { return fetch_sub(1); }
    T* operator+=(std::ptrdiff_t arg) { return fetch_add(arg) + arg; }
    T* operator-=(std::ptrdiff_t arg) { return fetch_sub(arg) - arg; }
};

// std::atomic_flag: clear at construction (as C++20's default constructor).
class atomic_flag {
public:
    explicit atomic_flag(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::atomic, name, created)) {
        detail::atomic_created(id_, 0, detail::value_format::boolean);
    }
    atomic_flag(const atomic_flag&) = delete;
    atomic_flag& operator=(const atomic_flag&) = delete;

    bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                      std::source_location where = std::source_location::current()) {
        auto set = [](const void*, std::uint64_t, std::uint64_t& write) {
            write = 1;
            return true;
        };
        const auto r = detail::atomic_rmw(id_, detail::op_kind::test_and_set, {set, nullptr}, order,
                                          detail::failure_order(order), false, where);
        detail::annotate(static_cast<std::int64_t>(r.read));
        return r.read != 0;
    }
    void clear(std::memory_order order = std::memory_order_seq_cst,
               std::source_location where = std::source_location::current()) {
        detail::atomic_store(id_, 0, order, where);
    }
    bool test(std::memory_order order = std::memory_order_seq_cst,
              std::source_location where = std::source_location::current()) const {
        const bool v = detail::atomic_load(id_, order, where) != 0;
        detail::annotate(v);
        return v;
    }

    void wait(bool old, std::memory_order order = std::memory_order_seq_cst,
              std::source_location where = std::source_location::current()) const {
        detail::atomic_wait(id_, old ? 1 : 0, order, where);
    }
    void notify_one(std::source_location where = std::source_location::current()) {
        detail::atomic_notify(id_, false, where);
    }
    void notify_all(std::source_location where = std::source_location::current()) {
        detail::atomic_notify(id_, true, where);
    }

    detail::object_id object() const noexcept { return id_; }

private:
    detail::object_id id_;
};

inline void atomic_thread_fence(std::memory_order order,
                                std::source_location where = std::source_location::current()) {
    detail::atomic_fence(order, where);
}

// Orders a thread with a signal handler on that same thread; lockstep has no
// signal handlers, so between threads it orders nothing.
inline void atomic_signal_fence(std::memory_order) noexcept {}

} // namespace lockstep
