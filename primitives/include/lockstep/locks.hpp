#pragma once
// lockstep's names for std's lock types, so that `namespace sync = lockstep;`
// gives sync::lock_guard and friends. Over lockstep mutexes std's own are
// specialized to carry the caller's line (see std_locks.hpp).
#include <lockstep/std_locks.hpp>

namespace lockstep {

// The templates themselves, not alias templates: `lockstep::lock_guard guard(m);`
// deduces its argument on every compiler (clang before 19 has no deduction for
// alias templates).
using std::lock_guard;
using std::scoped_lock;
using std::shared_lock;
using std::unique_lock;

} // namespace lockstep
