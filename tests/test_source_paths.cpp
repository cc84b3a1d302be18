// Paths in reports: relative to the project that calls lockstep (the build
// passes its root), changed by options::source_root or LOCKSTEP_SOURCE_ROOT.
// lockstep's own build passes no -ffile-prefix-map: these locations are
// absolute until a report spells them.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <lockstep/lockstep.hpp>

#include "environment_guard.hpp"
#include "source_paths.hpp"

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

lockstep::result failing(lockstep::options o = {}) {
    return lockstep::explore(
        [] {
            lockstep::mutex m("m");
            lockstep::thread t([&] { m.lock(); });
            t.join();  // T1 ended holding m: a misuse at its lock
        },
        o);
}

constexpr int lock_line = __LINE__ - 6;
const std::string here = "tests/test_source_paths.cpp:" + std::to_string(lock_line);

} // namespace

TEST_CASE("the build passes the project's root, and reports show paths relative to it") {
    CHECK(std::filesystem::path(LOCKSTEP_PROJECT_ROOT).is_absolute());
    const auto r = failing();
    REQUIRE(r.failure);
    CHECK(r.failure->location == here);
    CHECK(contains(r.failure->message, "(locked at " + here + ")"));
    CHECK_FALSE(contains(r.failure->text, LOCKSTEP_PROJECT_ROOT));
    REQUIRE_FALSE(r.failure->traces.empty());
    bool step_there = false;
    for (const auto& s : r.failure->traces[0].steps) step_there = step_there || s.location == here;
    CHECK(step_there);
}

TEST_CASE("options::source_root changes the root; \"/\" shows absolute paths") {
    lockstep::options o;
    o.source_root = std::string(LOCKSTEP_PROJECT_ROOT) + "/tests/";
    auto r = failing(o);
    REQUIRE(r.failure);
    CHECK(r.failure->location == "test_source_paths.cpp:" + std::to_string(lock_line));

    o.source_root = "/";
    r = failing(o);
    REQUIRE(r.failure);
    CHECK(r.failure->location == std::string(LOCKSTEP_PROJECT_ROOT) + "/" + here);

    o.source_root = "/nowhere/near";  // files outside the root keep their absolute paths
    r = failing(o);
    REQUIRE(r.failure);
    CHECK(r.failure->location == std::string(LOCKSTEP_PROJECT_ROOT) + "/" + here);
}

TEST_CASE("LOCKSTEP_SOURCE_ROOT wins over the code, also for a replay; a relative root is an error") {
    lockstep::options o;
    o.source_root = "/";
    std::string token;
    {
        lockstep::testing::environment_guard env("LOCKSTEP_SOURCE_ROOT", LOCKSTEP_PROJECT_ROOT "/tests");
        const auto r = failing(o);
        REQUIRE(r.failure);
        CHECK(r.failure->location == "test_source_paths.cpp:" + std::to_string(lock_line));
        token = r.failure->token;
        const auto again = lockstep::replay([] {
            lockstep::mutex m("m");
            lockstep::thread t([&] { m.lock(); });
            t.join();
        }, token, o);
        REQUIRE(again.failure);
        CHECK(contains(again.failure->location, "test_source_paths.cpp:"));
        CHECK_FALSE(contains(again.failure->location, "/"));
    }
    {
        lockstep::testing::environment_guard env("LOCKSTEP_SOURCE_ROOT", "tests");
        CHECK_THROWS_WITH_AS(failing(), doctest::Contains("LOCKSTEP_SOURCE_ROOT \"tests\" is not an absolute directory"),
                             lockstep::usage_error);
    }
    o.source_root = "relative";
    CHECK_THROWS_WITH_AS(failing(o), doctest::Contains("options::source_root \"relative\" is not an absolute"),
                         lockstep::usage_error);
}

TEST_CASE("without a root, the current directory is the root for the files under it") {
    using lockstep::detail::shown_path;
    const std::string cwd = std::filesystem::current_path().string();
    {
        const lockstep::detail::source_root_scope none("");
        CHECK(shown_path(cwd + "/src/a.cpp") == "src/a.cpp");
        CHECK(shown_path("/elsewhere/a.cpp") == "/elsewhere/a.cpp");
        CHECK(shown_path("already/relative.cpp") == "already/relative.cpp");
        {
            const lockstep::detail::source_root_scope inner("/elsewhere");
            CHECK(shown_path("/elsewhere/a.cpp") == "a.cpp");
            CHECK(shown_path("/elsewhere-not/a.cpp") == "/elsewhere-not/a.cpp");  // a whole directory name only
            CHECK(shown_path(cwd + "/src/a.cpp") == cwd + "/src/a.cpp");
        }
        CHECK(shown_path("/elsewhere/a.cpp") == "/elsewhere/a.cpp");  // the outer scope is back
    }
    const lockstep::detail::source_root_scope absolute("/");
    CHECK(shown_path(cwd + "/src/a.cpp") == cwd + "/src/a.cpp");
}
