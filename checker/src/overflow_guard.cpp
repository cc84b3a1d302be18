#include "overflow_guard.hpp"

#include <csetjmp>

#include "execution.hpp"

namespace lockstep::detail {
namespace {

// Whoever handled SIGSEGV and SIGALRM before the exploration: a fault that is
// not a guard-page hit goes there. Written only while no execution runs.
struct sigaction previous_action {};
struct sigaction previous_alarm {};

void on_segv(int, siginfo_t* info, void*) {
    execution* ex = execution::current();
    if (ex != nullptr && ex->in_guard_page(info->si_addr)) {
        ex->stack_overflowed();
        siglongjmp(ex->overflow_landing(), 1);
    }
    // Not ours: put back whoever handled it before; the fault repeats and goes there.
    sigaction(SIGSEGV, &previous_action, nullptr);
}

// The watchdog's signal: the thread running model code has not reached a step in time.
void on_alarm(int) {
    execution* ex = execution::current();
    if (ex == nullptr || !ex->running_model()) return;  // it moved on meanwhile
    ex->hung();
    siglongjmp(ex->overflow_landing(), 1);
}

} // namespace

segv_handler::segv_handler() {
    struct sigaction sa {};
    sa.sa_sigaction = &on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    installed_ = sigaction(SIGSEGV, &sa, &previous_action) == 0;
    struct sigaction alarm {};
    alarm.sa_handler = &on_alarm;
    alarm.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigemptyset(&alarm.sa_mask);
    alarm_installed_ = sigaction(SIGALRM, &alarm, &previous_alarm) == 0;
}

segv_handler::~segv_handler() {
    if (installed_) sigaction(SIGSEGV, &previous_action, nullptr);
    if (alarm_installed_) sigaction(SIGALRM, &previous_alarm, nullptr);
}

alternate_stack::alternate_stack() : memory_(64 * 1024) {
    stack_t st{};
    st.ss_sp = memory_.data();
    st.ss_size = memory_.size();
    installed_ = sigaltstack(&st, &old_) == 0;
}

alternate_stack::~alternate_stack() {
    if (installed_) sigaltstack(&old_, nullptr);
}

} // namespace lockstep::detail
