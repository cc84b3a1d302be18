#pragma once
// How reports spell a source file: relative to the project's root, so a report
// reads the same on every clone and machine, and names files as people do.
#include <string>
#include <string_view>

namespace lockstep::detail {

// The root that reports rendered on this OS thread use while it lives (one per
// exploration and per worker). `root` is options::source_root after the
// environment: a directory, "/" for absolute paths, or empty when nothing is
// known, which takes the current directory for the files under it.
class source_root_scope {
public:
    explicit source_root_scope(std::string_view root);
    ~source_root_scope();
    source_root_scope(const source_root_scope&) = delete;
    source_root_scope& operator=(const source_root_scope&) = delete;

private:
    std::string saved_root_, saved_cwd_;
};

// `file` relative to the root when it is under it, unchanged otherwise: always
// a suffix of `file` (so of a C string, a C string), found without allocating.
std::string_view shown_path(std::string_view file) noexcept;

// A root as options::source_root takes it: absolute, without trailing slashes
// (but "/"); throws usage_error naming `what` otherwise.
std::string checked_source_root(std::string_view root, std::string_view what);

} // namespace lockstep::detail
