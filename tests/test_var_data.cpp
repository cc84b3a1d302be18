// Plain data that counts: a var's construction and destruction are writes, so a
// slot placement-new'd after its index was published, or freed while another
// thread still reads it, is a data race with both accesses; arrays of vars and
// vars of small structs work.
#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <new>
#include <string>

#include <lockstep/lockstep.hpp>

namespace {
constexpr auto acq = std::memory_order_acquire, rel = std::memory_order_release;

// A one-slot queue whose slot lives in raw storage, constructed by the producer.
template <bool PublishFirst>
void placement_queue() {
    alignas(lockstep::var<int>) unsigned char storage[sizeof(lockstep::var<int>)];
    lockstep::atomic<int> published(0, "published");
    lockstep::thread producer([&] {
        if (PublishFirst) published.store(1, rel);
        new (storage) lockstep::var<int>(7, "slot");  // the line the report names
        if (!PublishFirst) published.store(1, rel);
    });
    while (published.load(acq) == 0) {}
    auto* slot = std::launder(reinterpret_cast<lockstep::var<int>*>(storage));
    const int v = slot->get();
    producer.join();
    LOCKSTEP_ASSERT(v == 7, "the slot holds what was written");
    slot->~var();
}

struct pair {
    int a, b;
};

} // namespace

TEST_CASE("a slot constructed after its index was published races with its reader") {
    const lockstep::result bad = lockstep::explore(placement_queue<true>);
    REQUIRE(bad.failure);
    CHECK(bad.failure->kind == lockstep::failure_kind::data_race);
    const std::string& m = bad.failure->message;
    CHECK(m.find("constructs it at") != std::string::npos);
    CHECK(m.find("reads it at") != std::string::npos);
    CHECK(m.find("slot") != std::string::npos);
    const lockstep::result good = lockstep::explore(placement_queue<false>);
    CHECK_MESSAGE(good.ok(), (good.failure ? good.failure->message : std::string()));
    CHECK(good.complete);
}

TEST_CASE("destroying a var while another thread reads it is a data race") {
    auto model = [] {
        auto data = std::make_unique<lockstep::var<int>>(1, "data");
        lockstep::var<int>* p = data.get();
        lockstep::thread reader([p] { (void)p->get(); });
        data.reset();  // before the join: the reader may still be reading
        reader.join();
    };
    const lockstep::result r = lockstep::explore(model);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == lockstep::failure_kind::data_race);
    CHECK(r.failure->message.find("destroys it at") != std::string::npos);

    auto joined_first = [] {
        auto data = std::make_unique<lockstep::var<int>>(1, "data");
        lockstep::var<int>* p = data.get();
        lockstep::thread reader([p] { (void)p->get(); });
        reader.join();
        data.reset();
    };
    CHECK(lockstep::explore(joined_first).ok());
}

TEST_CASE("arrays of vars and vars of small structs") {
    auto model = [] {
        std::array<lockstep::var<int>, 3> counts{};
        lockstep::var<int> raw[2];
        lockstep::var<pair> point(pair{1, 2}, "point");
        lockstep::mutex m("m");
        lockstep::thread t([&] {
            std::scoped_lock lock(m);
            counts[1] += 1;
            raw[0] = 5;
            point = pair{3, 4};
        });
        {
            std::scoped_lock lock(m);
            counts[2] += 1;
        }
        t.join();
        LOCKSTEP_ASSERT(counts[0].get() == 0 && counts[1].get() == 1 && counts[2].get() == 1, "the counts");
        LOCKSTEP_ASSERT(raw[0].get() == 5 && raw[1].get() == 0, "the raw array");
        LOCKSTEP_ASSERT(point.get().a == 3 && point.get().b == 4, "the struct");
    };
    const lockstep::result r = lockstep::explore(model);
    CHECK_MESSAGE(r.ok(), (r.failure ? r.failure->message : std::string()));
    CHECK(r.complete);

    auto racy = [] {
        std::array<lockstep::var<int>, 2> counts{};
        lockstep::thread t([&] { counts[0] += 1; });
        counts[0] += 1;  // no lock: a lost update and a data race
        t.join();
    };
    const lockstep::result bad = lockstep::explore(racy);
    REQUIRE(bad.failure);
    CHECK(bad.failure->kind == lockstep::failure_kind::data_race);
}
