#pragma once
// lockstep::blocking_queue<T>: Python's queue.Queue. An optional capacity
// (0 = unbounded); put/get block, try_put/try_get do not, put_for/get_for wait
// on the logical clock. task_done()/join() as in Python: every put adds an
// unfinished task, task_done() finishes one, join() waits until none is left;
// task_done() more times than items were put is a misuse failure (Python
// raises ValueError).
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <source_location>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <lockstep/clock.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep {

template <class T>
class blocking_queue {
public:
    explicit blocking_queue(std::size_t capacity = 0, std::string_view name = {},
                            std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::queue, name, created)), capacity_(capacity) {}
    blocking_queue(const blocking_queue&) = delete;
    blocking_queue& operator=(const blocking_queue&) = delete;

    void put(T item, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::put, id_, where, detail::sync::both}, detail::until([this] { return !full(); }));
        push(std::move(item));
    }
    bool try_put(T item, std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_put, id_, where, detail::sync::both});
        const bool ok = !full();
        if (ok) push(std::move(item));
        else detail::no_progress();
        detail::annotate(ok);
        return ok;
    }
    template <class Rep, class Period>
    bool put_for(T item, const std::chrono::duration<Rep, Period>& timeout,
                 std::source_location where = std::source_location::current()) {
        const bool ok = detail::schedule_until({detail::op_kind::put_for, id_, where, detail::sync::both},
                                               detail::until([this] { return !full(); }),
                                               detail::deadline_after(timeout));
        if (ok) push(std::move(item));
        detail::annotate(ok);
        return ok;
    }

    T get(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::get, id_, where, detail::sync::both}, detail::until([this] { return !items_.empty(); }));
        return pop();
    }
    std::optional<T> try_get(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::try_get, id_, where, detail::sync::both});
        if (items_.empty()) {
            detail::no_progress();
            detail::annotate(0);
            return std::nullopt;
        }
        detail::annotate(1);
        return pop();
    }
    template <class Rep, class Period>
    std::optional<T> get_for(const std::chrono::duration<Rep, Period>& timeout,
                             std::source_location where = std::source_location::current()) {
        const bool ok = detail::schedule_until({detail::op_kind::get_for, id_, where, detail::sync::both},
                                               detail::until([this] { return !items_.empty(); }),
                                               detail::deadline_after(timeout));
        detail::annotate(ok);
        if (!ok) return std::nullopt;
        return pop();
    }

    void task_done(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::task_done, id_, where, detail::sync::both});
        if (unfinished_ == 0)
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} calls task_done() on {} more times than items were put (Python "
                                     "raises ValueError: task_done() called too many times)",
                                     detail::thread_label(detail::self()), detail::object_label(id_)),
                         where);
        --unfinished_;
        detail::annotate(static_cast<std::int64_t>(unfinished_));
    }
    // Blocks until every item put so far has been marked task_done().
    void join(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::join_queue, id_, where, detail::sync::both}, detail::until([this] { return unfinished_ == 0; }));
    }

    // Non-blocking observers (as Python's qsize()/empty(): a snapshot, a step of its own).
    std::size_t size(std::source_location where = std::source_location::current()) const {
        detail::schedule({detail::op_kind::load, id_, where, detail::sync::observe});
        detail::annotate(static_cast<std::int64_t>(items_.size()));
        return items_.size();
    }
    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t unfinished_tasks() const noexcept { return unfinished_; }
    detail::object_id object() const noexcept { return id_; }

private:
    bool full() const { return capacity_ != 0 && items_.size() >= capacity_; }
    void push(T item) {
        items_.push_back(std::move(item));
        ++unfinished_;
        detail::annotate(static_cast<std::int64_t>(items_.size()));
    }
    T pop() {
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    detail::object_id id_;
    std::size_t capacity_;
    std::deque<T> items_;
    std::size_t unfinished_ = 0;
};

} // namespace lockstep
