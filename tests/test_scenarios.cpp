// The scenario catalogue: every row S01-S32 of SCENARIOS.md has a model, and
// S32's two designs differ in the contention the checker reports.
#include <set>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <lockstep/explore.hpp>

#include "catalog.hpp"

TEST_CASE("every scenario S01-S32 has a model in the catalogue") {
    std::set<std::string> scenarios;
    for (const lockstep::model& m : lockstep::models::catalog()) scenarios.insert(m.scenario);
    for (int i = 1; i <= 32; ++i) {
        const std::string id = fmt::format("S{:02}", i);
        CAPTURE(id);
        CHECK(scenarios.count(id) == 1);
    }
}

TEST_CASE("S32: the big lock is contended, per-resource locks are not") {
    const lockstep::model* big = nullptr;
    const lockstep::model* fine = nullptr;
    for (const lockstep::model& m : lockstep::models::catalog()) {
        if (m.name == "s32_big_lock") big = &m;
        if (m.name == "s32_per_resource_locks") fine = &m;
    }
    REQUIRE(big != nullptr);
    REQUIRE(fine != nullptr);
    const lockstep::result a = lockstep::run_model(*big, {}, false);
    const lockstep::result b = lockstep::run_model(*fine, {}, false);
    REQUIRE(a.contention.count("global_lock") == 1);
    CHECK(a.contention.at("global_lock") > 0);
    CHECK(b.contention.empty());
}

TEST_CASE("S19 with one consumer: the failure is a spurious wake-up, and it replays") {
    for (const lockstep::model& m : lockstep::models::catalog()) {
        if (m.name != "s19_if_one_consumer_spurious") continue;
        const lockstep::result r = lockstep::run_model(m, {}, false);
        REQUIRE(r.failure);
        CHECK(r.failure->text.find("spurious wake-up") != std::string::npos);
        const lockstep::result again = lockstep::replay(m.body, r.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->message == r.failure->message);
        return;
    }
    FAIL("s19_if_one_consumer_spurious is not in the catalogue");
}
