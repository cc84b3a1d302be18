#pragma once
// The replay token: a schedule (the choices made at every decision with more
// than one option) encoded compactly, versioned and checksummed.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::detail {

struct decision {
    std::uint32_t options;
    std::uint32_t chosen;
    std::uint32_t shape;  // what was offered: decision_shape()
};

struct choice;
// A fingerprint of what a decision offered: the number of options and, for a
// thread choice, each thread's pending operation (kind and object). A token
// folds them together, so a token replayed on another model is recognised as
// foreign even when its choices happen to fit.
std::uint32_t decision_shape(std::span<const choice> choices);
std::uint32_t decision_shape(std::size_t values);

// A run of equal choices. A token stores long runs of choice 0 in a few bytes;
// keeping them as runs bounds what decoding allocates by the token's length,
// whatever count a forged token declares.
struct choice_run {
    std::uint32_t value = 0;
    std::uint64_t length = 0;
};

struct recorded_schedule {
    std::uint64_t max_steps = 0;
    std::uint32_t model = 0;  // model_fingerprint() of the model it was recorded on
    std::uint32_t shape = 0;  // hash of the option counts: tells a foreign token apart
    std::uint32_t flags = 0;  // token_flags: options that change what the choices are
    std::uint64_t count = 0;  // decisions, the sum of the runs' lengths
    std::vector<choice_run> runs;
    // Every choice, one by one: only for schedules known to be short (tests).
    std::vector<std::uint32_t> expanded() const;
};

std::uint32_t shape_step(std::uint32_t hash, std::uint32_t shape);
inline constexpr std::uint32_t shape_seed = 2166136261u;

// Which model a token was recorded on: 24 bits of a hash of the model's name
// (options::name), or unnamed_model. The name, not the code: it is the same in
// every build, compiler and -O level, and when the model's lines move, while
// what the code does is checked by the decisions' shape.
inline constexpr std::uint32_t unnamed_model = 0;
inline constexpr std::uint32_t model_mask = 0xffffff;
std::uint32_t model_fingerprint(std::string_view name);

// Options a token records because they change which choices a model offers.
// A token without flags is a version 2 token ("ls2-"); with flags, version 3
// ("ls3-"), which holds them after the version.
inline constexpr std::uint32_t token_spin_reduction = 1;  // options.spin_reduction
inline constexpr std::uint32_t token_known_flags = token_spin_reduction;

// `model`: model_fingerprint() of the model recorded on.
std::string encode_token(std::span<const decision> decisions, std::uint64_t max_steps, std::uint32_t model,
                         std::uint32_t flags = 0);
std::string encode_schedule(const recorded_schedule& schedule);
// Canonical: only what encode_schedule() writes is accepted, so that
// encode_schedule(decode_token(t)) == t for every token it accepts.
recorded_schedule decode_token(std::string_view token);  // throws lockstep::token_error

} // namespace lockstep::detail
