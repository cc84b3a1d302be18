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
    case object_kind::model: return "model";
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
    }
    return "operation";
}

} // namespace lockstep::detail
