// Every model of the catalogue reaches its expected verdict.
#include <doctest/doctest.h>

#include "catalog.hpp"

TEST_CASE("every model reaches its expected verdict") {
    for (const lockstep::model& m : lockstep::models::catalog()) {
        CAPTURE(m.name);
        const lockstep::result r = lockstep::run_model(m, {}, false);
        const lockstep::verdict v = lockstep::judge(m, r);
        INFO(v.problem);
        INFO(r);
        CHECK(v.as_expected);
    }
}
