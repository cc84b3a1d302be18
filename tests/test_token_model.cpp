// A token records the model it was recorded on: replayed on another model it is
// a clear error naming the cause, before anything runs, not a replay that
// happens to fit (or not) by its number of decisions.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <lockstep/lockstep.hpp>
#include <lockstep/model.hpp>

#include "../checker/src/token.hpp"
#include "catalog.hpp"
#include "environment_guard.hpp"

using lockstep::models::find;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Two models that differ only in their names and in which lock is taken
// first: the same threads, the same number of decisions, the same options.
void ab_ba(bool swap) {
    lockstep::mutex a("a"), b("b");
    lockstep::thread t([&] {
        lockstep::lock_guard x(swap ? b : a);
        lockstep::lock_guard y(swap ? a : b);
    });
    lockstep::lock_guard y(b);
    lockstep::lock_guard x(a);
    t.join();
}

} // namespace

TEST_CASE("a token replayed on a model of another name is refused before the model runs") {
    lockstep::options first;
    first.name = "transfer_ab";
    const auto found = lockstep::explore([] { ab_ba(false); }, first);
    REQUIRE(found.failure);
    const std::string token = found.failure->token;

    int runs = 0;
    lockstep::options other;
    other.name = "transfer_ba";
    CHECK_THROWS_WITH_AS(lockstep::replay([&] { ++runs; ab_ba(false); }, token, other),
                         "the token was recorded on a different model, not on transfer_ba (a token records the name "
                         "of the model it comes from)",
                         lockstep::token_error);
    CHECK(runs == 0);

    // On its own model (by name, or unnamed) it replays, and writes the same token.
    const auto again = lockstep::replay([] { ab_ba(false); }, token, first);
    REQUIRE(again.failure);
    CHECK(again.failure->token == token);
    const auto unnamed = lockstep::replay([] { ab_ba(false); }, token);
    REQUIRE(unnamed.failure);
    CHECK(unnamed.failure->token == token);
}

TEST_CASE("without names, what the model offers at each decision tells a foreign token apart") {
    const auto found = lockstep::explore([] { ab_ba(false); });
    REQUIRE(found.failure);
    CHECK(lockstep::detail::decode_token(found.failure->token).model == lockstep::detail::unnamed_model);
    // The swapped model makes as many decisions with as many options, but the
    // locks its threads wait for differ.
    try {
        (void)lockstep::replay([] { ab_ba(true); }, found.failure->token);
        FAIL("a foreign token replayed");
    } catch (const lockstep::token_error& e) {
        CHECK(contains(e.what(), "does not fit this model"));
        CHECK(contains(e.what(), "the choices offered differ from the ones it records"));
    }
}

TEST_CASE("the model fingerprint: a hash of the name, never the unnamed value for a name") {
    using lockstep::detail::model_fingerprint;
    CHECK(model_fingerprint("") == lockstep::detail::unnamed_model);
    CHECK(model_fingerprint("s08_ab_ba_deadlock") != model_fingerprint("s08_ab_ba_by_request"));
    CHECK(model_fingerprint("s08_ab_ba_deadlock") == model_fingerprint(std::string("s08_ab_ba_") + "deadlock"));
    CHECK(model_fingerprint("s08_ab_ba_deadlock") <= lockstep::detail::model_mask);
    // Every model of the catalogue has its own (the runner names a token's model by it).
    std::vector<std::uint32_t> seen;
    for (const auto& m : lockstep::models::catalog()) {
        const std::uint32_t f = model_fingerprint(m.name);
        CHECK(f != lockstep::detail::unnamed_model);
        CHECK_MESSAGE(std::find(seen.begin(), seen.end(), f) == seen.end(), m.name);
        seen.push_back(f);
    }
}

TEST_CASE("the runner names the model a foreign token comes from, and how to replay it there") {
    const auto token = lockstep::run_model(find("s08_ab_ba_deadlock"), {}, false).failure->token;
    std::ostringstream out, err;
    const char* argv[] = {"bank-models", "--replay", "s01_lost_update", token.c_str()};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 4, argv, out, err) == 2);
    CHECK(contains(err.str(), "bank-models: the token was recorded on a different model, not on s01_lost_update"));
    CHECK(contains(err.str(), "it was recorded on model s08_ab_ba_deadlock: bank-models --replay s08_ab_ba_deadlock " +
                                  token));

    // LOCKSTEP_REPLAY replays on every model the runner runs: the others say where it belongs.
    const lockstep::testing::environment_guard replay("LOCKSTEP_REPLAY", token.c_str());
    std::ostringstream out2, err2;
    const char* run[] = {"bank-models", "s01_lost_update", "s08_ab_ba_deadlock"};
    CHECK(lockstep::run_models(lockstep::models::catalog(), 3, run, out2, err2) == 1);
    CHECK(contains(err2.str(), "s01_lost_update: the token was recorded on a different model"));
    CHECK(contains(err2.str(), "it was recorded on model s08_ab_ba_deadlock"));
    CHECK_FALSE(contains(err2.str(), "s08_ab_ba_deadlock: the token"));
}
