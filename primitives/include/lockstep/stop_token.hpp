#pragma once
// lockstep::stop_source, stop_token and stop_callback, as <stop_token>'s: one
// shared stop state (a lockstep object, "stop_state#1"). request_stop() is a
// step that publishes; stop_requested() is a step that observes it when it
// returns true. Callbacks run on the thread that requests the stop, in the
// order registered, or at once on the registering thread if a stop was already
// requested; a stop_callback destroyed while its callback runs on another
// thread waits for it to return.
//
// stop_requested() is logged as a load of the stop state: a thread that polls
// it again and finds it still false made no progress (as a re-read of an
// atomic no one stored to), so `while (!token.stop_requested()) {}` loops are
// explored fairly and end.
#include <algorithm>
#include <concepts>
#include <memory>
#include <source_location>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

using std::nostopstate;
using std::nostopstate_t;

namespace detail {

class stop_callback_base {
public:
    virtual void invoke() = 0;
    stop_callback_base* next = nullptr;
    bool registered = false;
    std::source_location registered_at{};

protected:
    ~stop_callback_base() = default;
};

class stop_state {
public:
    explicit stop_state(std::source_location created) : id_(add_object(object_kind::stop_state, {}, created)) {}

    object_id object() const noexcept { return id_; }
    // The flag as it is (no step): for wait conditions.
    bool requested() const noexcept { return requested_; }

    // `poll`: the caller's own check, which made no progress when it finds the
    // flag still false again; a condition variable's check is not a poll.
    bool stop_requested(std::source_location where, bool poll) {
        schedule({op_kind::load, id_, where, sync::observe});
        annotate(requested_);
        if (!requested_ && poll) {
            const thread_id me = self();
            if (std::find(polled_.begin(), polled_.end(), me) != polled_.end()) no_progress();
            else polled_.push_back(me);
        }
        return requested_;
    }

    bool request_stop(std::source_location where) {
        schedule({op_kind::request_stop, id_, where, sync::both});
        annotate(!requested_);
        if (requested_) return false;
        requested_ = true;
        requester_ = self();
        while (stop_callback_base* cb = first_) {
            first_ = cb->next;
            cb->registered = false;
            running_ = cb;
            run(*cb);
            schedule({op_kind::stop_callback_done, id_, where, sync::publish});
            running_ = nullptr;
        }
        return true;
    }

    // Registers cb, or runs it now if a stop was requested.
    void add(stop_callback_base& cb, std::source_location where) {
        schedule({op_kind::add_stop_callback, id_, where, sync::observe});
        cb.registered_at = where;
        if (requested_) {
            run(cb);
            return;
        }
        stop_callback_base** tail = &first_;
        while (*tail != nullptr) tail = &(*tail)->next;
        *tail = &cb;
        cb.next = nullptr;
        cb.registered = true;
    }

    // Deregisters cb; if it is running on another thread, waits for it to return.
    void remove(stop_callback_base& cb) {
        const thread_id me = self();
        schedule({op_kind::remove_stop_callback, id_, {}, sync::observe},
                 until([this, &cb, me] { return running_ != &cb || requester_ == me; }));
        if (!cb.registered) return;
        for (stop_callback_base** link = &first_; *link != nullptr; link = &(*link)->next)
            if (*link == &cb) {
                *link = cb.next;
                break;
            }
        cb.registered = false;
    }

    // Stop sources alive, for stop_possible() (not a step: it neither blocks nor synchronizes).
    std::uint32_t sources = 0;

private:
    void run(stop_callback_base& cb) {
        try {
            cb.invoke();
        } catch (...) {
            fail(failure_kind::misuse,
                 fmt::format("a stop_callback on {} (registered at {}) threw an exception; std::terminate "
                             "would be called here",
                             object_label(id_), source_line(cb.registered_at)),
                 cb.registered_at);
        }
    }

    object_id id_;
    bool requested_ = false;
    thread_id requester_ = no_thread;
    stop_callback_base* first_ = nullptr;    // registered callbacks, in order
    stop_callback_base* running_ = nullptr;  // the callback request_stop is running
    std::vector<thread_id> polled_;          // threads that found no stop requested
};

} // namespace detail

class stop_token {
public:
    stop_token() noexcept = default;

    bool stop_requested(std::source_location where = std::source_location::current()) const {
        return state_ && state_->stop_requested(where, true);
    }
    bool stop_possible() const noexcept { return state_ && (state_->requested() || state_->sources > 0); }
    void swap(stop_token& other) noexcept { state_.swap(other.state_); }
    friend bool operator==(const stop_token& a, const stop_token& b) noexcept { return a.state_ == b.state_; }
    friend void swap(stop_token& a, stop_token& b) noexcept { a.swap(b); }

    // The shared state, or null.
    const std::shared_ptr<detail::stop_state>& state() const noexcept { return state_; }

private:
    friend class stop_source;
    explicit stop_token(std::shared_ptr<detail::stop_state> s) noexcept : state_(std::move(s)) {}
    std::shared_ptr<detail::stop_state> state_;
};

class stop_source {
public:
    stop_source(std::source_location created = std::source_location::current())
        : state_(std::make_shared<detail::stop_state>(created)) {
        ++state_->sources;
    }
    explicit stop_source(nostopstate_t) noexcept {}
    stop_source(const stop_source& other) noexcept : state_(other.state_) {
        if (state_) ++state_->sources;
    }
    stop_source(stop_source&& other) noexcept = default;
    stop_source& operator=(stop_source other) noexcept {
        swap(other);
        return *this;
    }
    ~stop_source() {
        if (state_) --state_->sources;
    }

    stop_token get_token() const noexcept { return stop_token(state_); }
    bool stop_possible() const noexcept { return state_ != nullptr; }
    bool stop_requested(std::source_location where = std::source_location::current()) const {
        return state_ && state_->stop_requested(where, true);
    }
    // True when this call made the request (and ran the callbacks).
    bool request_stop(std::source_location where = std::source_location::current()) {
        return state_ && state_->request_stop(where);
    }
    void swap(stop_source& other) noexcept { state_.swap(other.state_); }
    friend bool operator==(const stop_source& a, const stop_source& b) noexcept { return a.state_ == b.state_; }
    friend void swap(stop_source& a, stop_source& b) noexcept { a.swap(b); }

private:
    std::shared_ptr<detail::stop_state> state_;
};

template <class Callback>
class stop_callback : private detail::stop_callback_base {
public:
    using callback_type = Callback;

    template <class C>
        requires std::constructible_from<Callback, C>
    explicit stop_callback(const stop_token& token, C&& cb,
                           std::source_location where = std::source_location::current())
        : callback_(std::forward<C>(cb)), state_(token.state()) {
        if (state_) state_->add(*this, where);
    }
    template <class C>
        requires std::constructible_from<Callback, C>
    explicit stop_callback(stop_token&& token, C&& cb, std::source_location where = std::source_location::current())
        : callback_(std::forward<C>(cb)), state_(token.state()) {
        if (state_) state_->add(*this, where);
    }
    stop_callback(const stop_callback&) = delete;
    stop_callback& operator=(const stop_callback&) = delete;
    ~stop_callback() {
        if (state_ && detail::in_model()) state_->remove(*this);
    }

private:
    void invoke() override { std::forward<Callback>(callback_)(); }

    Callback callback_;
    std::shared_ptr<detail::stop_state> state_;
};

template <class Callback>
stop_callback(stop_token, Callback) -> stop_callback<Callback>;

} // namespace lockstep
