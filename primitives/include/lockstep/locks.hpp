#pragma once
// lockstep's names for std's lock types, so that `namespace sync = lockstep;`
// gives sync::lock_guard and friends. Over lockstep mutexes std's own are
// specialized to carry the caller's line (see std_locks.hpp).
#include <lockstep/std_locks.hpp>

namespace lockstep {

template <class Mutex>
using lock_guard = std::lock_guard<Mutex>;
template <class Mutex>
using unique_lock = std::unique_lock<Mutex>;
template <class Mutex>
using shared_lock = std::shared_lock<Mutex>;
template <class... Mutexes>
using scoped_lock = std::scoped_lock<Mutexes...>;

} // namespace lockstep
