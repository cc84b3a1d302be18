#pragma once
// lockstep::once_flag and call_once, as std's: the first caller runs the
// callable while later callers wait; one that throws leaves the flag unset, so
// the next caller runs it; a completed call happens before every return.
#include <exception>
#include <functional>
#include <source_location>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

class once_flag {
public:
    explicit once_flag(std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::once_flag, name, created)) {}
    once_flag(const once_flag&) = delete;
    once_flag& operator=(const once_flag&) = delete;

    detail::object_id object() const noexcept { return id_; }

private:
    friend struct once_call;

    detail::object_id id_;
    bool done_ = false;
    detail::thread_id running_ = detail::no_thread;  // the thread running the callable
    std::source_location running_at_{};
};

// call_once's first argument: the flag and the caller's line (a parameter
// pack leaves no room for a defaulted source_location after it).
struct once_call {
    once_flag& flag;
    std::source_location where;

    once_call(once_flag& f, std::source_location at = std::source_location::current()) : flag(f), where(at) {}

    // Returns whether this thread must run the callable: the flag is not set
    // and no other thread is running it (else this waits for that one).
    bool begin() {
        using namespace detail;
        const thread_id me = self();
        if (flag.running_ == me)
            fail(failure_kind::self_deadlock,
                 fmt::format("thread {} calls call_once on {} from inside the callable it runs for it (called at "
                             "{}); std::call_once would wait for itself forever",
                             thread_label(me), object_label(flag.id_), source_line(flag.running_at_)),
                 where);
        once_flag& f = flag;
        schedule({op_kind::call_once, f.id_, where, sync::observe}, until([&f] { return f.running_ == no_thread; }));
        annotate(f.done_);
        if (f.done_) return false;
        f.running_ = me;
        f.running_at_ = where;
        return true;
    }
    // The callable returned (the flag is set: publishes its effects) or threw.
    void end(bool returned) {
        using namespace detail;
        schedule({op_kind::call_once_end, flag.id_, where, returned ? sync::publish : sync::none});
        annotate(returned);
        flag.running_ = no_thread;
        flag.done_ = returned;
    }
};

template <class F, class... Args>
void call_once(once_call call, F&& f, Args&&... args) {
    if (!call.begin()) return;
    try {
        std::invoke(std::forward<F>(f), std::forward<Args>(args)...);
    } catch (...) {
        call.end(false);
        throw;
    }
    call.end(true);
}

} // namespace lockstep
