#pragma once
// A model thread's stack overflow (SIGSEGV on its guard page) and a hang (the
// watchdog's SIGALRM, see watchdog.hpp) become failures of the execution. The
// handlers are process-wide, installed for the length of an exploration (test
// frameworks install their own between tests), and run on an alternate stack,
// which each OS thread running executions needs of its own: the faulting stack
// is exhausted.
#include <csignal>
#include <vector>

namespace lockstep::detail {

class signal_handlers {
public:
    signal_handlers();
    ~signal_handlers();
    signal_handlers(const signal_handlers&) = delete;
    signal_handlers& operator=(const signal_handlers&) = delete;

private:
    bool installed_ = false;
    bool alarm_installed_ = false;
    bool abort_installed_ = false;
};

// The value the watchdog queues with its SIGALRM: any other SIGALRM (alarm(),
// a timer, kill) is the program's and is forwarded to its handler.
inline constexpr int watchdog_mark = 0x6c6b7374;

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
