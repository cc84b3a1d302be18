// libFuzzer target for the token decoder and the replay path (built and run
// for a bounded time by the ctest token_fuzz_libfuzzer, with clang; the gcc
// build runs the deterministic mutation test tests/test_token_fuzz.cpp).
// For every input: the decoder refuses it with a token_error or accepts
// exactly the token it would write itself; a replay refuses it or replays it,
// and a failure it finds carries the same token. libFuzzer's -malloc_limit_mb
// catches any allocation made by what a token declares.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <lockstep/lockstep.hpp>

#include "../../checker/src/token.hpp"

namespace {

// Threads, a lock, an atomic and a choice: every kind of decision a token holds.
void model() {
    lockstep::mutex m("m");
    lockstep::atomic<int> x(0);
    const std::size_t pick = lockstep::choose(3);
    lockstep::thread t([&] {
        lockstep::lock_guard g(m);
        x.store(1, std::memory_order_release);
    });
    { lockstep::lock_guard g(m); }
    const int seen = x.load(std::memory_order_acquire);
    t.join();
    LOCKSTEP_ASSERT(!(pick == 2 && seen == 1));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string token(reinterpret_cast<const char*>(data), size);
    const bool plain = token.find_first_of(" \r\n") == std::string::npos;
    try {
        const auto schedule = lockstep::detail::decode_token(token);
        if (plain && lockstep::detail::encode_schedule(schedule) != token) std::abort();  // not canonical
    } catch (const lockstep::token_error&) {
    }
    try {
        lockstep::options o;
        o.step_time_limit = std::chrono::milliseconds(0);  // no watchdog thread per input
        const auto r = lockstep::replay(model, token, o);
        if (plain && r.failure && r.failure->kind != lockstep::failure_kind::nondeterminism &&
            r.failure->token != token)
            std::abort();  // replayed into another schedule
    } catch (const lockstep::token_error&) {
    }
    return 0;
}
