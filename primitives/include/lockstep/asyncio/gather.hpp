#pragma once
// gather(): runs tasks concurrently, as tasks of the running loop, and awaits
// them all (asyncio.gather). The first exception (in the order they finish)
// is thrown at the await; the other tasks keep running. With return_exceptions
// first, each result is an outcome<T> holding a value or an exception.
// Cancelling the awaiting task cancels every gathered task.
#include <cstddef>
#include <exception>
#include <optional>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>

namespace lockstep::asyncio {

struct return_exceptions_t {};
inline constexpr return_exceptions_t return_exceptions{};

// A value or the exception that ended the task (gather with return_exceptions).
template <class T>
class outcome {
public:
    bool ok() const { return !error_; }
    const T& value() const {
        if (error_) std::rethrow_exception(error_);
        return *value_;
    }
    std::exception_ptr error() const { return error_; }
    void set(T v) { value_.emplace(std::move(v)); }
    void set_error(std::exception_ptr e) { error_ = std::move(e); }

private:
    std::optional<T> value_;
    std::exception_ptr error_;
};

template <>
class outcome<void> {
public:
    bool ok() const { return !error_; }
    void value() const {
        if (error_) std::rethrow_exception(error_);
    }
    std::exception_ptr error() const { return error_; }
    void set_error(std::exception_ptr e) { error_ = std::move(e); }

private:
    std::exception_ptr error_;
};

namespace detail {

// A void task's place in a tuple of results.
template <class T>
using result_slot = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// The waiting, shared by every form of gather: one waiter woken when every
// child has finished, or (without return_exceptions) when one has failed.
class gather_wait {
public:
    explicit gather_wait(bool settled) : settled_(settled) {}
    // Moved only before it waits (into the awaiter); never copied.
    gather_wait(gather_wait&&) = default;
    gather_wait& operator=(gather_wait&&) = delete;

    void start(task_state& owner, std::vector<task_state*> children, std::source_location where) {
        owner_ = &owner;
        children_ = std::move(children);
        w_.where = where;
        for (task_state* c : children_) c->awaited = c->retrieved = true;  // gather retrieves every exception
    }
    bool ready() const {
        bool all = true;
        for (task_state* c : children_) {
            if (!settled_ && c->finished() && c->state != task_state::phase::done) return true;
            all = all && c->finished();
        }
        return all;
    }
    void suspend(std::coroutine_handle<> h) {
        w_.what = "gather of its tasks";
        w_.context = this;
        w_.describe = [](const waiter& w) {
            const auto& me = *static_cast<const gather_wait*>(w.context);
            std::size_t done = 0;
            for (task_state* c : me.children_) done += c->finished() ? 1 : 0;
            return fmt::format(" ({} of {} finished)", done, me.children_.size());
        };
        w_.on_cancel = [](waiter& w) {
            // asyncio: cancelling a gather cancels its children; it ends once they have.
            auto& me = *static_cast<gather_wait*>(w.context);
            bool any = false;
            for (task_state* c : me.children_) any = me.owner_->loop->cancel(*c) || any;
            if (any) {
                me.owner_->cancel_requested = false;
                me.cancelling_ = true;
            } else {
                me.owner_->loop->cancel_wait(w);
            }
        };
        for (task_state* c : children_)
            if (!c->finished())
                c->on_done.push_back({[](void* context, task_state& done) {
                                          auto& me = *static_cast<gather_wait*>(context);
                                          const bool failed = done.state != task_state::phase::done;
                                          if (failed && me.first_failed_ == nullptr) me.first_failed_ = &done;
                                          if ((failed && !me.settled_ && !me.cancelling_) || me.all_finished())
                                              me.owner_->loop->wake(me.w_);
                                      },
                                      this});
        suspended_ = true;
        owner_->loop->suspend(*owner_, w_, h);
    }
    // After the wait: throws cancelled_error when the awaiting task was cancelled.
    void resume() {
        if (!suspended_) return;
        for (task_state* c : children_) c->remove_callback(this);
        const bool cancelled = owner_->loop->resumed(*owner_);
        if (cancelled || cancelling_) throw cancelled_error();
    }
    // Without return_exceptions: the exception of the child that failed first.
    void throw_first_failure() const {
        if (first_failed_ != nullptr) rethrow(*first_failed_);
        for (task_state* c : children_)
            if (c->finished() && c->state != task_state::phase::done) rethrow(*c);
    }

private:
    bool all_finished() {
        for (task_state* c : children_)
            if (!c->finished()) return false;
        return true;
    }
    [[noreturn]] static void rethrow(const task_state& c) {
        if (c.state == task_state::phase::cancelled) throw cancelled_error();
        std::rethrow_exception(c.error);
    }

    bool settled_;
    task_state* owner_ = nullptr;
    std::vector<task_state*> children_;
    task_state* first_failed_ = nullptr;
    waiter w_{};
    bool suspended_ = false;
    bool cancelling_ = false;

};

template <class T>
void settle(outcome<T>& out, task<T>& t) {
    try {
        if constexpr (std::is_void_v<T>) t.result();
        else out.set(t.result());
    } catch (...) {
        out.set_error(std::current_exception());
    }
}

// gather(t1, t2, ...): a tuple of results (void when every task is void).
template <bool Settled, class... T>
class gather_tuple {
public:
    explicit gather_tuple(task<T>&&... tasks) : tasks_(std::move(tasks)...), wait_(Settled) {}

    void bind(task_state& owner, std::source_location where) {
        std::apply([&](auto&... t) { (t.schedule(*owner.loop, {}, where), ...); }, tasks_);
        std::vector<task_state*> children;
        std::apply([&](auto&... t) { (children.push_back(t.state()), ...); }, tasks_);
        wait_.start(owner, std::move(children), where);
    }
    bool await_ready() const { return wait_.ready(); }
    void await_suspend(std::coroutine_handle<> h) { wait_.suspend(h); }
    auto await_resume() {
        wait_.resume();
        if constexpr (Settled) {
            std::tuple<outcome<T>...> out;
            std::apply([&](auto&... o) { std::apply([&](auto&... t) { (settle(o, t), ...); }, tasks_); }, out);
            return out;
        } else {
            wait_.throw_first_failure();
            if constexpr ((std::is_void_v<T> && ...)) {
                return;
            } else {
                return std::apply([](auto&... t) { return std::tuple<result_slot<T>...>(value_of(t)...); }, tasks_);
            }
        }
    }

private:
    template <class U>
    static result_slot<U> value_of(task<U>& t) {
        if constexpr (std::is_void_v<U>) {
            t.result();
            return {};
        } else {
            return t.result();
        }
    }
    std::tuple<task<T>...> tasks_;
    gather_wait wait_;
};

// gather(vector of tasks): a vector of results (void for void tasks).
template <bool Settled, class T>
class gather_vector {
public:
    gather_vector(std::vector<task<T>> tasks, std::source_location where)
        : tasks_(std::move(tasks)), where_(where), wait_(Settled) {}

    void bind(task_state& owner, std::source_location) {
        std::vector<task_state*> children;
        for (task<T>& t : tasks_) {
            t.schedule(*owner.loop, {}, where_);
            children.push_back(t.state());
        }
        wait_.start(owner, std::move(children), where_);
    }
    bool await_ready() const { return wait_.ready(); }
    void await_suspend(std::coroutine_handle<> h) { wait_.suspend(h); }
    auto await_resume() {
        wait_.resume();
        if constexpr (Settled) {
            std::vector<outcome<T>> out(tasks_.size());
            for (std::size_t i = 0; i < tasks_.size(); ++i) settle(out[i], tasks_[i]);
            return out;
        } else {
            wait_.throw_first_failure();
            if constexpr (std::is_void_v<T>) {
                for (task<T>& t : tasks_) t.result();
            } else {
                std::vector<T> out;
                out.reserve(tasks_.size());
                for (task<T>& t : tasks_) out.push_back(t.result());
                return out;
            }
        }
    }

private:
    std::vector<task<T>> tasks_;
    std::source_location where_;
    gather_wait wait_;
};

} // namespace detail

template <class... T>
detail::gather_tuple<false, T...> gather(task<T>&&... tasks) {
    return detail::gather_tuple<false, T...>(std::move(tasks)...);
}
template <class... T>
detail::gather_tuple<true, T...> gather(return_exceptions_t, task<T>&&... tasks) {
    return detail::gather_tuple<true, T...>(std::move(tasks)...);
}
template <class T>
detail::gather_vector<false, T> gather(std::vector<task<T>> tasks,
                                       std::source_location where = std::source_location::current()) {
    return {std::move(tasks), where};
}
template <class T>
detail::gather_vector<true, T> gather(return_exceptions_t, std::vector<task<T>> tasks,
                                      std::source_location where = std::source_location::current()) {
    return {std::move(tasks), where};
}

} // namespace lockstep::asyncio
