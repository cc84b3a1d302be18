#pragma once
// lockstep::condition_variable over std::unique_lock<lockstep::mutex>. Which
// waiter a notify_one wakes is unspecified in C++, so every choice is explored.
#include <mutex>
#include <source_location>
#include <string_view>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/mutex.hpp>

namespace lockstep {

class condition_variable {
public:
    explicit condition_variable(std::string_view name = {},
                                std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::condition_variable, name, created)) {}
    condition_variable(const condition_variable&) = delete;
    condition_variable& operator=(const condition_variable&) = delete;

    void notify_one(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::notify_one, id_, where});
        std::size_t count = 0;
        for (waiter* w = first_; w != nullptr; w = w->next) ++count;
        if (count == 0) {
            detail::annotate(-1);
            return;
        }
        std::size_t k = detail::decide(count);
        waiter** link = &first_;
        while (k-- > 0) link = &(*link)->next;
        waiter* woken = *link;
        *link = woken->next;
        woken->notified = true;
        detail::annotate(woken->thread);
    }

    void notify_all(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::notify_all, id_, where});
        std::int64_t woken = 0;
        for (waiter* w = first_; w != nullptr; w = w->next, ++woken) w->notified = true;
        first_ = nullptr;
        detail::annotate(woken);
    }

    void wait(std::unique_lock<mutex>& lock, std::source_location where = std::source_location::current()) {
        if (!lock.owns_lock())
            detail::fail(failure_kind::misuse, "condition_variable::wait with a unique_lock that does not own its mutex",
                         where);
        const detail::object_id m = lock.mutex()->object();
        if (detail::owner(m) != detail::self())
            detail::fail(failure_kind::misuse, "condition_variable::wait on a mutex this thread does not hold", where);
        // Releasing the mutex and joining the waiters is one atomic step.
        detail::schedule({detail::op_kind::wait, id_, where, m});
        waiter me{detail::self(), false, nullptr};
        waiter** tail = &first_;
        while (*tail != nullptr) tail = &(*tail)->next;
        *tail = &me;
        const std::uint32_t levels = detail::depth(m);
        for (std::uint32_t i = 0; i < levels; ++i) detail::released(m);
        // Woken by a notify, then relocking the mutex: one step, once both can happen.
        detail::schedule({detail::op_kind::wake, id_, where, m},
                         detail::until([&me, m] { return me.notified && detail::owner(m) == detail::no_thread; }));
        for (std::uint32_t i = 0; i < levels; ++i) detail::acquired(m, where);
    }

    template <class Predicate>
    void wait(std::unique_lock<mutex>& lock, Predicate ready,
              std::source_location where = std::source_location::current()) {
        while (!ready()) wait(lock, where);
    }

private:
    struct waiter {
        detail::thread_id thread;
        bool notified;
        waiter* next;
    };

    detail::object_id id_;
    waiter* first_ = nullptr;  // the waiting threads, on their own stacks, in arrival order
};

} // namespace lockstep
