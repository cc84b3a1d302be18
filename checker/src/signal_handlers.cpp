#include "signal_handlers.hpp"

#include <link.h>
#include <ucontext.h>

#include <csetjmp>
#include <cstdint>
#include <cstring>

#include "execution.hpp"

namespace lockstep::detail {
namespace {

// Whoever handled SIGSEGV and SIGALRM before the exploration: a fault that is
// not a guard-page hit goes there. Written only while no execution runs.
struct sigaction previous_action {};
struct sigaction previous_alarm {};

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

void on_segv(int, siginfo_t* info, void*) {
    execution* ex = execution::current();
    if (ex != nullptr && ex->in_guard_page(info->si_addr)) {
        ex->interrupted(execution::interruption::stack_overflow);
        siglongjmp(ex->overflow_landing(), 1);
    }
    // Not ours: put back whoever handled it before; the fault repeats and goes there.
    sigaction(SIGSEGV, &previous_action, nullptr);
}

// The watchdog's signal: the thread running model code has not reached a step
// in time. Landing in the runtimes' code (a loop that allocates), it waits for
// the watchdog's next signal, which will most likely find the model's own code.
void on_alarm(int, siginfo_t*, void* context) {
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
}

signal_handlers::~signal_handlers() {
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
