#include <lockstep/lockstep.hpp>

int main() {
    const auto r = lockstep::explore([] {
        lockstep::mutex a("a"), b("b");
        lockstep::thread t([&] {
            lockstep::lock_guard x(a);
            lockstep::lock_guard y(b);
        });
        lockstep::lock_guard y(b);
        lockstep::lock_guard x(a);
        t.join();
    });
    // The model deadlocks: the installed package must find it.
    return r.failure && r.failure->kind == lockstep::failure_kind::deadlock ? 0 : 1;
}
