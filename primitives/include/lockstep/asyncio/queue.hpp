#pragma once
// lockstep::asyncio::queue<T>: asyncio.Queue. put() waits while the queue is full
// (maxsize 0: never), get() while it is empty; neither yields when it need not.
// put_nowait/get_nowait throw queue_full/queue_empty. Every put counts an
// unfinished item; task_done() finishes one (more task_done() calls than items
// is an error, asyncio's ValueError, reported as misuse) and join() waits until
// none is unfinished.
#include <cstddef>
#include <deque>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

template <class T>
class queue {
public:
    explicit queue(std::size_t maxsize = 0, std::string_view name = {},
                   std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_queue, name, created)), maxsize_(maxsize) {}
    queue(const queue&) = delete;
    queue& operator=(const queue&) = delete;

    std::size_t qsize() const noexcept { return items_.size(); }
    std::size_t maxsize() const noexcept { return maxsize_; }
    bool empty() const noexcept { return items_.empty(); }
    bool full() const noexcept { return maxsize_ > 0 && items_.size() >= maxsize_; }

    task<void> put(T item, std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "queue::put", where);
        while (full()) {
            const detail::wait_end end =
                co_await detail::wait_in(putters_, id_, "room in", where, &size_text, this);
            if (end.cancelled) {
                // A wake-up meant for this task goes to the next putter.
                if (!full() && end.was_woken) detail::wake_first(&loop, putters_);
                throw cancelled_error();
            }
        }
        add(loop, std::move(item));
    }
    void put_nowait(T item, std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "queue::put_nowait", where);
        if (full()) throw queue_full();
        add(loop, std::move(item));
    }

    task<T> get(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "queue::get", where);
        while (empty()) {
            const detail::wait_end end =
                co_await detail::wait_in(getters_, id_, "an item from", where, &size_text, this);
            if (end.cancelled) {
                if (!empty() && end.was_woken) detail::wake_first(&loop, getters_);
                throw cancelled_error();
            }
        }
        co_return take(loop);
    }
    T get_nowait(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "queue::get_nowait", where);
        if (empty()) throw queue_empty();
        return take(loop);
    }

    void task_done(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "queue::task_done", where);
        if (unfinished_ == 0)
            detail::fail(failure_kind::misuse,
                         [&] {
                             return fmt::format("task_done() on {} called more times than items were put (asyncio: "
                                                "ValueError \"task_done() called too many times\")",
                                                lockstep::detail::object_label(id_));
                         },
                         where);
        if (--unfinished_ == 0) joiners_.each([&loop](detail::waiter& w) { loop.wake(w); });
    }

    task<void> join(std::source_location where = std::source_location::current()) {
        detail::loop_for(bound_, id_, "queue::join", where);
        if (unfinished_ == 0) co_return;
        const detail::wait_end end =
            co_await detail::wait_in(joiners_, id_, "join (every item's task_done) of", where, &unfinished_text, this);
        if (end.cancelled)
            throw cancelled_error();
    }

    detail::object_id object() const noexcept { return id_; }

private:
    void add(detail::loop_core& loop, T item) {
        items_.push_back(std::move(item));
        ++unfinished_;
        detail::wake_first(&loop, getters_);
    }
    T take(detail::loop_core& loop) {
        T item = std::move(items_.front());
        items_.pop_front();
        detail::wake_first(&loop, putters_);
        return item;
    }
    static std::string size_text(const detail::waiter& w) {
        const queue& q = *static_cast<const queue*>(w.context);
        return fmt::format(" (it holds {} of at most {})", q.items_.size(),
                           q.maxsize_ == 0 ? std::string("unbounded") : std::to_string(q.maxsize_));
    }
    static std::string unfinished_text(const detail::waiter& w) {
        const queue& q = *static_cast<const queue*>(w.context);
        return fmt::format(" ({} items put but not task_done())", q.unfinished_);
    }

    detail::object_id id_;
    detail::loop_core* bound_ = nullptr;
    std::size_t maxsize_;
    std::deque<T> items_;
    std::size_t unfinished_ = 0;
    detail::waiter_queue getters_, putters_, joiners_;
};

} // namespace lockstep::asyncio
