#pragma once
// The shared state behind promise, packaged_task, async and their futures: one
// lockstep object ("future#1"). Making it ready is a step that publishes what
// the setter did; waiting for it is a step that observes it, so data written
// before set_value happens before whatever get() returns to.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/future_error.hpp>

namespace lockstep::detail {

inline std::string at(std::source_location where) {
    return where.line() == 0 ? std::string("?") : source_line(where);
}

// What a future of T keeps: references as pointers, void as nothing.
template <class T>
struct stored {
    using type = T;
};
template <class T>
struct stored<T&> {
    using type = std::reference_wrapper<T>;
};
template <>
struct stored<void> {
    using type = std::monostate;
};

class future_state_base {
public:
    future_state_base(std::string_view name, std::source_location created)
        : id_(add_object(object_kind::future, name, created)), created_(created) {}
    future_state_base(const future_state_base&) = delete;
    future_state_base& operator=(const future_state_base&) = delete;
    virtual ~future_state_base() = default;

    object_id object() const noexcept { return id_; }
    std::string label() const { return object_label(id_); }

    // A promise's set_value / set_exception: the step, then the check that it
    // is the first; the caller stores the result and calls made_ready().
    void begin_set(op_kind kind, std::source_location where) {
        schedule({kind, id_, where, sync::publish});
        if (ready_)
            throw future_error(std::future_errc::promise_already_satisfied,
                               fmt::format("{} at {} on the promise of {}, which was already satisfied by {} at {} "
                                           "(future_errc::promise_already_satisfied)",
                                           to_string(kind), at(where), label(), to_string(satisfied_by_),
                                           at(satisfied_at_)));
    }
    void made_ready(op_kind kind, std::source_location where) {
        ready_ = true;
        satisfied_by_ = kind;
        satisfied_at_ = where;
    }
    // A task or async function that ran (its result already stored): one step.
    void finish(std::source_location where) {
        const op_kind kind = error_ ? op_kind::set_exception : op_kind::set_value;
        schedule({kind, id_, where, sync::publish});
        made_ready(kind, where);
    }
    void set_error(std::exception_ptr e) { error_ = std::move(e); }

    // The promise or task goes away: a future still waiting gets broken_promise.
    void abandon(std::string_view what) {
        // (Read outside a step: only the promise's own thread sets it, or one ordered with it.)
        if (!in_model() || ready_) return;
        schedule({op_kind::break_promise, id_, {}, sync::publish});
        if (ready_) return;
        error_ = std::make_exception_ptr(future_error(
            std::future_errc::broken_promise,
            fmt::format("the {} of {} (created at {}) was destroyed without setting a value or exception "
                        "(future_errc::broken_promise)",
                        what, label(), at(created_))));
        made_ready(op_kind::break_promise, {});
    }

    // get_future(): once per state.
    void retrieve(std::string_view what, std::source_location where) {
        if (retrieved_)
            throw future_error(std::future_errc::future_already_retrieved,
                               fmt::format("get_future() at {} on the {} of {}, whose future was already retrieved at "
                                           "{} (future_errc::future_already_retrieved)",
                                           at(where), what, label(), at(retrieved_at_)));
        retrieved_ = true;
        retrieved_at_ = where;
    }
    bool retrieved() const noexcept { return retrieved_; }

    // Blocks until ready; the first waiter of a deferred function runs it.
    void wait(op_kind kind, std::source_location where) {
        schedule({kind, id_, where, sync::observe}, until([this] { return ready_ || (deferred_ && !claimed_); }));
        if (ready_) return;
        claimed_ = true;
        run_deferred();
        finish(where);
    }
    // A timed wait; a deferred function is not run (future_status::deferred).
    std::future_status wait_until(std::int64_t deadline, std::source_location where) {
        if (deferred_) {
            schedule({op_kind::wait_for, id_, where, sync::observe});
            return ready_ ? std::future_status::ready : std::future_status::deferred;
        }
        const bool ok = schedule_until({op_kind::wait_for, id_, where, sync::observe},
                                       until([this] { return ready_; }), deadline);
        annotate(ok);
        return ok ? std::future_status::ready : std::future_status::timeout;
    }
    void rethrow_error() const {
        if (error_) std::rethrow_exception(error_);
    }

    // The futures and shared_futures referring to the state; with std::async the
    // last one to go waits for the thread to finish.
    void add_handle() noexcept { ++handles_; }
    void drop_handle(std::source_location where) {
        if (async_thread_ == no_thread || !in_model()) {
            --handles_;
            return;
        }
        schedule({op_kind::release_future, id_, where, sync::none});
        if (--handles_ > 0) return;
        const thread_id t = async_thread_;
        async_thread_ = no_thread;
        schedule({op_kind::join, thread_object(t), where, sync::observe}, until([t] { return finished(t); }));
    }
    void run_by(thread_id t) noexcept { async_thread_ = t; }

protected:
    bool deferred_ = false;

private:
    virtual void run_deferred() {}

    object_id id_;
    std::source_location created_;
    bool ready_ = false;
    op_kind satisfied_by_ = op_kind::set_value;
    std::source_location satisfied_at_{};
    std::exception_ptr error_;
    bool retrieved_ = false;
    std::source_location retrieved_at_{};
    bool claimed_ = false;  // a thread runs the deferred function
    thread_id async_thread_ = no_thread;
    std::uint32_t handles_ = 0;
};

template <class T>
class future_state : public future_state_base {
public:
    using future_state_base::future_state_base;

    template <class... V>
    void store(V&&... v) {
        value_.emplace(std::forward<V>(v)...);
    }
    // Runs f, storing what it returns or the exception it throws.
    template <class F>
    void store_result_of(F&& f) {
        try {
            if constexpr (std::is_void_v<T>) {
                std::forward<F>(f)();
                value_.emplace();
            } else {
                value_.emplace(std::forward<F>(f)());
            }
        } catch (...) {
            set_error(std::current_exception());
        }
    }

    // future::get: the value moved out (or the reference, or nothing).
    T take() {
        rethrow_error();
        if constexpr (std::is_void_v<T>) return;
        else if constexpr (std::is_reference_v<T>) return value_->get();
        else return std::move(*value_);
    }
    // shared_future::get.
    decltype(auto) peek() const {
        rethrow_error();
        if constexpr (std::is_void_v<T>) return;
        else if constexpr (std::is_reference_v<T>) return static_cast<T>(value_->get());
        else return static_cast<const T&>(*value_);
    }

private:
    std::optional<typename stored<T>::type> value_;
};

// A reference to a shared state from a future or shared_future.
template <class T>
class future_handle {
public:
    future_handle() noexcept = default;
    explicit future_handle(std::shared_ptr<future_state<T>> s) noexcept : s_(std::move(s)) {
        if (s_) s_->add_handle();
    }
    future_handle(const future_handle& other) noexcept : s_(other.s_) {
        if (s_) s_->add_handle();
    }
    future_handle(future_handle&& other) noexcept : s_(std::move(other.s_)) {}
    future_handle& operator=(future_handle other) {
        reset();
        s_ = std::move(other.s_);
        return *this;
    }
    ~future_handle() { reset(); }

    void reset(std::source_location where = {}) {
        if (auto s = std::move(s_)) s->drop_handle(where);
    }
    explicit operator bool() const noexcept { return s_ != nullptr; }
    future_state<T>& operator*() const noexcept { return *s_; }
    future_state<T>* operator->() const noexcept { return s_.get(); }

private:
    std::shared_ptr<future_state<T>> s_;
};

} // namespace lockstep::detail
