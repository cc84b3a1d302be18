#pragma once
// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed generator; the
// seeded strategies derive each execution's stream from (seed, execution index).
#include <cstdint>

namespace lockstep::detail {

// Its output function: every bit of z affects every bit of the result.
inline std::uint64_t splitmix64_mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

inline std::uint64_t splitmix64(std::uint64_t& state) { return splitmix64_mix(state += 0x9e3779b97f4a7c15ULL); }

} // namespace lockstep::detail
