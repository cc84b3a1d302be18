#pragma once
// The C++ memory model for lockstep::atomic: RC11 (Lahav, Vafeiadis, Kang,
// Hur, Dreyer, "Repairing sequential consistency in C/C++11", PLDI'17) with
// C++20 release sequences, or plain sequential consistency.
//
// Every atomic step is added to an execution graph. A load may read any store
// that coherence allows given what happens before it (and, when it or a fence
// before it is seq_cst, that keeps psc acyclic); a store may go anywhere in
// modification order that coherence allows; an RMW reads a store no other RMW
// read and goes right after it. These are choices made through decide(), so
// every strategy explores them and tokens record them. Reading only from
// stores already made keeps po ∪ rf acyclic (RC11 forbids load buffering).
//
// While every atomic access of an execution is seq_cst, only the newest store
// may be read (RC11 gives such programs SC semantics), and nothing is clocked;
// the graph is clocked from the start at the first weaker access.
#include <cstdint>
#include <source_location>
#include <string>
#include <vector>

#include <lockstep/detail/runtime.hpp>
#include <lockstep/options.hpp>

#include "graph.hpp"

namespace lockstep::detail {
class execution;
}

namespace lockstep::detail::memory {

class memory_model {
public:
    explicit memory_model(execution& ex) : ex_(ex) {}
    void reset(lockstep::memory_model mode);

    void created(object_id location, std::uint64_t initial, value_format format);
    // Each runs right after its step was scheduled and logged.
    std::uint64_t load(object_id location, order ord, std::source_location where);
    void store(object_id location, std::uint64_t value, order ord, std::source_location where);
    rmw_result rmw(object_id location, rmw_function f, order success, order failure, bool weak,
                   std::source_location where);
    void fence(order ord, std::source_location where);
    // C++20 atomic waiting: the calling thread blocks (a step of its own) until a
    // notify wakes it; a notify wakes only waiters that read a store some store
    // happening before the notify follows in mo (the standard's eligibility).
    void block(object_id location, std::source_location where);
    void notify(object_id location, bool all, std::source_location where);
    // The thread made no progress (a yield): its next load of a location may not
    // read the store it last read there again when a newer one exists, so a spin
    // loop that yields ends.
    void stalled(thread_id t);
    // For options.spin_reduction: whether access `a` wrote, whether it read what
    // its thread last read or wrote there, and whether location
    // `o` has a store newer than the one thread t last read or wrote there.
    bool writes(std::uint32_t a) const { return g_.accesses[a].writes(); }
    bool repeated(std::uint32_t a) const { return g_.accesses[a].repeated; }
    bool newer_than_seen(thread_id t, object_id o) const;

    // Happens-before of access `a`: called after its step's clock tick, live or
    // when the clocks catch up with the execution.
    void apply(std::uint32_t a);

    // For reports: the access's order, the value read and where it came from.
    std::string describe(std::uint32_t a) const;
    // Only the values: "read 1", "wrote 2", "read 0, wrote 1"; "" for a fence.
    std::string values(std::uint32_t a) const;
    std::uint32_t accesses() const { return static_cast<std::uint32_t>(g_.accesses_used); }

private:
    location& at(object_id o) { return g_.locations[o]; }
    std::uint32_t new_store(object_id location, std::uint64_t value);
    std::uint32_t new_access(access_kind kind, order ord, object_id location, std::source_location where);
    void finish(std::uint32_t a);
    void go_weak();
    bool weak_for(order ord) const { return mode_ == lockstep::memory_model::rc11 && ord != order::seq_cst; }
    // The first position of location `o`'s modification order that the calling
    // thread may still read (coherence with what happens before it).
    std::uint32_t coherence_bound(object_id o) const;
    // Clocks the tentative last access as if it ran now, reading `read`.
    void clock_tentative(std::uint32_t a);
    bool psc_needed(std::uint32_t a) const;
    bool consistent_with(std::uint32_t a);
    std::uint32_t last_read(object_id o) const;  // what the calling thread last read or wrote there
    void insert_store(std::uint32_t s, std::uint32_t position);
    void erase_store(std::uint32_t s);
    std::string value_text(std::uint32_t s) const;
    std::string store_text(std::uint32_t s) const;

    execution& ex_;
    lockstep::memory_model mode_ = lockstep::memory_model::rc11;
    bool weak_ = false;  // some access of this execution was weaker than seq_cst
    bool sc_fences_ = false;
    std::uint32_t sc_count_ = 0;
    graph g_;
    std::vector<object_id> used_locations_;
    struct thread_view {
        vector_clock release_fence;  // the clock at its last release fence
        bool has_release_fence = false;
        vector_clock acquired;  // messages its relaxed reads saw, for a later acquire fence
        bool stalled = false;
        bool spurious = false;  // its last access failed spuriously: the next may not
        object_id waiting = no_object;  // blocked in an atomic wait on this location
        std::uint32_t observed = none;  // the store it read before blocking
        bool notified = false;
    };
    std::vector<thread_view> threads_;
    std::size_t threads_used_ = 0;
    thread_view& view(thread_id t);
    std::vector<std::uint32_t> candidates_;
    struct rmw_option {
        enum : std::uint8_t { write, fail, spurious };
        std::uint32_t read;
        std::uint8_t what;
        std::uint64_t value;
    };
    std::vector<rmw_option> rmw_options_;
};

} // namespace lockstep::detail::memory
