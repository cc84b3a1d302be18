// Placeholders until the strategies land (issue 4): a clear error, not a link failure.
#include <lockstep/token_error.hpp>

#include "../strategy.hpp"

namespace lockstep::detail {

} // namespace lockstep::detail
