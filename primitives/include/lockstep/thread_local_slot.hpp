#pragma once
// lockstep::thread_local_slot<T>: Python's threading.local for one value. Each
// model thread sees its own T (default-constructed or from the factory on first
// use). C++ `thread_local` does not work for model threads: they are fibers on
// one OS thread, so they would all share one copy. Accessing a slot touches only
// the calling thread's own value, so it is not a scheduling step.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <string_view>
#include <vector>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

template <class T>
class thread_local_slot {
public:
    explicit thread_local_slot(std::string_view name = {},
                               std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::thread_local_slot, name, created)) {}
    thread_local_slot(std::function<T()> factory, std::string_view name = {},
                      std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::thread_local_slot, name, created)), factory_(std::move(factory)) {}
    thread_local_slot(const thread_local_slot&) = delete;
    thread_local_slot& operator=(const thread_local_slot&) = delete;

    // This thread's value, created on first use.
    T& get() {
        std::optional<T>& v = slot();
        if (!v) v.emplace(factory_ ? factory_() : T{});
        return *v;
    }
    T& operator*() { return get(); }
    T* operator->() { return &get(); }
    void set(T value) { slot() = std::move(value); }
    // Whether this thread has a value yet (Python: hasattr(local, "x")).
    bool has_value() {
        const std::size_t t = detail::self();
        return t < values_.size() && values_[t].has_value();
    }
    void reset() { slot().reset(); }
    detail::object_id object() const noexcept { return id_; }

private:
    std::optional<T>& slot() {
        const std::size_t t = detail::self();
        if (t >= values_.size()) values_.resize(t + 1);
        return values_[t];
    }

    detail::object_id id_;
    std::function<T()> factory_;
    std::vector<std::optional<T>> values_;
};

} // namespace lockstep
