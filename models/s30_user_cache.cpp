// S30 (document 003, "Over-locking", the GOOD example): UserCache.get_lock()
// creates one lock per user, under `_meta_lock`, on first use. Two threads
// asking for the same user's lock get the same lock. Without the meta-lock the
// check `if user_id not in self._locks` and the insertion are separate steps:
// both threads can see no lock, both create one, and the user ends up with two
// locks (so the two threads do not exclude each other).
#include <deque>
#include <map>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {
namespace {

template <bool MetaLock>
class user_cache {
public:
    lockstep::mutex& get_lock(int user_id) {
        if constexpr (MetaLock) {
            lockstep::lock_guard guard(meta_lock_);
            return find_or_create(user_id);
        } else {
            return find_or_create(user_id);
        }
    }
    int locks_created() const { return static_cast<int>(storage_.size()); }

private:
    lockstep::mutex& find_or_create(int user_id) {
        const int index = slot_.load();  // if user_id not in self._locks:
        if (index >= 0) return storage_[static_cast<std::size_t>(index)];
        storage_.emplace_back("user_lock");  // self._locks[user_id] = threading.Lock()
        slot_.store(static_cast<int>(storage_.size()) - 1);
        (void)user_id;
        return storage_.back();
    }

    lockstep::mutex meta_lock_{"_meta_lock"};
    lockstep::atomic<int> slot_{-1, "_locks[user_id]"};  // one user's entry of the dict
    std::deque<lockstep::mutex> storage_;
};

template <bool MetaLock>
void same_user() {
    user_cache<MetaLock> cache;
    int inside = 0;
    auto update_user = [&] {
        lockstep::lock_guard guard(cache.get_lock(42));
        ++inside;
        LOCKSTEP_ASSERT(inside == 1, "two threads inside user 42's critical section");
        --inside;
    };
    lockstep::thread t1(update_user), t2(update_user);
    t1.join();
    t2.join();
    observe("locks_for_user", cache.locks_created());
    LOCKSTEP_ASSERT(cache.locks_created() == 1, "two locks were created for one user");
}

} // namespace

model s30_user_cache() {
    model m;
    m.scenario = "S30";
    m.name = "s30_user_cache";
    m.summary = "per-user locks created under a meta-lock: one lock per user";
    m.body = same_user<true>;
    m.expected_outcomes = {{"locks_for_user", {"1"}}};
    return m;
}

model s30_user_cache_no_meta_lock() {
    model m;
    m.scenario = "S30";
    m.name = "s30_user_cache_no_meta_lock";
    m.summary = "the same without the meta-lock: two locks for one user";
    m.expected_failure = failure_kind::assertion;
    m.body = same_user<false>;
    return m;
}

} // namespace lockstep::models
