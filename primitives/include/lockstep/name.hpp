#pragma once
// lockstep::name: a name for an object created without one, as code behind the
// std alias creates them (`sync::mutex m;`). Reports use it from then on, for
// every step of the execution; objects left unnamed keep their default names
// ("mutex#2", "T1"), which do not depend on what else was named.
#include <concepts>
#include <source_location>
#include <string_view>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/thread.hpp>

namespace lockstep {

// Any lockstep object: mutexes, condition variables, atomics, vars, semaphores, ...
template <class Object>
    requires requires(const Object& o) {
        { o.object() } -> std::convertible_to<detail::object_id>;
    }
void name(const Object& object, std::string_view name, std::source_location where = std::source_location::current()) {
    detail::name_object(object.object(), name, where);
}

// A thread, while it is joinable (it is the thread's name in every report).
inline void name(const thread& t, std::string_view name,
                 std::source_location where = std::source_location::current()) {
    if (!t.joinable())
        detail::fail(failure_kind::misuse, "lockstep::name on a thread that is not joinable (empty, joined or detached)",
                     where);
    detail::name_object(detail::thread_object(t.native_handle()), name, where);
}

} // namespace lockstep
