#pragma once
// CI knobs: LOCKSTEP_* environment variables that override the options a test
// sets in code, so a CI job can change the search (or replay one failure)
// without recompiling, as loom's LOOM_* and shuttle's SHUTTLE_RANDOM_SEED do.
#include <lockstep/options.hpp>

namespace lockstep::detail {

// Applies each LOCKSTEP_* variable that is set and not empty to `opts`: the
// environment wins over the code. Throws usage_error naming the variable when
// its value is malformed (so a typo in a CI file fails loudly, not silently).
//   LOCKSTEP_STRATEGY          dfs | dpor | random | pct
//   LOCKSTEP_SEED              unsigned 64-bit decimal
//   LOCKSTEP_MAX_EXECUTIONS    unsigned 64-bit decimal (0 = no limit)
//   LOCKSTEP_MAX_TIME          a duration: 30s, 5m, 1h, 1h30m, 500ms (0 = no limit)
//   LOCKSTEP_ESTIMATE          0 | 1 (1: options::estimate_only)
//   LOCKSTEP_PREEMPTION_BOUND  unsigned 64-bit decimal
//   LOCKSTEP_WORKERS           unsigned decimal (0 = one per core)
//   LOCKSTEP_MEMORY_MODEL      rc11 | sc
//   LOCKSTEP_FAILURE_DIR       a directory
//   LOCKSTEP_SOURCE_ROOT       an absolute directory: report paths relative to it ("/": absolute)
//   LOCKSTEP_REPLAY            a token: the exploration replays it (strategy::replay)
void apply_environment(options& opts);
// LOCKSTEP_SOURCE_ROOT alone (replay applies no other knob); checks the root.
void apply_source_root_environment(options& opts);

} // namespace lockstep::detail
