#pragma once
// Builds replay tokens byte by byte, as an attacker or a fuzzer would: the
// checksum is right, so only the decoder's own checks stand between a forged
// token and the replay.
#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::testing {

inline void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// `payload` (version byte first) with its checksum, in the token alphabet.
inline std::string forge_token(std::vector<std::uint8_t> payload) {
    std::uint32_t h = 2166136261u;
    for (std::uint8_t b : payload) h = (h ^ b) * 16777619u;
    put_u32(payload, h);
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text = "ls2-";
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : payload) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) text += alphabet[(buffer >> (bits -= 6)) & 63];
    }
    if (bits > 0) text += alphabet[(buffer << (6 - bits)) & 63];
    return text;
}

// A token declaring `count` decisions, all of them choice 0, in one run, of an
// unnamed model.
inline std::string forged_zero_run(std::uint64_t count, std::uint64_t max_steps = 20'000) {
    std::vector<std::uint8_t> p{2};
    put_varint(p, max_steps);
    put_varint(p, count);
    p.insert(p.end(), {0, 0, 0});  // the model: unnamed
    put_u32(p, 0);
    p.push_back(0);
    put_varint(p, count);
    return forge_token(p);
}

} // namespace lockstep::testing
