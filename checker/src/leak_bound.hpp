#pragma once
// A failed execution is abandoned, not unwound (see fiber.hpp): what its
// threads had allocated is never freed. Its stacks go back to the pool, but
// the heap it held cannot be reclaimed, so with options.stop_on_failure =
// false an exploration measures what each failed execution left on the heap
// and stops, saying why, once the total passes a limit.
#include <cstddef>
#include <optional>
#include <string>

namespace lockstep::detail {

class leak_bound {
public:
    static constexpr std::size_t default_limit = std::size_t{1} << 30;  // 1 GiB
    explicit leak_bound(bool active, std::size_t limit = default_limit) : active_(active), limit_(limit) {}

    // Around each execution: the heap in use before it, and after it when it failed.
    void before_execution();
    void after_failure();
    // Set once the failed executions have left more than the limit behind.
    std::optional<std::string> exceeded() const;

private:
    bool active_;
    std::size_t limit_;
    std::size_t before_ = 0;
    std::size_t leaked_ = 0;
    std::size_t failures_ = 0;
};

} // namespace lockstep::detail
