#include "fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace __cxxabiv1 {
struct __cxa_eh_globals;
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;
} // namespace __cxxabiv1

namespace lockstep::detail {
namespace bc = boost::context::detail;

namespace {

exception_state* eh_globals() {
    return reinterpret_cast<exception_state*>(__cxxabiv1::__cxa_get_globals());
}

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return size;
}

// A stack that fibers ran on still carries the poisoned redzones of frames that
// never returned (a finished fiber switches away from inside its last call, a
// failed one is abandoned); AddressSanitizer would take them for overflows.
// Mappings can also come back at an address whose shadow is stale.
void unpoison([[maybe_unused]] const stack& s) {
#if LOCKSTEP_ASAN
    ASAN_UNPOISON_MEMORY_REGION(s.usable_bottom(), static_cast<std::size_t>(s.top() - s.usable_bottom()));
#endif
}

} // namespace

stack_pool::stack_pool(std::size_t usable_size) {
    const std::size_t page = page_size();
    usable_ = (usable_size + page - 1) / page * page;
}

stack_pool::~stack_pool() {
    for (const stack& s : free_) {
        unpoison(s);
        munmap(s.base, s.mapped);
    }
}

stack stack_pool::take() {
    if (!free_.empty()) {
        stack s = free_.back();
        free_.pop_back();
        unpoison(s);
        return s;
    }
    const std::size_t guard = page_size();
    const std::size_t mapped = guard + usable_;
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    mprotect(p, guard, PROT_NONE);
    const stack s{static_cast<char*>(p), mapped, guard};
    unpoison(s);
    return s;
}

void stack_pool::give_back(stack s) {
    free_.push_back(s);
}

model_allocations_unchecked::model_allocations_unchecked() {
#if LOCKSTEP_ASAN
    __lsan_disable();
#endif
}

model_allocations_unchecked::~model_allocations_unchecked() {
#if LOCKSTEP_ASAN
    __lsan_enable();
#endif
}

void start_fiber(fiber& f, const stack& s, char* reserved_top, fiber_entry entry) {
    const std::size_t size = static_cast<std::size_t>(reserved_top - s.usable_bottom());

    f.context = bc::make_fcontext(reserved_top, size, entry);
    f.exceptions = {};
    f.stack_bottom = s.usable_bottom();
    f.stack_size = size;
    f.fake_stack = nullptr;
}

void switch_fiber(fiber& from, fiber& to) {
    exception_state* eh = eh_globals();
    from.exceptions = *eh;
    *eh = to.exceptions;
#if LOCKSTEP_ASAN
    __sanitizer_start_switch_fiber(&from.fake_stack, to.stack_bottom, to.stack_size);
#endif
    bc::transfer_t t = bc::jump_fcontext(to.context, &from);
    static_cast<fiber*>(t.data)->context = t.fctx;
#if LOCKSTEP_ASAN
    __sanitizer_finish_switch_fiber(from.fake_stack, nullptr, nullptr);
#endif
}

void fiber_started(bc::transfer_t t) {
    static_cast<fiber*>(t.data)->context = t.fctx;
#if LOCKSTEP_ASAN
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

void describe_os_stack([[maybe_unused]] fiber& f) {
#if LOCKSTEP_ASAN
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void* addr = nullptr;
        std::size_t size = 0;
        pthread_attr_getstack(&attr, &addr, &size);
        f.stack_bottom = addr;
        f.stack_size = size;
        pthread_attr_destroy(&attr);
    }
#endif
}

} // namespace lockstep::detail
