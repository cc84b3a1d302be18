#pragma once
// Stack overflow in a model thread: its guard-page fault becomes a failure of
// the execution; so does the watchdog's SIGALRM (see watchdog.hpp). The
// handlers are process-wide and installed for the
// length of an exploration (test frameworks install their own between tests);
// it runs on an alternate stack, which each OS thread that runs executions needs
// of its own, since the faulting stack is exhausted.
#include <csignal>
#include <vector>

namespace lockstep::detail {

class segv_handler {
public:
    segv_handler();
    ~segv_handler();
    segv_handler(const segv_handler&) = delete;
    segv_handler& operator=(const segv_handler&) = delete;

private:
    bool installed_ = false;
    bool alarm_installed_ = false;
};

class alternate_stack {
public:
    alternate_stack();
    ~alternate_stack();
    alternate_stack(const alternate_stack&) = delete;
    alternate_stack& operator=(const alternate_stack&) = delete;

private:
    std::vector<char> memory_;
    stack_t old_{};
    bool installed_ = false;
};

} // namespace lockstep::detail
