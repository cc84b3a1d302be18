#pragma once
// lockstep::asyncio::thread_future<T>: what event_loop::run_coroutine_threadsafe
// returns to another thread (Python's concurrent.futures.Future). get() blocks
// that thread until the task on the loop has finished; called from a task of
// the loop itself it would block the loop, a failure.
#include <exception>
#include <memory>
#include <optional>
#include <source_location>
#include <type_traits>
#include <utility>

#include <lockstep/asyncio/core.hpp>

namespace lockstep::asyncio {

template <class T>
class thread_future {
public:
    explicit thread_future(std::source_location created = std::source_location::current())
        : state_(std::make_shared<shared>()) {
        state_->id = lockstep::detail::add_object(detail::object_kind::async_future, {}, created);
        state_->created = created;
    }

    // Blocks the calling thread until the result is there; rethrows the task's exception.
    T get(std::source_location where = std::source_location::current()) {
        shared& s = *state_;
        lockstep::detail::schedule({detail::op_kind::get, s.id, where, lockstep::detail::sync::observe},
                                   lockstep::detail::until([&s] { return s.done; }));
        if (s.error) std::rethrow_exception(s.error);
        if constexpr (!std::is_void_v<T>) return *s.value;
    }
    // Whether the result is there (a step, so other threads' order with it is explored).
    bool done(std::source_location where = std::source_location::current()) const {
        lockstep::detail::schedule({detail::op_kind::is_set, state_->id, where, lockstep::detail::sync::observe});
        return state_->done;
    }

    // For the loop's side.
    template <class... V>
    void set_value(V&&... v) {
        publish();
        if constexpr (!std::is_void_v<T>) state_->value.emplace(std::forward<V>(v)...);
        state_->done = true;
    }
    void set_exception(std::exception_ptr e) {
        publish();
        state_->error = std::move(e);
        state_->done = true;
    }

private:
    struct shared {
        detail::object_id id = detail::no_object;
        std::source_location created{};
        bool done = false;
        std::optional<std::conditional_t<std::is_void_v<T>, char, T>> value;
        std::exception_ptr error;
    };
    void publish() {
        lockstep::detail::schedule(
            {detail::op_kind::set, state_->id, state_->created, lockstep::detail::sync::publish});
    }
    std::shared_ptr<shared> state_;
};

} // namespace lockstep::asyncio
