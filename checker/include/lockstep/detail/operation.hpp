#pragma once
// The record every visible operation carries to the scheduling point.
#include <cstdint>
#include <source_location>
#include <string_view>

namespace lockstep::detail {

using thread_id = std::uint32_t;
// 64 bits: a handle given to a primitive carries the process-wide run that
// created it above the object's index, so a stale handle can never alias.
using object_id = std::uint64_t;
inline constexpr thread_id no_thread = ~thread_id{0};
inline constexpr object_id no_object = ~object_id{0};

enum class object_kind : std::uint8_t {
    thread, mutex, recursive_mutex, condition_variable, semaphore, atomic,
    timed_mutex, recursive_timed_mutex, shared_mutex, condition_variable_any, bounded_semaphore,
    event, latch, barrier, queue, thread_local_slot,
    var,
    future, once_flag, stop_state,
    // lockstep::asyncio: coroutine tasks on an event loop, and their primitives.
    task, event_loop, async_lock, async_semaphore, async_bounded_semaphore, async_event, async_condition,
    async_barrier, async_queue, async_future,
};

enum class op_kind : std::uint8_t {
    spawn, join, detach, exit, yield, choose,
    lock, try_lock, unlock,
    wait, wake, notify_one, notify_all,
    acquire, try_acquire, release,
    load, store, exchange, compare_exchange, fetch_add, fetch_sub,
    // Logical time and the timed and shared variants.
    sleep, try_lock_for, relock, try_acquire_for,
    lock_shared, try_lock_shared, try_lock_shared_for, unlock_shared,
    // event, latch, barrier, queue, thread-local slot.
    set, clear, is_set, wait_for, count_down, try_wait, arrive, arrive_and_wait, arrive_and_drop,
    put, get, try_put, try_get, put_for, get_for, task_done, join_queue, access, woken, try_release,
    // plain data (lockstep::var): logged, never a scheduling point
    read, write,
    // more of <atomic>
    fetch_and, fetch_or, fetch_xor, fence, test_and_set,
    // <future>, call_once, stop tokens
    set_value, set_exception, break_promise, release_future, call_once, call_once_end,
    request_stop, add_stop_callback, remove_stop_callback, stop_callback_done,
    // an event loop's turn (which ready task or callback runs is decided in it), a callback
    // run by the loop, a callback handed to the loop by another thread
    resume, callback, submit,
};

// What a step does to happens-before through the objects it touches, declared
// by the primitive that takes it: `observe` joins an object's clock into the
// thread's (it acquires what was published there), `publish` joins the
// thread's clock into the object's (it releases). A primitive whose
// synchronization a kind cannot say (a barrier's phases, an atomic's memory
// order) declares none and synchronizes itself.
enum class sync : std::uint8_t { none, observe, publish, both };

struct operation {
    op_kind kind{};
    object_id object = no_object;
    std::source_location location{};
    sync effect = sync::none;
    object_id other = no_object;  // a second object it touches (the mutex of a condition wait)
};

// The memory model's steps: every access to an atomic location, and fences.
constexpr bool atomic_access(op_kind k) {
    switch (k) {
    case op_kind::load: case op_kind::store: case op_kind::exchange: case op_kind::compare_exchange:
    case op_kind::fetch_add: case op_kind::fetch_sub: case op_kind::fetch_and: case op_kind::fetch_or:
    case op_kind::fetch_xor: case op_kind::test_and_set: case op_kind::fence:
        return true;
    default: return false;
    }
}

// The atomic accesses that read their location: loads and read-modify-writes.
constexpr bool reads_location(op_kind k) {
    return atomic_access(k) && k != op_kind::store && k != op_kind::fence;
}

std::string_view to_string(object_kind kind);
std::string_view to_string(op_kind kind);

} // namespace lockstep::detail
