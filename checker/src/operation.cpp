#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

std::string_view to_string(object_kind kind) {
    switch (kind) {
    case object_kind::thread: return "thread";
    case object_kind::mutex: return "mutex";
    case object_kind::recursive_mutex: return "recursive_mutex";
    case object_kind::condition_variable: return "condition_variable";
    case object_kind::semaphore: return "semaphore";
    case object_kind::atomic: return "atomic";
    case object_kind::timed_mutex: return "timed_mutex";
    case object_kind::recursive_timed_mutex: return "recursive_timed_mutex";
    case object_kind::shared_mutex: return "shared_mutex";
    case object_kind::condition_variable_any: return "condition_variable_any";
    case object_kind::bounded_semaphore: return "bounded_semaphore";
    case object_kind::event: return "event";
    case object_kind::latch: return "latch";
    case object_kind::barrier: return "barrier";
    case object_kind::queue: return "queue";
    case object_kind::thread_local_slot: return "thread_local_slot";
    case object_kind::var: return "var";
    case object_kind::future: return "future";
    case object_kind::once_flag: return "once_flag";
    case object_kind::stop_state: return "stop_state";
    case object_kind::task: return "task";
    case object_kind::event_loop: return "event_loop";
    case object_kind::async_lock: return "async_lock";
    case object_kind::async_semaphore: return "async_semaphore";
    case object_kind::async_bounded_semaphore: return "async_bounded_semaphore";
    case object_kind::async_event: return "async_event";
    case object_kind::async_condition: return "async_condition";
    case object_kind::async_barrier: return "async_barrier";
    case object_kind::async_queue: return "async_queue";
    case object_kind::async_future: return "async_future";
    }
    return "object";
}

std::string_view to_string(op_kind kind) {
    switch (kind) {
    case op_kind::spawn: return "spawn";
    case op_kind::join: return "join";
    case op_kind::detach: return "detach";
    case op_kind::exit: return "exit";
    case op_kind::yield: return "yield";
    case op_kind::choose: return "choose";
    case op_kind::lock: return "lock";
    case op_kind::try_lock: return "try_lock";
    case op_kind::unlock: return "unlock";
    case op_kind::wait: return "wait";
    case op_kind::wake: return "wake and relock";
    case op_kind::notify_one: return "notify_one";
    case op_kind::notify_all: return "notify_all";
    case op_kind::acquire: return "acquire";
    case op_kind::try_acquire: return "try_acquire";
    case op_kind::release: return "release";
    case op_kind::load: return "load";
    case op_kind::store: return "store";
    case op_kind::exchange: return "exchange";
    case op_kind::compare_exchange: return "compare_exchange";
    case op_kind::fetch_add: return "fetch_add";
    case op_kind::fetch_sub: return "fetch_sub";
    case op_kind::sleep: return "sleep";
    case op_kind::try_lock_for: return "try_lock_for";
    case op_kind::relock: return "relock after timeout";
    case op_kind::try_acquire_for: return "try_acquire_for";
    case op_kind::lock_shared: return "lock_shared";
    case op_kind::try_lock_shared: return "try_lock_shared";
    case op_kind::try_lock_shared_for: return "try_lock_shared_for";
    case op_kind::unlock_shared: return "unlock_shared";
    case op_kind::set: return "set";
    case op_kind::clear: return "clear";
    case op_kind::is_set: return "is_set";
    case op_kind::wait_for: return "wait_for";
    case op_kind::count_down: return "count_down";
    case op_kind::try_wait: return "try_wait";
    case op_kind::arrive: return "arrive";
    case op_kind::arrive_and_wait: return "arrive_and_wait";
    case op_kind::arrive_and_drop: return "arrive_and_drop";
    case op_kind::put: return "put";
    case op_kind::get: return "get";
    case op_kind::try_put: return "try_put";
    case op_kind::try_get: return "try_get";
    case op_kind::put_for: return "put_for";
    case op_kind::get_for: return "get_for";
    case op_kind::task_done: return "task_done";
    case op_kind::join_queue: return "join (queue)";
    case op_kind::access: return "access";
    case op_kind::woken: return "woken";
    case op_kind::try_release: return "try_release";
    case op_kind::read: return "read";
    case op_kind::write: return "write";
    case op_kind::fetch_and: return "fetch_and";
    case op_kind::fetch_or: return "fetch_or";
    case op_kind::fetch_xor: return "fetch_xor";
    case op_kind::fence: return "fence";
    case op_kind::test_and_set: return "test_and_set";
    case op_kind::set_value: return "set_value";
    case op_kind::set_exception: return "set_exception";
    case op_kind::break_promise: return "broken_promise (promise destroyed unset)";
    case op_kind::release_future: return "release (last future of std::async waits)";
    case op_kind::call_once: return "call_once";
    case op_kind::call_once_end: return "call_once ends";
    case op_kind::request_stop: return "request_stop";
    case op_kind::add_stop_callback: return "register stop_callback";
    case op_kind::remove_stop_callback: return "deregister stop_callback";
    case op_kind::stop_callback_done: return "stop_callback returned";
    case op_kind::resume: return "resume";
    case op_kind::callback: return "callback";
    case op_kind::submit: return "call_soon_threadsafe";
    }
    return "operation";
}

} // namespace lockstep::detail
