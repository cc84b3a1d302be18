// A user's runner over its own models, each a ctest test through
// lockstep_discover_models. One model's expectation is wrong on purpose, so the
// consumer test can see that the ctest verdict follows the model's verdict.
#include <array>
#include <functional>
#include <iostream>
#include <optional>

#include <lockstep/lockstep.hpp>
#include <lockstep/model.hpp>

namespace {

void ab_ba() {
    lockstep::mutex a("a"), b("b");
    lockstep::thread t([&] {
        lockstep::lock_guard x(a);
        lockstep::lock_guard y(b);
    });
    lockstep::lock_guard y(b);
    lockstep::lock_guard x(a);
    t.join();
}

void one_order() {
    lockstep::mutex a("a"), b("b");
    lockstep::thread t([&] {
        lockstep::lock_guard x(a);
        lockstep::lock_guard y(b);
    });
    {
        lockstep::lock_guard x(a);
        lockstep::lock_guard y(b);
    }
    t.join();
}

lockstep::model make(const char* name, std::function<void()> body, std::optional<lockstep::failure_kind> expected) {
    lockstep::model m;
    m.name = name;
    m.body = std::move(body);
    m.expected_failure = expected;
    return m;
}

} // namespace

int main(int argc, char** argv) {
    const std::array models = {
        make("one_order", one_order, std::nullopt),
        make("ab_ba_deadlock", ab_ba, lockstep::failure_kind::deadlock),
        make("wrong_expectation", ab_ba, std::nullopt),  // claims PASS, deadlocks
    };
    return lockstep::run_models(models, argc, argv, std::cout, std::cerr);
}
