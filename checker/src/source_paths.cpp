#include "source_paths.hpp"

#include <filesystem>
#include <source_location>
#include <system_error>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/token_error.hpp>

#include "report.hpp"

namespace lockstep::detail {
namespace {

// Part of the runtime context of this OS thread, like the running execution.
thread_local std::string root;
thread_local std::string cwd;

std::string_view under(std::string_view file, std::string_view dir) noexcept {
    if (dir.empty() || dir == "/" || file.size() <= dir.size() + 1 || !file.starts_with(dir) || file[dir.size()] != '/')
        return {};
    return file.substr(dir.size() + 1);
}

} // namespace

std::string checked_source_root(std::string_view value, std::string_view what) {
    if (value.empty()) return {};
    if (value.front() != '/')
        throw usage_error(fmt::format("lockstep: {} \"{}\" is not an absolute directory (\"/\" shows absolute paths)",
                                      what, value));
    while (value.size() > 1 && value.back() == '/') value.remove_suffix(1);
    return std::string(value);
}

source_root_scope::source_root_scope(std::string_view new_root) : saved_root_(root), saved_cwd_(cwd) {
    root.assign(new_root);
    std::error_code ec;
    cwd = root.empty() ? std::filesystem::current_path(ec).string() : std::string();
}

source_root_scope::~source_root_scope() {
    root = std::move(saved_root_);
    cwd = std::move(saved_cwd_);
}

std::string_view shown_path(std::string_view file) noexcept {
    const std::string_view dir = root.empty() ? std::string_view(cwd) : std::string_view(root);
    const std::string_view relative = under(file, dir);
    return relative.empty() ? file : relative;
}

std::string where(std::source_location loc) {
    if (loc.line() == 0) return {};
    return fmt::format("{}:{}", shown_path(loc.file_name()), loc.line());
}

std::string source_line(std::source_location loc) { return where(loc); }

} // namespace lockstep::detail
