// Tokens: failures replay byte for byte; malformed or foreign tokens are clear errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "token_error_of.hpp"
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace {

using lockstep::models::find;

using lockstep::testing::token_error_of;

} // namespace

TEST_CASE("every failing model's failure replays from its token to the identical report") {
    for (const auto& m : lockstep::models::catalog()) {
        if (!m.expected_failure) continue;
        CAPTURE(m.name);
        const auto found = lockstep::run_model(m, {}, false);
        REQUIRE(found.failure);
        lockstep::options o = m.settings;
        o.name = m.name;
        o.replay_command = "lockstep-models --replay " + m.name;
        const auto again = lockstep::replay(m.body, found.failure->token, o);
        REQUIRE(again.failure);
        // One execution per part of the token (a joined lock-order cycle has several).
        const auto parts = std::count(found.failure->token.begin(), found.failure->token.end(), '+') + 1;
        CHECK(again.executions == static_cast<std::uint64_t>(parts));
        CHECK(again.failure->kind == found.failure->kind);
        CHECK(again.failure->token == found.failure->token);
        CHECK(again.failure->report() == found.failure->report());
    }
}

TEST_CASE("the S08 deadlock report matches its golden file") {
    const auto& m = find("s08_ab_ba_deadlock");
    const auto r = lockstep::run_model(m, {}, false);
    REQUIRE(r.failure);
    const std::string path = std::string(LOCKSTEP_GOLDEN_DIR) + "/s08_ab_ba_deadlock.txt";
    if (std::getenv("LOCKSTEP_UPDATE_GOLDEN")) std::ofstream(path) << r.failure->report();
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "missing golden file " << path << " (run with LOCKSTEP_UPDATE_GOLDEN=1)");
    std::stringstream golden;
    golden << in.rdbuf();
    CHECK(r.failure->report() == golden.str());
}

TEST_CASE("bad tokens are clear errors, never crashes") {
    const auto& s08 = find("s08_ab_ba_deadlock");
    const auto& s01 = find("s01_lost_update");
    const auto good = lockstep::run_model(s08, {}, false).failure->token;

    CHECK(token_error_of(s08.body, "") == "not a lockstep replay token: a token starts with \"ls2-\" or \"ls3-\"");
    CHECK(token_error_of(s08.body, "hello") == "not a lockstep replay token: a token starts with \"ls2-\" or \"ls3-\"");
    CHECK(token_error_of(s08.body, "ls7-AAAA").find("version 7") != std::string::npos);
    CHECK(token_error_of(s08.body, "ls2-").find("truncated") != std::string::npos);
    CHECK(token_error_of(s08.body, "ls2-AaC*AQ").find("character '*' at position 7") != std::string::npos);
    CHECK(token_error_of(s08.body, good.substr(0, good.size() - 3)).find("ls2") == std::string::npos);
    // A token of the format before tokens named their model.
    CHECK(token_error_of(s08.body, "ls1-AaCcAQPUVF6PAAIBNEhCuw") ==
          "replay token is in the old format, version 1, which does not record the model it was recorded on; this "
          "lockstep reads version 2 tokens (\"ls2-\"): run the model again to get a new token");

    std::string flipped = good;
    flipped[6] = flipped[6] == 'A' ? 'B' : 'A';
    CHECK(token_error_of(s08.body, flipped).find("corrupted") != std::string::npos);

    // A token of another model: the schedule does not fit.
    const auto other = lockstep::run_model(s01, {}, false).failure->token;
    CHECK(token_error_of(s08.body, other).find("does not fit this model") != std::string::npos);

    // Surrounding whitespace from a copy and paste is fine.
    CHECK_NOTHROW((void)lockstep::replay(s08.body, " " + good + "\n"));
}

TEST_CASE("the runner replays a token and exits non-zero on a failure") {
    std::ostringstream out, err;
    const auto token = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false).failure->token;
    const char* argv[] = {"lockstep-models", "--replay", "s08_ab_ba_deadlock", token.c_str()};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 4, argv, out, err) == 1);
    CHECK(out.str().find("cycle: T1 holds lock_a, waits for lock_b; T2 holds lock_b, waits for lock_a") !=
          std::string::npos);

    std::ostringstream out2, err2;
    const char* bad[] = {"lockstep-models", "--replay", "s08_ab_ba_deadlock", "ls2-nonsense"};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 4, bad, out2, err2) == 2);
    CHECK(err2.str().find("lockstep-models: replay token") != std::string::npos);
}

TEST_CASE("the runner's table flags a verdict that differs from its expectation") {
    lockstep::model wrong;
    wrong.scenario = "X";
    wrong.name = "claims_pass_but_deadlocks";
    wrong.body = find("s08_ab_ba_deadlock").body;
    const lockstep::model list[] = {wrong};
    std::ostringstream out, err;
    const char* argv[] = {"lockstep-models"};
    CHECK(lockstep::run_models(list, 1, argv, out, err) == 1);
    CHECK(out.str().find("expected PASS, got FAIL deadlock") != std::string::npos);
}

TEST_CASE("in a doctest CHECK, a failing result prints its whole report") {
    const auto r = lockstep::check(find("s08_ab_ba_deadlock").body);
    const doctest::String shown = doctest::toString(r);
    CHECK(std::string(shown.c_str()).find("cycle: T1 holds lock_a, waits for lock_b") != std::string::npos);
    CHECK_FALSE(static_cast<bool>(r));
}
