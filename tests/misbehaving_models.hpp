#pragma once
// Models that misbehave on purpose, shared by the tests of how the checker copes.
#include <lockstep/lockstep.hpp>

namespace lockstep::testing {

inline int recurse_deeply(int n) {
    volatile char frame[1024];
    frame[0] = static_cast<char>(n);
    return n == 0 ? frame[0] : recurse_deeply(n - 1) + frame[0];
}

// Thread T1 recurses until it overflows any stack a test gives it.
inline void overflow_in_thread() {
    lockstep::thread t([] { (void)recurse_deeply(1'000'000); });
    t.join();
}

} // namespace lockstep::testing
