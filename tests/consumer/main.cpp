#include <iostream>
#include <mutex>
#include <string>

#include <lockstep/lockstep.hpp>

namespace app {
namespace sync = lockstep;  // as real code switches to lockstep behind one alias (README)
}

int main() {
    namespace sync = app::sync;
    const auto r = lockstep::explore([] {
        sync::mutex a, b;  // no names: as the std types have none
        lockstep::name(a, "accounts");
        lockstep::name(b, "ledger");
        sync::thread t([&] {
            std::lock_guard x(a);
            std::lock_guard y(b);
        });
        std::lock_guard y(b);
        std::lock_guard x(a);
        t.join();
    });
    // The model deadlocks: the installed package must find it.
    if (!r.failure || r.failure->kind != lockstep::failure_kind::deadlock) return 1;
    // The report names the objects as the code named them, and spells this
    // project's files relative to its root (this file is at the root).
    const std::string& text = r.failure->report();
    const bool named = text.find("holds accounts") != std::string::npos && text.find("ledger") != std::string::npos;
    const bool relative = text.find(" main.cpp:") != std::string::npos && text.find("/main.cpp") == std::string::npos;
    if (!named || !relative) {
        std::cerr << "the report " << (named ? "" : "does not use the objects' names ")
                  << (relative ? "" : "does not show main.cpp relative to the project's root") << ":\n"
                  << text;
        return 2;
    }
    return 0;
}
