#pragma once
// lockstep::future_error: a std::future_error (code catching std's catches it,
// code() is std's future_errc) whose what() says which future, which line, and
// what happened before, for the report when nobody catches it.
#include <future>
#include <memory>
#include <string>

namespace lockstep {

using std::future_errc;
using std::future_status;
using std::launch;

class future_error : public std::future_error {
public:
    future_error(std::future_errc code, std::string message)
        : std::future_error(code), message_(std::make_shared<const std::string>(std::move(message))) {}
    const char* what() const noexcept override { return message_->c_str(); }

private:
    std::shared_ptr<const std::string> message_;  // shared: copying an exception must not throw
};

} // namespace lockstep
