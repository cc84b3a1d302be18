#pragma once
// Every option is checked before an exploration starts, with an error naming
// it: a bad value must not crash the process or throw from deep inside.
#include <lockstep/options.hpp>

namespace lockstep::detail {

// Throws lockstep::usage_error. `replaying`: called by lockstep::replay, whose
// token comes as an argument rather than in opts.token.
void check_options(const options& opts, bool replaying);

} // namespace lockstep::detail
