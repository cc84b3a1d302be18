// Forged, mutated and compound tokens: every one is either replayed exactly or
// refused with a token_error naming the cause; none allocates by what it
// declares, and no two spellings decode to the same schedule.
#include <doctest/doctest.h>

#include <new>
#include <string>

#include "token_error_of.hpp"
#include <lockstep/lockstep.hpp>

#include "../checker/src/token.hpp"
#include "address_space_limit.hpp"
#include "catalog.hpp"
#include "token_forge.hpp"

using lockstep::models::find;
using namespace lockstep::testing;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

using lockstep::testing::token_error_of;

} // namespace

TEST_CASE("robust: a forged token declaring 2^32 decisions neither allocates them nor replays") {
    const std::string forged = forged_zero_run(std::uint64_t{1} << 32);
    CHECK(forged.size() == 39);
    const auto& s08 = find("s08_ab_ba_deadlock");
    std::string error;
    {
        const address_space_limit cap(std::size_t{1} << 30);  // 1 GiB more than now, not 16
        try {
            const auto schedule = lockstep::detail::decode_token(forged);
            CHECK(schedule.count == std::uint64_t{1} << 32);
            error = token_error_of(s08.body, forged);
        } catch (const std::bad_alloc&) {
            error = "bad_alloc";
        }
    }
    CHECK(contains(error, "the token does not fit this model"));
}

TEST_CASE("robust: a token is decoded canonically, with no ignored characters or padding bits") {
    const auto& s08 = find("s08_ab_ba_deadlock");
    const std::string good = lockstep::run_model(s08, {}, false).failure->token;
    REQUIRE_NOTHROW((void)lockstep::detail::decode_token(good));
    CHECK(lockstep::detail::encode_schedule(lockstep::detail::decode_token(good)) == good);

    // Every change of one character gives another token or none at all.
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int accepted = 0;
    for (std::size_t i = 4; i < good.size(); ++i)
        for (char c : alphabet) {
            if (c == good[i]) continue;
            std::string changed = good;
            changed[i] = c;
            try {
                (void)lockstep::detail::decode_token(changed);
                ++accepted;
                MESSAGE("accepted: " << changed << " for " << good);
            } catch (const lockstep::token_error&) {
            }
        }
    CHECK(accepted == 0);
    // A character more holds no byte; as does a character less, when it was padding.
    for (char c : alphabet)
        CHECK_THROWS_AS((void)lockstep::detail::decode_token(good + c), lockstep::token_error);

    // An overlong number (20000 as three bytes plus a zero byte) is a second spelling.
    std::vector<std::uint8_t> p{2, 0xa0, 0x9c, 0x81, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(contains(token_error_of(s08.body, forge_token(p)), "shortest form"));
    // Two runs of zeros in a row, and an empty run.
    p = {2, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
    CHECK(contains(token_error_of(s08.body, forge_token(p)), "two runs of choice 0 in a row"));
    p = {2, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(contains(token_error_of(s08.body, forge_token(p)), "an empty run"));
    // A choice no decision can offer.
    p = {2, 10, 1, 0, 0, 0, 0, 0, 0, 0};
    put_varint(p, std::uint64_t{1} << 40);
    CHECK(contains(token_error_of(s08.body, forge_token(p)), "more than a decision can offer"));
}

TEST_CASE("robust: every part of a compound token is checked against the model") {
    const auto& s08 = find("s08_ab_ba_deadlock");
    const auto& s01 = find("s01_lost_update");
    const std::string good = lockstep::run_model(s08, {}, false).failure->token;
    const std::string other = lockstep::run_model(s01, {}, false).failure->token;
    // The first part deadlocks; the second belongs to another model.
    CHECK(contains(token_error_of(s08.body, good + "+" + other), "part 2 of it was recorded on another model"));
    CHECK(contains(token_error_of(s08.body, other + "+" + good), "part 2 of it was recorded on another model"));
    // Parts of an unnamed model are checked by what the model offers.
    lockstep::options unnamed = s08.settings;
    const std::string anonymous = lockstep::explore(s08.body, unnamed).failure->token;
    CHECK(contains(token_error_of(s08.body, anonymous + "+" + forged_zero_run(3)), "part 2"));
}

TEST_CASE("robust: only a lock-order report makes a compound token") {
    const auto& s08 = find("s08_ab_ba_deadlock");
    const std::string good = lockstep::run_model(s08, {}, false).failure->token;
    for (const std::string& compound : {good + "+" + good, good + "+" + good + "+" + good}) {
        const std::string error = token_error_of(s08.body, compound);
        CAPTURE(error);
        CHECK(contains(error, "only from a lock-order report"));
    }
}
