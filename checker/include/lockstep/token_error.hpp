#pragma once
#include <stdexcept>

namespace lockstep {

// A replay token that is malformed, corrupted, or recorded for another model.
class token_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// lockstep used outside the checker (a primitive created outside a model, ...).
class usage_error : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

} // namespace lockstep
