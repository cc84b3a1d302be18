#pragma once
// Sets (or unsets) an environment variable for one test and restores what was
// there before, so a LOCKSTEP_* knob never leaks into the next test.
#include <cstdlib>
#include <optional>
#include <string>

namespace lockstep::testing {

class environment_guard {
public:
    environment_guard(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~environment_guard() {
        if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
        else ::unsetenv(name_.c_str());
    }
    environment_guard(const environment_guard&) = delete;
    environment_guard& operator=(const environment_guard&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

} // namespace lockstep::testing
