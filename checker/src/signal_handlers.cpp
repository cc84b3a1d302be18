#include "signal_handlers.hpp"

#include <link.h>
#include <ucontext.h>

#include <csetjmp>
#include <cstdint>
#include <cstring>

#include <unistd.h>

#include "crash_line.hpp"
#include "execution.hpp"

namespace lockstep::detail {
namespace {

// Whoever handled SIGSEGV and SIGALRM before the exploration: a fault that is
// not a guard-page hit goes there. Written only while no execution runs.
struct sigaction previous_action {};
struct sigaction previous_alarm {};
struct sigaction previous_abort {};

// The machine code of the C and C++ runtimes (and of a sanitizer runtime, which
// replaces malloc): leaving it by a jump could leave one of its locks held.
struct code_range {
    std::uintptr_t begin, end;
};
code_range system_code[64];
int system_code_count = 0;

int note_system_code(dl_phdr_info* info, std::size_t, void*) {
    const char* name = info->dlpi_name != nullptr ? info->dlpi_name : "";
    static constexpr const char* runtimes[] = {"/libc.so", "/libstdc++.so", "/libm.so", "/libgcc_s.so",
                                                "/ld-linux",  "/libpthread.so", "/libasan.so", "/libubsan.so",
                                                "/liblsan.so"};
    bool runtime = false;
    for (const char* r : runtimes) runtime = runtime || std::strstr(name, r) != nullptr;
    if (!runtime) return 0;
    for (int i = 0; i < info->dlpi_phnum && system_code_count < 64; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
        const std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
        system_code[system_code_count++] = {begin, begin + ph.p_memsz};
    }
    return 0;
}

bool in_system_code(void* context) {
    std::uintptr_t pc = 0;
#if defined(__x86_64__)
    pc = static_cast<std::uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    pc = static_cast<std::uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#endif
    for (int i = 0; i < system_code_count; ++i)
        if (pc >= system_code[i].begin && pc < system_code[i].end) return true;
    return false;
}

bool is_default(const struct sigaction& a) { return !(a.sa_flags & SA_SIGINFO) && a.sa_handler == SIG_DFL; }
bool is_ignored(const struct sigaction& a) { return !(a.sa_flags & SA_SIGINFO) && a.sa_handler == SIG_IGN; }

// A signal that is not lockstep's goes where it went before the exploration:
// to the program's handler, else its default action. Our handler stays
// installed, so overflows and hangs are still caught if the program survives.
void forward(int sig, siginfo_t* info, void* context, const struct sigaction& previous) {
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction != nullptr) previous.sa_sigaction(sig, info, context);
        return;
    }
    if (previous.sa_handler == SIG_IGN) return;
    if (previous.sa_handler != SIG_DFL) {
        previous.sa_handler(sig);
        return;
    }
    // The default action: a fault repeats when the handler returns, an
    // asynchronous signal is raised again and delivered once this one returns.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    if (sig != SIGSEGV || info->si_code <= 0) raise(sig);
}

void on_segv(int sig, siginfo_t* info, void* context) {
    execution* ex = execution::current();
    if (ex != nullptr && ex->in_guard_page(info->si_addr)) {
        ex->interrupted(execution::interruption::stack_overflow);
        siglongjmp(ex->overflow_landing(), 1);
    }
    // Not ours. When it will kill the process (the default action, or a fault in
    // the first pages: a null dereference), name where in the exploration first.
    const bool fatal = is_default(previous_action) || is_ignored(previous_action) ||
                       reinterpret_cast<std::uintptr_t>(info->si_addr) < 65536;
    if (fatal && ex != nullptr && ex->running_model()) write_crash_line("crash (SIGSEGV)");
    if (is_ignored(previous_action)) {  // ignoring a fault would repeat it forever
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGSEGV, &dfl, nullptr);
        return;
    }
    forward(sig, info, context, previous_action);
}

void on_abort(int sig, siginfo_t* info, void* context) {
    execution* ex = execution::current();
    if (ex != nullptr && ex->running_model()) write_crash_line("crash (SIGABRT)");
    forward(sig, info, context, previous_abort);
}

// The watchdog's signal: the thread running model code has not reached a step
// in time. Landing in the runtimes' code (a loop that allocates), it waits for
// the watchdog's next signal, which will most likely find the model's own code.
void on_alarm(int sig, siginfo_t* info, void* context) {
    // Ours only when queued by this process's watchdog with its mark.
    const bool ours = info->si_code == SI_QUEUE && info->si_pid == getpid() && info->si_value.sival_int == watchdog_mark;
    if (!ours) {
        forward(sig, info, context, previous_alarm);
        return;
    }
    execution* ex = execution::current();
    if (ex == nullptr || !ex->running_model() || !ex->still_suspected()) return;  // it moved on meanwhile
    if (in_system_code(context) && ex->defer_hang()) return;
    ex->interrupted(execution::interruption::hang);
    siglongjmp(ex->overflow_landing(), 1);
}

} // namespace

signal_handlers::signal_handlers() {
    system_code_count = 0;
    dl_iterate_phdr(&note_system_code, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = &on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGALRM);  // a hang signal must not cut into an overflow's handling
    installed_ = sigaction(SIGSEGV, &sa, &previous_action) == 0;
    struct sigaction alarm {};
    alarm.sa_sigaction = &on_alarm;
    alarm.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&alarm.sa_mask);
    alarm_installed_ = sigaction(SIGALRM, &alarm, &previous_alarm) == 0;
    struct sigaction abort_action {};
    abort_action.sa_sigaction = &on_abort;
    abort_action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&abort_action.sa_mask);
    abort_installed_ = sigaction(SIGABRT, &abort_action, &previous_abort) == 0;
    report_terminate_and_exit();
}

signal_handlers::~signal_handlers() {
    if (installed_) sigaction(SIGSEGV, &previous_action, nullptr);
    if (alarm_installed_) sigaction(SIGALRM, &previous_alarm, nullptr);
    if (abort_installed_) sigaction(SIGABRT, &previous_abort, nullptr);
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
