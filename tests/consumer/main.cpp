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
    // project's files relative to its root (this file is at the root), never
    // as absolute paths. (clang 15 evaluates a default argument
    // source_location::current() where the member is declared, so there the
    // steps name lockstep's headers, not this file: a clang bug.)
    const std::string& text = r.failure->report();
    const bool named = text.find("holds accounts") != std::string::npos && text.find("ledger") != std::string::npos;
    bool relative = text.find(LOCKSTEP_PROJECT_ROOT "/") == std::string::npos;
#if !defined(__clang__)
    relative = relative && text.find(" main.cpp:") != std::string::npos;
#endif
    // An assertion's line is taken where the macro is: right with every compiler.
    const auto failed = lockstep::explore([] { LOCKSTEP_ASSERT(false, "the assertion's line"); });
    const int assert_line = __LINE__ - 1;
    relative = relative && failed.failure && failed.failure->location == "main.cpp:" + std::to_string(assert_line);
    if (!named || !relative) {
        std::cerr << "the report " << (named ? "" : "does not use the objects' names ")
                  << (relative ? "" : "does not show main.cpp relative to the project's root") << ":\n"
                  << text << (failed.failure ? failed.failure->report() : std::string()) << "\n";
        return 2;
    }
    return 0;
}
