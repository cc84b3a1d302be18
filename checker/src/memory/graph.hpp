#pragma once
// The execution graph the C++ memory model (RC11) judges: the stores to each
// atomic location in modification order (mo), which store every read read
// (rf), and happens-before as vector clocks at every access.
#include <cstdint>
#include <source_location>
#include <vector>

#include <lockstep/detail/runtime.hpp>

#include "../happens_before.hpp"

namespace lockstep::detail::memory {

inline bool acquires(order o) { return o == order::acquire || o == order::acq_rel || o == order::seq_cst; }
inline bool releases(order o) { return o == order::release || o == order::acq_rel || o == order::seq_cst; }

enum class access_kind : std::uint8_t { load, store, rmw, fence };

inline constexpr std::uint32_t none = ~std::uint32_t{0};

struct store_record {
    object_id location = no_object;
    std::uint32_t access = none;       // the access that wrote it; none for the initial value
    std::uint32_t pos = 0;             // its index in its location's modification order
    std::uint64_t value = 0;
    std::uint32_t read_by_rmw = none;  // an RMW that read it, and so sits right after it in mo
    // What an acquire reading it synchronizes with: its writer's release (or
    // release fence) and, through a read-modify-write, the release sequence it continues.
    vector_clock message;
    bool has_message = false;
};

struct access {
    thread_id thread = no_thread;
    access_kind kind{};
    order ord{};
    object_id location = no_object;  // none for a fence
    std::uint32_t read = none;       // the store it read (a load, an RMW, a failed compare-exchange)
    std::uint32_t wrote = none;      // the store it wrote
    std::uint32_t step = 0;          // its step's 1-based number in the execution
    std::source_location where{};
    std::uint32_t newest = none;     // the last store in mo when it read
    bool failed = false;             // a compare-exchange that wrote nothing
    bool spurious = false;           // a compare_exchange_weak that failed spuriously
    bool repeated = false;           // it read the store its thread last read or wrote there
    // Happens-before, once clocked: its thread's own clock component at it
    // (epoch), the clock before its own acquire (pre) and after it (clock).
    bool clocked = false;
    std::uint32_t epoch = 0;
    vector_clock pre, clock;

    bool is_sc() const { return ord == order::seq_cst; }
    bool is_fence() const { return kind == access_kind::fence; }
    bool reads() const { return read != none; }
    bool writes() const { return wrote != none; }
};

// What a thread last saw of a location: the store it read or wrote, how many
// stores the location had then, and whether its access changed nothing (a
// load, a failed compare-exchange, an RMW that wrote back the value it read).
struct sighting {
    std::uint32_t store = none;
    std::uint32_t stores = 0;
    bool idle = false;
};

struct location {
    std::vector<std::uint32_t> mo;       // its stores, in modification order
    // By thread, the accesses that read one of them, in program order (so in
    // increasing epoch and, by coherence, reading ever later stores).
    std::vector<std::vector<std::uint32_t>> readers;
    std::vector<sighting> seen;          // by thread
    value_format format = value_format::number;
};

// Reused across executions: `*_used` counts what this execution holds.
struct graph {
    std::vector<store_record> stores;
    std::vector<access> accesses;
    std::vector<location> locations;  // by object index; only atomics' are used
    std::size_t stores_used = 0, accesses_used = 0;

    // a happens before b (both clocked; the initial values happen before everything).
    bool hb(std::uint32_t a, std::uint32_t b) const {
        return a != b && accesses[b].clock.at(accesses[a].thread) >= accesses[a].epoch;
    }
    std::uint32_t pos(std::uint32_t s) const { return stores[s].pos; }
};

// RC11's SC axiom: psc is acyclic (Lahav et al., PLDI'17, section 3). Every
// access must be clocked; coherence and atomicity are assumed to hold.
bool sc_consistent(const graph& g);

} // namespace lockstep::detail::memory
