#pragma once
// lockstep::asyncio::barrier: asyncio.Barrier. `co_await b.wait()` returns the
// task's arrival index (0 first) once `parties` tasks have arrived; the last
// arrival does not yield. A waiting task that is cancelled leaves (one arrival
// fewer); abort() breaks the barrier: waiting and later tasks get broken_barrier_error.
#include <cstddef>
#include <source_location>
#include <string_view>

#include <lockstep/asyncio/core.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/waiting.hpp>

namespace lockstep::asyncio {

class barrier {
public:
    explicit barrier(std::size_t parties, std::string_view name = {},
                     std::source_location created = std::source_location::current())
        : id_(lockstep::detail::add_object(detail::object_kind::async_barrier, name, created)), parties_(parties) {
        if (parties == 0)
            detail::fail(
                failure_kind::misuse, [] { return std::string("a barrier of 0 parties (asyncio: ValueError)"); },
                created);
    }
    barrier(const barrier&) = delete;
    barrier& operator=(const barrier&) = delete;

    task<std::size_t> wait(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "barrier::wait", where);
        if (broken_) throw broken_barrier_error();
        const std::size_t index = count_++;
        if (count_ == parties_) {
            count_ = 0;
            ++generation_;
            waiters_.each([&loop](detail::waiter& w) { loop.wake(w); });
            co_return index;
        }
        const std::size_t generation = generation_;
        const detail::wait_end end = co_await detail::wait_in(waiters_, id_, "the other parties of", where,
                                                              &count_text, this);
        if (end.cancelled) {
            if (generation_ == generation && !broken_) --count_;
            throw cancelled_error();
        }
        if (generation_ == generation) throw broken_barrier_error();  // woken by abort()
        co_return index;
    }

    // Breaks the barrier: every waiting task, and every later wait, gets broken_barrier_error.
    void abort(std::source_location where = std::source_location::current()) {
        detail::loop_core& loop = detail::loop_for(bound_, id_, "barrier::abort", where);
        broken_ = true;
        waiters_.each([&loop](detail::waiter& w) { loop.wake(w); });
    }

    std::size_t parties() const noexcept { return parties_; }
    std::size_t n_waiting() const noexcept { return count_; }
    bool broken() const noexcept { return broken_; }
    detail::object_id object() const noexcept { return id_; }

private:
    static std::string count_text(const detail::waiter& w) {
        const barrier& b = *static_cast<const barrier*>(w.context);
        return fmt::format(" ({} of {} arrived)", b.count_, b.parties_);
    }

    detail::object_id id_;
    detail::loop_core* bound_ = nullptr;
    std::size_t parties_;
    std::size_t count_ = 0;
    std::size_t generation_ = 0;
    bool broken_ = false;
    detail::waiter_queue waiters_;
};

} // namespace lockstep::asyncio
