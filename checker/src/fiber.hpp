#pragma once
// Model threads are fibers on one OS thread. A fiber owns nothing: its stack
// comes from a stack_pool and is reused by the next execution.
#include <cstddef>
#include <vector>

#include <boost/context/detail/fcontext.hpp>

namespace lockstep::detail {

// A stack with a PROT_NONE guard page below it.
struct stack {
    char* base = nullptr;     // start of the mapping (the guard page)
    std::size_t mapped = 0;   // guard page + usable bytes
    std::size_t guard = 0;
    char* top() const { return base + mapped; }
    char* usable_bottom() const { return base + guard; }
    bool in_guard(const void* address) const {
        auto* p = static_cast<const char*>(address);
        return p >= base && p < base + guard;
    }
};

class stack_pool {
public:
    explicit stack_pool(std::size_t usable_size);
    ~stack_pool();
    stack_pool(const stack_pool&) = delete;
    stack_pool& operator=(const stack_pool&) = delete;

    stack take();
    void give_back(stack s);
    std::size_t usable_size() const { return usable_; }

private:
    std::size_t usable_;
    std::vector<stack> free_;
};

// While a model runs, LeakSanitizer does not track what it allocates: a failed
// execution is abandoned, not unwound, so what its threads own leaks by design.
// (Allocations on the explorer's side stay checked.)
class model_allocations_unchecked {
public:
    model_allocations_unchecked();
    ~model_allocations_unchecked();
    model_allocations_unchecked(const model_allocations_unchecked&) = delete;
    model_allocations_unchecked& operator=(const model_allocations_unchecked&) = delete;
};

// The C++ runtime keeps the exceptions in flight per OS thread; each fiber gets
// its own copy so a catch block in one fiber is not disturbed by another.
struct exception_state {
    void* caught = nullptr;
    unsigned int uncaught = 0;
};

struct fiber {
    boost::context::detail::fcontext_t context = nullptr;
    exception_state exceptions{};
    // Only for AddressSanitizer's bookkeeping of stack switches.
    const void* stack_bottom = nullptr;
    std::size_t stack_size = 0;
    void* fake_stack = nullptr;
};

using fiber_entry = void (*)(boost::context::detail::transfer_t);

// Prepares `f` to start in `entry` on `s` below `reserved_top` (space the caller keeps at the top).
void start_fiber(fiber& f, const stack& s, char* reserved_top, fiber_entry entry);
// Suspends `from` and resumes `to`; returns when something switches back to `from`.
void switch_fiber(fiber& from, fiber& to);
// The first thing a new fiber does with the transfer it was started with.
void fiber_started(boost::context::detail::transfer_t t);
// Describes the OS thread's own stack (AddressSanitizer needs it).
void describe_os_stack(fiber& f);

} // namespace lockstep::detail
