// A deterministic mutation fuzzer for the token decoder and the replay path
// (libFuzzer needs a clang with its runtime, which the CI image lacks): seeded
// mutations of real tokens, at the character level and at the byte level with
// the checksum fixed up, so they reach the decoder's inner checks. It runs for
// LOCKSTEP_FUZZ_SECONDS (default 3) or until its iteration cap.
//
// What must hold for every input: the decoder either refuses it with a
// token_error or accepts exactly the token it would write itself; a replay
// either refuses it or replays it, and a failure it finds carries the same
// token; nothing allocates by what a token declares (the address space is capped).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "../checker/src/strategies/splitmix.hpp"
#include "../checker/src/token.hpp"
#include "address_space_limit.hpp"
#include "catalog.hpp"
#include "token_forge.hpp"

using namespace lockstep::testing;

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

class mutator {
public:
    explicit mutator(std::uint64_t seed) : state_(seed) {}
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : lockstep::detail::splitmix64(state_) % n; }

    std::string characters(std::string t, const std::vector<std::string>& seeds) {
        const std::size_t after_prefix = t.size() > 4 ? 4 + below(t.size() - 4) : below(t.size() + 1);
        switch (below(7)) {
        case 0: if (after_prefix < t.size()) t[after_prefix] = alphabet[below(64)]; break;
        case 1: t.insert(t.begin() + static_cast<long>(std::min(after_prefix + below(2), t.size())), alphabet[below(64)]); break;
        case 2: if (after_prefix < t.size()) t.erase(after_prefix, 1); break;
        case 3: t.resize(below(t.size() + 1)); break;
        case 4: t += "+" + seeds[below(seeds.size())]; break;
        case 5: t += std::string(1, "+ \n\t=."[below(6)]); break;
        default: if (!t.empty()) t[below(t.size())] = static_cast<char>(below(256)); break;
        }
        return t;
    }

    // The payload (without its checksum) of a token, changed, with a right checksum.
    std::string bytes(const std::string& t) {
        std::vector<std::uint8_t> p = payload(t);
        if (p.empty()) return t;
        const int edits = 1 + static_cast<int>(below(3));
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = below(p.size());
            switch (below(6)) {
            case 0: p[at] ^= static_cast<std::uint8_t>(1u << below(8)); break;
            case 1: p[at] = static_cast<std::uint8_t>(below(256)); break;
            case 2: p.insert(p.begin() + static_cast<long>(at), static_cast<std::uint8_t>(below(256))); break;
            case 3: if (p.size() > 1) p.erase(p.begin() + static_cast<long>(at)); break;
            case 4: {  // a large number where a small one was
                std::vector<std::uint8_t> v;
                put_varint(v, std::uint64_t{1} << below(64));
                p.insert(p.begin() + static_cast<long>(at), v.begin(), v.end());
                break;
            }
            default: p.resize(at + 1); break;
            }
        }
        return forge_token(p);
    }

private:
    static std::vector<std::uint8_t> payload(const std::string& t) {
        std::vector<std::uint8_t> bytes;
        std::uint32_t buffer = 0;
        int bits = 0;
        for (std::size_t i = 4; i < t.size(); ++i) {
            const std::size_t v = alphabet.find(t[i]);
            if (v == std::string_view::npos) return {};
            buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
            bits += 6;
            if (bits >= 8) bytes.push_back(static_cast<std::uint8_t>(buffer >> (bits -= 8)));
        }
        if (bytes.size() < 5) return {};
        bytes.resize(bytes.size() - 4);
        return bytes;
    }
    std::uint64_t state_;
};

double fuzz_seconds() {
    const char* s = std::getenv("LOCKSTEP_FUZZ_SECONDS");
    return s != nullptr ? std::atof(s) : 3.0;
}

} // namespace

TEST_CASE("fuzz: mutated tokens are decoded canonically and replayed exactly, or refused") {
    std::vector<const lockstep::model*> models;
    std::vector<std::string> seeds;
    for (const char* name : {"s08_ab_ba_deadlock", "s01_lost_update", "s19_if_instead_of_while"}) {
        const lockstep::model* m = nullptr;
        for (const auto& c : lockstep::models::catalog())
            if (c.name == name) m = &c;
        if (m == nullptr || !m->expected_failure) continue;
        const auto r = lockstep::run_model(*m, {}, false);
        REQUIRE(r.failure);
        models.push_back(m);
        seeds.push_back(r.failure->token);
    }
    REQUIRE(seeds.size() >= 2);
    seeds.push_back(forged_zero_run(std::uint64_t{1} << 32));

    mutator mutate(0x5eed);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(fuzz_seconds());
    std::uint64_t tried = 0, decoded = 0, replayed = 0;
    const address_space_limit cap(std::size_t{2} << 30);
    while (std::chrono::steady_clock::now() < deadline && tried < 200'000) {
        ++tried;
        std::string t = seeds[mutate.below(seeds.size())];
        const int rounds = 1 + static_cast<int>(mutate.below(3));
        for (int i = 0; i < rounds; ++i) t = mutate.below(2) == 0 ? mutate.characters(t, seeds) : mutate.bytes(t);
        CAPTURE(t);
        try {
            const auto s = lockstep::detail::decode_token(t);
            ++decoded;
            const std::string again = lockstep::detail::encode_schedule(s);
            // Surrounding whitespace is forgiven; nothing else is.
            if (t.find_first_of(" \n\r") == std::string::npos) REQUIRE(again == t);
        } catch (const lockstep::token_error&) {
        }
        if (tried % 8 != 0) continue;  // a replay costs more than a decode
        const lockstep::model& m = *models[mutate.below(models.size())];
        try {
            lockstep::options o = m.settings;
            o.step_time_limit = std::chrono::milliseconds(2'000);
            const auto r = lockstep::replay(m.body, t, o);
            ++replayed;
            if (r.failure && r.failure->kind != lockstep::failure_kind::nondeterminism &&
                t.find_first_of(" \n\r") == std::string::npos)
                CHECK(r.failure->token == t);
        } catch (const lockstep::token_error&) {
        } catch (const std::bad_alloc&) {
            FAIL("a token made the replay allocate past 2 GiB: " << t);
        }
    }
    MESSAGE(tried << " mutated tokens, " << decoded << " decoded, " << replayed << " replayed");
    CHECK(tried > 100);
}
