#include "token.hpp"

#include <fmt/format.h>

#include <lockstep/token_error.hpp>

#include "strategy.hpp"

namespace lockstep::detail {
namespace {

constexpr std::string_view prefix = "ls1-";
constexpr std::uint8_t version = 1;
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

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

class reader {
public:
    explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        throw token_error("replay token is malformed: a number in it is too long");
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(byte()) << (8 * i);
        return v;
    }
    bool done() const { return at_ == bytes_.size(); }

private:
    std::uint8_t byte() {
        if (at_ == bytes_.size()) throw token_error("replay token is truncated: it ends in the middle of the schedule");
        return bytes_[at_++];
    }
    std::span<const std::uint8_t> bytes_;
    std::size_t at_ = 0;
};

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

std::string encode_token(std::span<const decision> decisions, std::uint64_t max_steps) {
    std::vector<std::uint8_t> bytes;
    bytes.push_back(version);
    put_varint(bytes, max_steps);
    put_varint(bytes, decisions.size());
    std::uint32_t shape = shape_seed;
    for (const decision& d : decisions) shape = shape_step(shape, d.shape);
    put_u32(bytes, shape);
    for (std::size_t i = 0; i < decisions.size();) {
        if (decisions[i].chosen != 0) {
            put_varint(bytes, decisions[i++].chosen);
            continue;
        }
        std::size_t run = 0;
        while (i < decisions.size() && decisions[i].chosen == 0) ++run, ++i;
        bytes.push_back(0);
        put_varint(bytes, run);
    }
    put_u32(bytes, fnv1a(bytes));

    std::string text(prefix);
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

recorded_schedule decode_token(std::string_view token) {
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (token.substr(0, 2) == "ls" && token.size() > 3 && token[2] != '1' && token.find('-') != std::string_view::npos)
        throw token_error(fmt::format("replay token has version {}, this lockstep reads version 1 tokens only",
                                      token.substr(2, token.find('-') - 2)));
    if (token.substr(0, prefix.size()) != prefix)
        throw token_error("not a lockstep replay token: a token starts with \"ls1-\"");
    token.remove_prefix(prefix.size());

    std::vector<std::uint8_t> bytes;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        const char c = token[i];
        const char* p = std::char_traits<char>::find(alphabet, 64, c);
        if (p == nullptr)
            throw token_error(fmt::format("replay token is malformed: character '{}' at position {} is not "
                                          "part of a token",
                                          c, i + prefix.size()));
        buffer = (buffer << 6) | static_cast<std::uint32_t>(p - alphabet);
        bits += 6;
        if (bits >= 8) bytes.push_back(static_cast<std::uint8_t>(buffer >> (bits -= 8)));
    }
    if (bytes.size() < 6) throw token_error("replay token is truncated: too short to hold a schedule");

    const std::span<const std::uint8_t> payload(bytes.data(), bytes.size() - 4);
    reader tail(std::span<const std::uint8_t>(bytes.data() + payload.size(), 4));
    if (tail.u32() != fnv1a(payload))
        throw token_error("replay token is corrupted: its checksum does not match (was it copied completely?)");
    if (payload[0] != version)
        throw token_error(fmt::format("replay token has version {}, this lockstep reads version {} tokens only",
                                      payload[0], version));

    reader in(payload.subspan(1));
    recorded_schedule s;
    s.max_steps = in.varint();
    const std::uint64_t count = in.varint();
    s.shape = in.u32();
    if (count > (std::uint64_t{1} << 32)) throw token_error("replay token is malformed: impossible length");
    s.choices.reserve(count);
    while (!in.done()) {
        const std::uint64_t v = in.varint();
        if (v != 0) {
            s.choices.push_back(static_cast<std::uint32_t>(v));
            continue;
        }
        const std::uint64_t run = in.varint();
        if (run > count - s.choices.size()) throw token_error("replay token is malformed: schedule longer than stated");
        s.choices.insert(s.choices.end(), run, 0);
    }
    if (s.choices.size() != count) throw token_error("replay token is malformed: schedule shorter than stated");
    return s;
}

} // namespace lockstep::detail
