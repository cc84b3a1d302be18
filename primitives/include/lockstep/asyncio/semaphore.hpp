#pragma once
// lockstep::asyncio::semaphore and bounded_semaphore: asyncio.Semaphore and
// BoundedSemaphore (Python 3.12's fair semantics: a task that finds waiters
// queues behind them). Releasing a bounded semaphore above its initial value is
// an error (asyncio's ValueError), reported as misuse.
#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/lock.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

namespace detail {

template <bool Bounded>
class basic_semaphore {
public:
    explicit basic_semaphore(std::int64_t value = 1, std::string_view name = {},
                             std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(Bounded ? object_kind::async_bounded_semaphore
                                                   : object_kind::async_semaphore,
                                           name, created)),
          value_(value), bound_value_(value) {
        if (value < 0)
            fail(failure_kind::misuse,
                 [&] { return fmt::format("a semaphore with initial value {} (asyncio: ValueError)", value); },
                 created);
    }
    basic_semaphore(const basic_semaphore&) = delete;
    basic_semaphore& operator=(const basic_semaphore&) = delete;

    // No permit to take without waiting (or tasks queue for one).
    bool locked() const {
        bool waiting = false;
        waiters_.each([&waiting](const waiter& w) { waiting = waiting || w.state != waiter::status::cancelled; });
        return value_ == 0 || waiting;
    }
    std::int64_t value() const noexcept { return value_; }

    task<void> acquire(std::source_location where = std::source_location::current()) {
        loop_core& loop = loop_for(bound_, id_, "semaphore::acquire", where);
        if (!locked()) {
            --value_;
            co_return;
        }
        const wait_end end = co_await wait_in(waiters_, id_, "acquire of", where, &value_text, this);
        // A permit granted to a task cancelled before it ran goes back.
        if (end.cancelled && end.was_woken) ++value_;
        // Waiters that arrived meanwhile may take what is left.
        while (value_ > 0 && wake_next(loop)) {
        }
        if (end.cancelled) throw cancelled_error();
    }

    task<scoped_release<basic_semaphore>> scoped(std::source_location where = std::source_location::current()) {
        co_await acquire(where);
        co_return scoped_release<basic_semaphore>(*this, where);
    }

    void release(std::source_location where = std::source_location::current()) {
        loop_core& loop = loop_for(bound_, id_, "semaphore::release", where);
        if (Bounded && value_ >= bound_value_)
            fail(failure_kind::misuse,
                 [&] {
                     return fmt::format("{} released too many times: its value would exceed its initial {} (asyncio: "
                                        "ValueError \"BoundedSemaphore released too many times\")",
                                        lockstep::detail::object_label(id_), bound_value_);
                 },
                 where);
        ++value_;
        wake_next(loop);
    }

    object_id object() const noexcept { return id_; }

private:
    // Grants a permit to the first task still waiting.
    bool wake_next(loop_core& loop) {
        for (waiter* w = waiters_.first(); w != nullptr; w = w->next)
            if (w->state == waiter::status::waiting) {
                --value_;
                loop.wake(*w);
                return true;
            }
        return false;
    }
    static std::string value_text(const waiter& w) {
        const auto& s = *static_cast<const basic_semaphore*>(w.context);
        return fmt::format(" (its value is {})", s.value_);
    }

    object_id id_;
    loop_core* bound_ = nullptr;
    std::int64_t value_;
    std::int64_t bound_value_;
    waiter_queue waiters_;
};

} // namespace detail

class semaphore : public detail::basic_semaphore<false> {
public:
    using basic_semaphore::basic_semaphore;
};

class bounded_semaphore : public detail::basic_semaphore<true> {
public:
    using basic_semaphore::basic_semaphore;
};

} // namespace lockstep::asyncio
