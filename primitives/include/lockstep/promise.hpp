#pragma once
// lockstep::promise<T> (T, T&, void), as std's. set_value / set_exception is a
// step that publishes what the thread did before it to the future's get().
// Setting twice throws future_errc::promise_already_satisfied, get_future()
// twice future_already_retrieved; a promise destroyed unset delivers
// broken_promise to its future.
#include <exception>
#include <memory>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lockstep/detail/future_state.hpp>
#include <lockstep/detail/runtime.hpp>
#include <lockstep/future.hpp>
#include <lockstep/future_error.hpp>

namespace lockstep {

template <class T>
class promise {
public:
    // The name is the shared state's ("future#1" when none).
    explicit promise(std::string_view name = {}, std::source_location created = std::source_location::current())
        : state_(std::make_shared<detail::future_state<T>>(name, created)) {}
    promise(promise&& other) noexcept = default;
    promise& operator=(promise&& other) {
        if (this != &other) {
            abandon();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    promise(const promise&) = delete;
    promise& operator=(const promise&) = delete;
    ~promise() { abandon(); }

    void swap(promise& other) noexcept { state_.swap(other.state_); }

    future<T> get_future(std::source_location where = std::source_location::current()) {
        state("get_future", where).retrieve("promise", where);
        return future<T>(detail::future_handle<T>(state_));
    }

    // set_value(v) for T, set_value(v&) for T&, set_value() for void.
    template <class V = T>
        requires(!std::is_void_v<T> && !std::is_reference_v<T> && std::is_convertible_v<const V&, T>)
    void set_value(const V& v, std::source_location where = std::source_location::current()) {
        set(where, v);
    }
    template <class V = T>
        requires(!std::is_void_v<T> && !std::is_reference_v<T>)
    void set_value(std::type_identity_t<V>&& v, std::source_location where = std::source_location::current()) {
        set(where, std::move(v));
    }
    template <class V = T>
        requires std::is_reference_v<V>
    void set_value(std::type_identity_t<V> v, std::source_location where = std::source_location::current()) {
        set(where, std::ref(v));
    }
    template <class V = T>
        requires std::is_void_v<V>
    void set_value(std::source_location where = std::source_location::current()) {
        set(where);
    }

    void set_exception(std::exception_ptr e, std::source_location where = std::source_location::current()) {
        detail::future_state<T>& s = state("set_exception", where);
        s.begin_set(detail::op_kind::set_exception, where);
        s.set_error(std::move(e));
        s.made_ready(detail::op_kind::set_exception, where);
    }

private:
    template <class... V>
    void set(std::source_location where, V&&... v) {
        detail::future_state<T>& s = state("set_value", where);
        s.begin_set(detail::op_kind::set_value, where);
        s.store(std::forward<V>(v)...);
        s.made_ready(detail::op_kind::set_value, where);
    }

    detail::future_state<T>& state(std::string_view what, std::source_location where) {
        if (!state_)
            throw future_error(std::future_errc::no_state,
                               fmt::format("{}() at {} on a promise with no shared state (moved from) "
                                           "(future_errc::no_state)",
                                           what, detail::at(where)));
        return *state_;
    }
    // A future that is still waiting gets broken_promise.
    void abandon() {
        if (auto s = std::move(state_); s && s->retrieved()) s->abandon("promise");
    }

    std::shared_ptr<detail::future_state<T>> state_;
};

template <class T>
void swap(promise<T>& a, promise<T>& b) noexcept {
    a.swap(b);
}

} // namespace lockstep
