#pragma once
// lockstep::var<T>: plain shared data. Its accesses are not scheduling points
// (they would multiply the interleavings); instead each is checked against
// happens-before, and two accesses from different threads, at least one a write,
// that no synchronization orders are a data_race failure, wherever they fall
// in the schedule.
#include <source_location>
#include <string_view>
#include <utility>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

// A value that remembers the line it was written on: `x = 5;` and `x += 1;`
// convert their right-hand side to this, so the access carries the user's line.
template <class T>
struct located {
    T value;
    std::source_location where;
    located(T v, std::source_location loc = std::source_location::current()) : value(std::move(v)), where(loc) {}
};

// Construction and destruction are writes: a slot constructed (or placement-new'd)
// by one thread while another reads it races like any write.
template <class T>
class var {
public:
    // Not explicit, so arrays and std::array of vars can be value-initialized.
    var(std::source_location created = std::source_location::current()) : var(T{}, {}, created) {}
    explicit var(T initial, std::string_view name = {},
                 std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::var, name, created)), value_(std::move(initial)),
          created_(created) {
        detail::access_var(id_, detail::var_op::construct, created);
    }
    ~var() { detail::access_var(id_, detail::var_op::destroy, created_); }
    var(const var&) = delete;
    var& operator=(const var&) = delete;

    const T& get(std::source_location where = std::source_location::current()) const {
        detail::access_var(id_, detail::var_op::read, where);
        return value_;
    }
    void set(T v, std::source_location where = std::source_location::current()) {
        detail::access_var(id_, detail::var_op::write, where);
        value_ = std::move(v);
    }
    // Read, modify and write back, as `counter += 1` does: a read and a write.
    template <class F>
    void update(F&& f, std::source_location where = std::source_location::current()) {
        detail::access_var(id_, detail::var_op::read, where);
        T next = f(value_);
        detail::access_var(id_, detail::var_op::write, where);
        value_ = std::move(next);
    }

    operator T() const { return get({}); }
    var& operator=(located<T> v) {
        set(std::move(v.value), v.where);
        return *this;
    }
    var& operator+=(located<T> v) {
        update([&](const T& x) { return x + v.value; }, v.where);
        return *this;
    }
    var& operator-=(located<T> v) {
        update([&](const T& x) { return x - v.value; }, v.where);
        return *this;
    }
    // No argument to carry a location: prefer `x += 1` where the line matters.
    var& operator++() {
        update([](const T& x) { return x + T(1); }, {});
        return *this;
    }
    var& operator--() {
        update([](const T& x) { return x - T(1); }, {});
        return *this;
    }

    detail::object_id object() const noexcept { return id_; }

private:
    detail::object_id id_;
    T value_;
    std::source_location created_;
};

} // namespace lockstep
