#pragma once
// Running a model, and what a model may call besides the primitives.
#include <concepts>
#include <cstddef>
#include <functional>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/options.hpp>
#include <lockstep/result.hpp>
#include <lockstep/token_error.hpp>

namespace lockstep {

// Runs `model` under the interleavings `opts.strategy` chooses; stops at the
// first failure (unless opts.stop_on_failure is false) or when the budget ends.
// `project_root` is filled in at the call (options::source_root): leave it.
result explore(std::function<void()> model, options opts = {},
               std::string_view project_root = LOCKSTEP_DETAIL_PROJECT_ROOT);

// Runs the one execution `token` describes. Throws token_error when the token is
// malformed or does not fit the model.
result replay(std::function<void()> model, std::string_view token, options opts = {},
              std::string_view project_root = LOCKSTEP_DETAIL_PROJECT_ROOT);

// explore() under a name that reads well in a test: CHECK(lockstep::check(model)).
inline result check(std::function<void()> model, options opts = {},
                    std::string_view project_root = LOCKSTEP_DETAIL_PROJECT_ROOT) {
    return explore(std::move(model), std::move(opts), project_root);
}

// A nondeterministic value in [0, n), explored like a thread choice.
inline std::size_t choose(std::size_t n, std::source_location where = std::source_location::current()) {
    return detail::choose(n, where);
}

// Records a named outcome of this execution; the result counts each distinct value.
template <class T>
void observe(std::string_view name, const T& value) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>)
        detail::observe(name, std::string(std::string_view(value)));
    else
        detail::observe(name, fmt::format("{}", value));
}

namespace detail {
[[noreturn]] void assertion_failed(const char* expression, std::string_view message,
                                   std::source_location where);
}

} // namespace lockstep

// A macro because only a macro can quote the expression it checks.
#define LOCKSTEP_ASSERT(...) LOCKSTEP_ASSERT_SELECT(__VA_ARGS__, LOCKSTEP_ASSERT_2, LOCKSTEP_ASSERT_1, )(__VA_ARGS__)
#define LOCKSTEP_ASSERT_SELECT(a, b, name, ...) name
#define LOCKSTEP_ASSERT_1(expr)                                                                  \
    ((expr) ? void(0)                                                                            \
            : ::lockstep::detail::assertion_failed(#expr, {}, std::source_location::current()))
#define LOCKSTEP_ASSERT_2(expr, message)                                                         \
    ((expr) ? void(0)                                                                            \
            : ::lockstep::detail::assertion_failed(#expr, (message), std::source_location::current()))
