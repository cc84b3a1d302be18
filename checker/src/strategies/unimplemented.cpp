// Placeholders until the strategies land (issue 4): a clear error, not a link failure.
#include <lockstep/token_error.hpp>

#include "../strategy.hpp"

namespace lockstep::detail {

std::unique_ptr<strategy_base> make_dpor(std::uint64_t) { throw usage_error("lockstep: strategy::dpor is not implemented yet"); }

} // namespace lockstep::detail
