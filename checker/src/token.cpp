#include "token.hpp"

#include <limits>

#include <fmt/format.h>

#include <lockstep/token_error.hpp>

#include "strategy.hpp"

namespace lockstep::detail {
namespace {

constexpr std::string_view prefix = "ls2-";
constexpr std::string_view flagged_prefix = "ls3-";  // a token with flags (token.hpp)
constexpr std::uint8_t version = 2;
constexpr std::uint8_t flagged_version = 3;
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::uint32_t fnv1a(std::span<const std::uint8_t> bytes) {
    std::uint32_t h = 2166136261u;
    for (std::uint8_t b : bytes) h = (h ^ b) * 16777619u;
    return h;
}

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_bytes(std::vector<std::uint8_t>& out, std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) { put_bytes(out, v, 4); }

class reader {
public:
    explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    // Minimal varints only: an overlong encoding of a number would be a second
    // spelling of the same token.
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            if (shift == 63 && b > 1) break;
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) {
                if (b == 0 && shift > 0)
                    throw token_error("replay token is malformed: a number in it is not written in its shortest form");
                return v;
            }
        }
        throw token_error("replay token is malformed: a number in it is too long");
    }
    std::uint32_t bytes(int n) {
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(byte()) << (8 * i);
        return v;
    }
    std::uint32_t u32() { return bytes(4); }
    bool done() const { return at_ == bytes_.size(); }

private:
    std::uint8_t byte() {
        if (at_ == bytes_.size()) throw token_error("replay token is truncated: it ends in the middle of the schedule");
        return bytes_[at_++];
    }
    std::span<const std::uint8_t> bytes_;
    std::size_t at_ = 0;
};

// The characters after the prefix, 6 bits each, as bytes. The encoder pads the
// last byte's bits with zeros to a whole character and writes nothing more: a
// character left over without a byte, or a padding bit set, is another
// spelling of the same bytes and is rejected.
// (The caller throws `tail_problem` after the checksum: a token cut short is
// better told as not copied completely.)
std::vector<std::uint8_t> to_bytes(std::string_view text, const char*& tail_problem) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char* p = std::char_traits<char>::find(alphabet, 64, c);
        if (p == nullptr)
            throw token_error(fmt::format("replay token is malformed: character '{}' at position {} is not "
                                          "part of a token",
                                          c, i + prefix.size()));
        buffer = (buffer << 6) | static_cast<std::uint32_t>(p - alphabet);
        bits += 6;
        if (bits >= 8) bytes.push_back(static_cast<std::uint8_t>(buffer >> (bits -= 8)));
    }
    tail_problem = nullptr;
    if (bits >= 6) tail_problem = "replay token is malformed: its last character holds no data (a character too many?)";
    else if ((buffer & ((1u << bits) - 1)) != 0)
        tail_problem = "replay token is malformed: its last character has bits set that no token sets";
    return bytes;
}

} // namespace

std::uint32_t shape_step(std::uint32_t hash, std::uint32_t shape) {
    return (hash ^ shape) * 16777619u;
}

std::uint32_t decision_shape(std::span<const choice> choices) {
    std::uint32_t h = shape_step(shape_seed, static_cast<std::uint32_t>(choices.size()));
    for (const choice& c : choices)
        h = shape_step(h, (static_cast<std::uint32_t>(c.pending->kind) << 24) ^ c.pending->object);
    return h;
}

std::uint32_t decision_shape(std::size_t values) {
    return shape_step(shape_step(shape_seed, static_cast<std::uint32_t>(values)), 0xc0ffeeu);
}

std::uint32_t model_fingerprint(std::string_view name) {
    if (name.empty()) return unnamed_model;
    const std::uint32_t h = fnv1a({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()}) & model_mask;
    return h == unnamed_model ? 1 : h;
}

std::string encode_token(std::span<const decision> decisions, std::uint64_t max_steps, std::uint32_t model,
                         std::uint32_t flags) {
    recorded_schedule s;
    s.flags = flags;
    s.max_steps = max_steps;
    s.model = model;
    s.count = decisions.size();
    s.shape = shape_seed;
    for (const decision& d : decisions) {
        s.shape = shape_step(s.shape, d.shape);
        if (d.chosen == 0 && !s.runs.empty() && s.runs.back().value == 0) ++s.runs.back().length;
        else s.runs.push_back({d.chosen, 1});
    }
    return encode_schedule(s);
}

// A choice other than 0 is written on its own; a run of 0s as a 0 and its length.
std::string encode_schedule(const recorded_schedule& s) {
    std::vector<std::uint8_t> bytes;
    bytes.push_back(s.flags != 0 ? flagged_version : version);
    if (s.flags != 0) put_varint(bytes, s.flags);
    put_varint(bytes, s.max_steps);
    put_varint(bytes, s.count);
    put_bytes(bytes, s.model, 3);
    put_u32(bytes, s.shape);
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        const choice_run& r = s.runs[i];
        if (r.value != 0) {
            for (std::uint64_t k = 0; k < r.length; ++k) put_varint(bytes, r.value);
            continue;
        }
        std::uint64_t zeros = r.length;  // adjacent runs of 0 are one run
        while (i + 1 < s.runs.size() && s.runs[i + 1].value == 0) zeros += s.runs[++i].length;
        if (zeros == 0) continue;
        bytes.push_back(0);
        put_varint(bytes, zeros);
    }
    put_u32(bytes, fnv1a(bytes));

    std::string text(s.flags != 0 ? flagged_prefix : prefix);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) text += alphabet[(buffer >> (bits -= 6)) & 63];
    }
    if (bits > 0) text += alphabet[(buffer << (6 - bits)) & 63];
    return text;
}

std::vector<std::uint32_t> recorded_schedule::expanded() const {
    std::vector<std::uint32_t> all;
    for (const choice_run& r : runs) all.insert(all.end(), r.length, r.value);
    return all;
}

recorded_schedule decode_token(std::string_view token) {
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (token.starts_with("ls1-"))
        throw token_error("replay token is in the old format, version 1, which does not record the model it was "
                          "recorded on; this lockstep reads version 2 tokens (\"ls2-\"): run the model again to "
                          "get a new token");
    if (token.substr(0, 2) == "ls" && token.size() > 3 && token[2] != '2' && token[2] != '3' &&
        token.find('-') != std::string_view::npos)
        throw token_error(fmt::format("replay token has version {}, this lockstep reads version 2 and 3 tokens only",
                                      token.substr(2, token.find('-') - 2)));
    const bool flagged = token.substr(0, flagged_prefix.size()) == flagged_prefix;
    if (!flagged && token.substr(0, prefix.size()) != prefix)
        throw token_error("not a lockstep replay token: a token starts with \"ls2-\" or \"ls3-\"");
    token.remove_prefix(prefix.size());

    const char* tail_problem = nullptr;
    const std::vector<std::uint8_t> bytes = to_bytes(token, tail_problem);
    if (bytes.size() < 9) throw token_error("replay token is truncated: too short to hold a schedule");

    const std::span<const std::uint8_t> payload(bytes.data(), bytes.size() - 4);
    reader tail(std::span<const std::uint8_t>(bytes.data() + payload.size(), 4));
    if (tail.u32() != fnv1a(payload))
        throw token_error("replay token is corrupted: its checksum does not match (was it copied completely?)");
    if (tail_problem != nullptr) throw token_error(tail_problem);
    if (payload[0] != (flagged ? flagged_version : version))
        throw token_error(fmt::format("replay token has version {} after the prefix \"{}\", which stands for "
                                      "version {}",
                                      payload[0], flagged ? flagged_prefix : prefix,
                                      flagged ? flagged_version : version));

    reader in(payload.subspan(1));
    recorded_schedule s;
    if (flagged) {
        const std::uint64_t flags = in.varint();
        if (flags == 0)
            throw token_error("replay token is malformed: a version 3 token without flags (that is a version 2 token)");
        if ((flags & ~std::uint64_t{token_known_flags}) != 0)
            throw token_error(fmt::format("replay token records options this lockstep does not know (flags {:#x}): "
                                          "it comes from a newer lockstep",
                                          flags));
        s.flags = static_cast<std::uint32_t>(flags);
    }
    s.max_steps = in.varint();
    s.count = in.varint();
    s.model = in.bytes(3);
    s.shape = in.u32();
    // Nothing is allocated by the declared count: the runs are bounded by the
    // bytes, and every count is checked against what is left of it.
    std::uint64_t total = 0;
    while (!in.done()) {
        const std::uint64_t v = in.varint();
        if (v > std::numeric_limits<std::uint32_t>::max() - 1)
            throw token_error(fmt::format("replay token is malformed: decision {} takes option {}, more than a "
                                          "decision can offer",
                                          total + 1, v));
        const bool zeros = v == 0;
        const std::uint64_t length = zeros ? in.varint() : 1;
        if (zeros && length == 0) throw token_error("replay token is malformed: an empty run of choices");
        if (zeros && !s.runs.empty() && s.runs.back().value == 0)
            throw token_error("replay token is malformed: two runs of choice 0 in a row (a token writes one)");
        if (length > s.count - total)
            throw token_error(fmt::format("replay token is malformed: its schedule is longer than the {} decisions "
                                          "it declares",
                                          s.count));
        total += length;
        s.runs.push_back({static_cast<std::uint32_t>(v), length});
    }
    if (total != s.count)
        throw token_error(fmt::format("replay token is malformed: its schedule holds {} decisions, not the {} it "
                                      "declares",
                                      total, s.count));
    return s;
}

} // namespace lockstep::detail
