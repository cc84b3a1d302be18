// S32 (document 003, "Contention Profiling" and "Over-locking"): ProfiledLock
// measures how long threads wait for a lock; the document compares one global
// lock for everything (the "big lock") with per-resource locks. lockstep counts,
// per named lock and over the whole exploration, how often a thread asked for
// it and had to wait (lockstep-models --details S32 prints it). Two workers
// update two different users: with the big lock they contend on every
// interleaving that overlaps; with per-user locks they never wait.
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

model s32_big_lock() {
    model m;
    m.scenario = "S32";
    m.name = "s32_big_lock";
    // The profile counts waits over every interleaving, not one per trace as dpor would.
    m.settings.strategy = strategy::dfs;
    m.summary = "one global lock for two users' updates: contention on global_lock (see --details)";
    m.body = [] {
        lockstep::mutex global_lock("global_lock");
        int balance_a = 0, balance_b = 0;
        lockstep::thread t1([&] {
            for (int i = 0; i < 2; ++i) {
                lockstep::lock_guard guard(global_lock);
                ++balance_a;
            }
        });
        lockstep::thread t2([&] {
            for (int i = 0; i < 2; ++i) {
                lockstep::lock_guard guard(global_lock);
                ++balance_b;
            }
        });
        t1.join();
        t2.join();
        LOCKSTEP_ASSERT(balance_a == 2 && balance_b == 2);
    };
    return m;
}

model s32_per_resource_locks() {
    model m;
    m.scenario = "S32";
    m.name = "s32_per_resource_locks";
    m.settings.strategy = strategy::dfs;
    m.summary = "one lock per user: the two workers never wait for each other (no contention)";
    m.body = [] {
        lockstep::mutex lock_a("user_lock[a]"), lock_b("user_lock[b]");
        int balance_a = 0, balance_b = 0;
        lockstep::thread t1([&] {
            for (int i = 0; i < 2; ++i) {
                lockstep::lock_guard guard(lock_a);
                ++balance_a;
            }
        });
        lockstep::thread t2([&] {
            for (int i = 0; i < 2; ++i) {
                lockstep::lock_guard guard(lock_b);
                ++balance_b;
            }
        });
        t1.join();
        t2.join();
        LOCKSTEP_ASSERT(balance_a == 2 && balance_b == 2);
    };
    return m;
}

} // namespace lockstep::models
