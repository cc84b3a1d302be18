#pragma once
// What replaying `token` on `model` throws as a token_error, or "no error".
#include <functional>
#include <string>
#include <string_view>

#include <lockstep/lockstep.hpp>

namespace lockstep::testing {

inline std::string token_error_of(const std::function<void()>& model, std::string_view token) {
    try {
        (void)lockstep::replay(model, token);
    } catch (const lockstep::token_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace lockstep::testing
