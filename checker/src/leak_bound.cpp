#include "leak_bound.hpp"

#include <malloc.h>

#include <fmt/format.h>

namespace lockstep::detail {
namespace {

// Bytes the program holds from malloc: small blocks and mmapped large ones.
std::size_t heap_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
#else
    return 0;  // not measurable here: no bound
#endif
}

} // namespace

void leak_bound::before_execution() {
    if (active_) before_ = heap_in_use();
}

void leak_bound::after_failure() {
    if (!active_) return;
    ++failures_;
    const std::size_t now = heap_in_use();
    if (now > before_) leaked_ += now - before_;
}

std::optional<std::string> leak_bound::exceeded() const {
    if (!active_ || leaked_ <= limit_) return std::nullopt;
    return fmt::format("the exploration stopped early: its {} failed executions left {} MiB of the model's memory "
                       "behind (a failed execution is abandoned, never unwound, so what its threads allocated is "
                       "not freed), more than the {} MiB lockstep allows with options.stop_on_failure = false",
                       failures_, leaked_ >> 20, limit_ >> 20);
}

} // namespace lockstep::detail
