#pragma once
// The machinery under lockstep::asyncio: what a suspended task waits for (a
// waiter, asyncio's Future), a task's state, and the loop's queues. The loop
// runs on a lockstep thread; each of its turns is one step of that thread, in
// which the checker decides which ready task or callback runs (any order, or
// asyncio's FIFO order), and the task then runs to its next real suspension.
#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cxxabi.h>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/options.hpp>

namespace lockstep::asyncio {

// Thrown at the await where a cancelled task is resumed (asyncio.CancelledError).
class cancelled_error : public std::exception {
public:
    const char* what() const noexcept override { return "the task was cancelled"; }
};

// Thrown by wait_for when its time runs out (asyncio.TimeoutError).
class timeout_error : public std::exception {
public:
    const char* what() const noexcept override { return "the awaited operation timed out"; }
};

// queue::put_nowait on a full queue, get_nowait on an empty one (asyncio.QueueFull, QueueEmpty).
class queue_full : public std::exception {
public:
    const char* what() const noexcept override { return "the queue is full"; }
};
class queue_empty : public std::exception {
public:
    const char* what() const noexcept override { return "the queue is empty"; }
};

// A barrier that was aborted, or whose waiting task was cancelled (asyncio.BrokenBarrierError).
class broken_barrier_error : public std::exception {
public:
    const char* what() const noexcept override { return "the barrier is broken"; }
};

// How the loop picks the next ready task or callback: order::any or order::fifo.
// A loop constructed without one takes options.task_order.
using order = lockstep::task_order;

namespace detail {

using lockstep::detail::object_id;
using lockstep::detail::no_object;
using lockstep::detail::op_kind;
using lockstep::detail::object_kind;

class loop_core;
struct task_state;

inline std::string where_text(std::source_location loc) {
    if (loc.line() == 0) return "an unknown line";
    return lockstep::detail::source_line(loc);
}

// "std::runtime_error: \"boom\"", for reports.
inline std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        int status = 0;
        char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
        std::string text = fmt::format("{}: \"{}\"", status == 0 && name ? name : typeid(e).name(), e.what());
        std::free(name);
        return text;
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

inline bool is_cancellation(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const cancelled_error&) {
        return true;
    } catch (...) {
        return false;
    }
}

// What a suspended task waits for: one per suspension, in the awaiter (asyncio's
// Future). A primitive keeps its waiters in a queue; wake() and cancel() make the
// task ready, and the awaiter learns which when it resumes.
struct waiter {
    enum class status : std::uint8_t { waiting, woken, cancelled };
    task_state* task = nullptr;
    status state = status::waiting;
    // For reports: the operation, on what, awaited where.
    std::string_view what;
    object_id object = no_object;
    std::source_location where{};
    // What cancelling the task does to this wait; null: the task wakes cancelled.
    void (*on_cancel)(waiter&) = nullptr;
    void* context = nullptr;  // for on_cancel and describe
    // More for a report ("held by task worker"), or empty.
    std::string (*describe)(const waiter&) = nullptr;
    // In a primitive's queue.
    waiter* prev = nullptr;
    waiter* next = nullptr;
    bool queued = false;
};

// A primitive's waiters in arrival order; intrusive, so waiting allocates nothing.
class waiter_queue {
public:
    void push(waiter& w) {
        w.prev = last_;
        w.next = nullptr;
        (last_ ? last_->next : first_) = &w;
        last_ = &w;
        w.queued = true;
    }
    void remove(waiter& w) {
        if (!w.queued) return;
        (w.prev ? w.prev->next : first_) = w.next;
        (w.next ? w.next->prev : last_) = w.prev;
        w.prev = w.next = nullptr;
        w.queued = false;
    }
    waiter* first() const { return first_; }
    bool empty() const { return first_ == nullptr; }
    template <class F>
    void each(F f) const {
        for (waiter* w = first_; w != nullptr;) {
            waiter* next = w->next;
            f(*w);
            w = next;
        }
    }

private:
    waiter* first_ = nullptr;
    waiter* last_ = nullptr;
};

// Called when a task finishes (gather, an await on a task).
struct done_callback {
    void (*call)(void* context, task_state& done);
    void* context;
};

// A task scheduled on a loop (asyncio.Task): its coroutine, its progress, its outcome.
struct task_state {
    enum class phase : std::uint8_t { pending, done, failed, cancelled };
    loop_core* loop = nullptr;
    object_id id = no_object;
    std::string name;
    std::source_location created{};
    std::coroutine_handle<> root;       // its coroutine (the frame holds its result)
    std::coroutine_handle<> resume_at;  // the innermost coroutine frame, where it suspended
    void (*destroy)(std::coroutine_handle<>) = nullptr;
    phase state = phase::pending;
    std::exception_ptr error;
    bool started = false;
    bool queued = false;            // in the loop's ready queue
    bool cancel_requested = false;  // delivered at its next resumption
    bool awaited = false;           // awaited, gathered, or its outcome asked for
    bool retrieved = false;         // its exception was seen by someone
    waiter* waiting = nullptr;      // what it is suspended on
    std::vector<done_callback> on_done;
    std::source_location last_await{};  // where it last suspended

    bool finished() const { return state != phase::pending; }
    bool take_cancel() { return std::exchange(cancel_requested, false); }
    std::string label() const { return fmt::format("task {} (created at {})", name, where_text(created)); }
    void remove_callback(void* context) {
        std::erase_if(on_done, [context](const done_callback& c) { return c.context == context; });
    }
};

// A callback the loop runs in a turn of its own (call_soon, call_later, call_soon_threadsafe).
struct callback {
    std::function<void()> fn;
    std::source_location where{};
    bool cancelled = false;
};

// An entry of the ready queue: a task to resume or a callback to call.
struct ready_item {
    task_state* task = nullptr;
    std::shared_ptr<callback> call;
};

struct timer {
    std::int64_t deadline;
    std::uint64_t sequence;  // ties keep their order of creation
    waiter* wakes = nullptr;  // a sleep, or
    std::shared_ptr<callback> call;  // a callback (call_later, a timeout)
};

// Fails with the message `make()` builds: its temporaries are gone before fail(), which never returns.
template <class F>
[[noreturn]] void fail(failure_kind kind, F make, std::source_location where) {
    lockstep::detail::fail(kind, make(), where);
}

// The non-template part of event_loop.
class loop_core : public lockstep::detail::loop_host {
public:
    loop_core(std::string_view name, std::optional<order> o, std::source_location created)
        : id_(lockstep::detail::add_object(object_kind::event_loop, name, created)),
          order_(o.value_or(lockstep::detail::default_task_order())) {}
    loop_core(const loop_core&) = delete;
    loop_core& operator=(const loop_core&) = delete;

    ~loop_core() {
        for (auto& t : tasks_)
            if (t->destroy) t->destroy(t->root);
    }

    object_id object() const { return id_; }
    std::string label() const { return lockstep::detail::object_label(id_); }
    task_state* running() const { return running_; }
    bool in_turn() const override { return in_turn_; }
    std::string running_task() const override {
        if (running_ != nullptr) return running_->label();
        return fmt::format("a callback (scheduled at {})", where_text(running_callback_));
    }
    std::string pending_tasks() const override {
        std::string out;
        for (const auto& t : tasks_)
            if (!t->finished()) out += fmt::format("    {}\n", describe_pending(*t));
        return out;
    }

    // The loop of the calling thread, while it runs one.
    static loop_core* of_this_thread() { return static_cast<loop_core*>(lockstep::detail::hosted_loop()); }
    // The loop running on this thread, for an operation that needs one.
    static loop_core& running_loop(std::string_view operation, std::source_location where) {
        loop_core* loop = of_this_thread();
        if (loop == nullptr)
            fail(failure_kind::misuse,
                 [&] {
                     return fmt::format("{} outside a running lockstep::asyncio event loop (asyncio: \"no running event "
                                        "loop\"); call it from a task, or use event_loop::call_soon_threadsafe from "
                                        "another thread",
                                        operation);
                 },
                 where);
        return *loop;
    }
    // A primitive of asyncio is bound to the loop that first uses it.
    void check_bound(loop_core*& bound, object_id primitive, std::source_location where) {
        if (bound == nullptr) bound = this;
        if (bound != this)
            fail(failure_kind::misuse,
                 [&] {
                     return fmt::format("{} is bound to event loop {} but is used from event loop {} (asyncio: \"is "
                                        "bound to a different event loop\"); an asyncio primitive belongs to one loop",
                                        lockstep::detail::object_label(primitive), bound->label(), label());
                 },
                 where);
    }

    task_state& adopt(std::coroutine_handle<> root, void (*destroy)(std::coroutine_handle<>), std::string name,
                      std::source_location where) {
        auto t = std::make_unique<task_state>();
        t->loop = this;
        t->name = unique_name(std::move(name));
        t->created = where;
        t->id = lockstep::detail::add_object(object_kind::task, t->name, where);
        t->root = root;
        t->resume_at = root;
        t->destroy = destroy;
        t->last_await = where;
        tasks_.push_back(std::move(t));
        task_state& added = *tasks_.back();
        make_ready(added);
        return added;
    }

    void make_ready(task_state& t) {
        if (t.queued || t.finished()) return;
        t.queued = true;
        ready_.push_back({&t, nullptr});
    }
    void wake(waiter& w) {
        if (w.state != waiter::status::waiting) return;
        w.state = waiter::status::woken;
        make_ready(*w.task);
    }
    void cancel_wait(waiter& w) {
        if (w.state != waiter::status::waiting) return;
        w.state = waiter::status::cancelled;
        make_ready(*w.task);
    }
    // The task suspends on w at h: what cancel() and a deadlock report need.
    void suspend(task_state& t, waiter& w, std::coroutine_handle<> h) {
        w.task = &t;
        w.state = waiter::status::waiting;
        t.waiting = &w;
        t.resume_at = h;
        t.last_await = w.where;
        // A cancellation asked for during this turn is delivered at this suspension.
        if (t.cancel_requested) cancel(t);
    }
    // Resumed: the wait is over; true when it is to end by cancelled_error.
    bool resumed(task_state& t) {
        t.waiting = nullptr;
        return t.take_cancel();
    }
    bool cancel(task_state& t) {
        if (t.finished()) return false;
        t.cancel_requested = true;
        if (waiter* w = t.waiting; w != nullptr && w->state == waiter::status::waiting) {
            if (w->on_cancel != nullptr) w->on_cancel(*w);
            else cancel_wait(*w);
        }
        return true;
    }

    std::shared_ptr<callback> call_soon(std::function<void()> fn, std::source_location where) {
        auto c = std::make_shared<callback>(callback{std::move(fn), where, false});
        ready_.push_back({nullptr, c});
        return c;
    }
    std::shared_ptr<callback> call_at(std::int64_t deadline, std::function<void()> fn, std::source_location where) {
        auto c = std::make_shared<callback>(callback{std::move(fn), where, false});
        timers_.push_back({deadline, ++timer_sequence_, nullptr, c});
        return c;
    }
    void sleep_until(std::int64_t deadline, waiter& w) {
        timers_.push_back({deadline, ++timer_sequence_, &w, nullptr});
    }
    void cancel_sleep(waiter& w) {
        std::erase_if(timers_, [&w](const timer& t) { return t.wakes == &w; });
    }
    // From any thread: one step on the loop, which its next turn sees.
    void call_soon_threadsafe(std::function<void()> fn, std::source_location where) {
        lockstep::detail::schedule({op_kind::submit, id_, where, lockstep::detail::sync::publish});
        inbox_.push_back(std::make_shared<callback>(callback{std::move(fn), where, false}));
    }

    // The task finished: its outcome, and who waited for it.
    void finish(task_state& t, std::exception_ptr error) {
        if (!error) t.state = task_state::phase::done;
        else if (is_cancellation(error)) t.state = task_state::phase::cancelled;
        else t.state = task_state::phase::failed;
        t.error = std::move(error);
        t.waiting = nullptr;
        const std::vector<done_callback> calls = std::move(t.on_done);
        t.on_done.clear();
        for (const done_callback& c : calls) c.call(c.context, t);
    }

protected:
    // Runs turns until `until_done` has finished, then lets the other tasks the
    // program awaits finish (cancelled), as asyncio.run does; a task nobody awaited
    // that is still pending is a failure, as is an exception nobody retrieved.
    void run_until(task_state& until_done, std::source_location where) {
        if (of_this_thread() != nullptr)
            fail(failure_kind::misuse,
                 [&] {
                     return fmt::format("event_loop::run on thread {}, which already runs event loop {} (asyncio: "
                                        "\"cannot be called from a running event loop\"); await the task instead",
                                        lockstep::detail::thread_label(lockstep::detail::self()),
                                        of_this_thread()->label());
                 },
                 where);
        if (host_ != lockstep::detail::no_thread && host_ != lockstep::detail::self())
            fail(failure_kind::misuse,
                 [&] {
                     return fmt::format("event loop {} runs on thread {} and is run again on thread {}", label(),
                                        lockstep::detail::thread_label(host_),
                                        lockstep::detail::thread_label(lockstep::detail::self()));
                 },
                 where);
        host_ = lockstep::detail::self();
        run_where_ = where;
        // The thread stops running the loop however run() ends (a callback may throw out of it).
        struct hosting {
            loop_core& loop;
            explicit hosting(loop_core& l) : loop(l) { lockstep::detail::host_loop(&l); }
            ~hosting() {
                loop.in_turn_ = false;
                loop.running_ = nullptr;
                lockstep::detail::host_loop(nullptr);
            }
        } host(*this);
        until_done.awaited = true;
        while (!until_done.finished()) turn();
        finish_remaining(until_done);
    }

private:
    std::string unique_name(std::string name) {
        if (name.empty()) return fmt::format("Task-{}", tasks_.size() + 1);
        std::size_t same = 0;
        for (const auto& t : tasks_)
            if (t->name == name || t->name.starts_with(name + "#")) ++same;
        return same == 0 ? name : fmt::format("{}#{}", name, same + 1);
    }

    // One step of the loop's thread: wait for something to be ready (time, another
    // thread's callback), then run one ready task or callback, chosen by the checker.
    void turn() {
        using lockstep::detail::sync;
        if (ready_.empty() && inbox_.empty()) {
            std::int64_t earliest = lockstep::detail::no_deadline;
            for (const timer& t : timers_)
                if (t.call == nullptr || !t.call->cancelled) earliest = std::min(earliest, t.deadline);
            lockstep::detail::schedule_until({op_kind::resume, id_, run_where_, sync::observe},
                                             lockstep::detail::until([this] { return !inbox_.empty(); }), earliest);
        } else {
            lockstep::detail::schedule({op_kind::resume, id_, run_where_, sync::observe});
        }
        for (auto& c : inbox_) ready_.push_back({nullptr, std::move(c)});
        inbox_.clear();
        move_due_timers();
        if (ready_.empty()) return;  // woken for a timer that was cancelled since
        const std::size_t k = order_ == order::fifo ? 0 : lockstep::detail::decide(ready_.size());
        ready_item item = std::move(ready_[k]);
        ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(k));
        in_turn_ = true;
        if (item.task != nullptr) run_task(*item.task);
        else run_callback(*item.call);
        in_turn_ = false;
        running_ = nullptr;
    }

    void move_due_timers() {
        const std::int64_t now = lockstep::detail::now();
        std::vector<timer> due;
        std::erase_if(timers_, [&](timer& t) {
            if (t.deadline > now) return false;
            due.push_back(std::move(t));
            return true;
        });
        std::sort(due.begin(), due.end(), [](const timer& a, const timer& b) {
            return a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence;
        });
        for (timer& t : due) {
            if (t.wakes != nullptr) wake(*t.wakes);
            else ready_.push_back({nullptr, std::move(t.call)});
        }
    }

    void run_task(task_state& t) {
        t.queued = false;
        lockstep::detail::relabel_step(op_kind::resume, t.id, t.started ? t.last_await : t.created);
        t.started = true;
        running_ = &t;
        t.resume_at.resume();  // to its next real suspension, or its end
    }

    void run_callback(callback& c) {
        if (c.cancelled) {
            lockstep::detail::relabel_step(op_kind::callback, id_, c.where);
            return;
        }
        lockstep::detail::relabel_step(op_kind::callback, id_, c.where);
        running_callback_ = c.where;
        c.fn();
    }

    void finish_remaining(task_state& main) {
        for (;;) {
            bool pending = false;
            for (const auto& t : tasks_) {
                if (t->finished()) continue;
                pending = true;
                if (!t->awaited && !t->cancel_requested)
                    fail(failure_kind::misuse,
                         [&] {
                             return fmt::format("{} was never awaited and was still pending when event loop {} "
                                                "finished (its main task returned): await it (or gather it), or "
                                                "cancel it",
                                                t->label(), label());
                         },
                         t->created);
                cancel(*t);
            }
            if (!pending) break;
            turn();
        }
        for (const auto& t : tasks_)
            if (t.get() != &main && t->state == task_state::phase::failed && !t->retrieved)
                fail(failure_kind::exception,
                     [&] {
                         return fmt::format("{} ended by an exception that was never retrieved (asyncio: \"Task "
                                            "exception was never retrieved\"): {}",
                                            t->label(), describe(t->error));
                     },
                     t->created);
    }

    std::string describe_pending(const task_state& t) const {
        if (!t.started) return fmt::format("{} has not started", t.label());
        const waiter* w = t.waiting;
        if (w == nullptr) return fmt::format("{} is ready to resume at {}", t.label(), where_text(t.last_await));
        std::string text = fmt::format("{} awaits {}", t.label(), w->what);
        if (w->object != no_object) text += " " + lockstep::detail::object_label(w->object);
        text += " at " + where_text(w->where);
        if (w->describe != nullptr) text += w->describe(*w);
        return text;
    }

    object_id id_;
    order order_;
    lockstep::detail::thread_id host_ = lockstep::detail::no_thread;
    std::source_location run_where_{};
    std::vector<std::unique_ptr<task_state>> tasks_;
    std::deque<ready_item> ready_;
    std::vector<timer> timers_;
    std::uint64_t timer_sequence_ = 0;
    std::vector<std::shared_ptr<callback>> inbox_;
    task_state* running_ = nullptr;
    std::source_location running_callback_{};
    bool in_turn_ = false;
};

} // namespace detail
} // namespace lockstep::asyncio
