#pragma once
// Taking several lockstep locks at once without deadlock or livelock.
#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <source_location>

#include <lockstep/detail/runtime.hpp>

namespace lockstep::detail {

// A lockstep lock: it has an object id, so several of them can be taken in one global order.
template <class L>
concept ordered_lockable = requires(L& l, std::source_location w) {
    { l.object() } -> std::convertible_to<object_id>;
    l.lock(w);
    l.unlock(w);
};

// Takes the locks in one global order: no thread can then wait for a lock while
// holding a later one, and, unlike std::lock's try-and-back-off, no two threads
// can livelock by backing off in step forever. The order is the same in every
// execution (lock_rank), so lock orders joined across executions agree too.
template <ordered_lockable... Lockables>
void lock_all(std::source_location where, Lockables&... locks) {
    struct ref {
        void* object;
        std::uint64_t rank;
        object_id id;
        void (*lock)(void*, std::source_location);
    };
    std::array<ref, sizeof...(Lockables)> all{ref{&locks, lock_rank(locks.object()), locks.object(),
                                                  [](void* o, std::source_location w) {
                                                      static_cast<Lockables*>(o)->lock(w);
                                                  }}...};
    std::sort(all.begin(), all.end(),
              [](const ref& a, const ref& b) { return a.rank != b.rank ? a.rank < b.rank : a.id < b.id; });
    for (const ref& r : all) r.lock(r.object, where);
}

} // namespace lockstep::detail
