#pragma once
// The spin-loop reduction (options.spin_reduction), like GenMC's spin-assume:
// what one thread did since its last effect, to tell when a turn of a wait loop
// was futile. A turn is futile when it only read and then yielded (or slept)
// and goes back to an operation (the same source line and column) it took
// since its last effect, or when it re-read at such an operation, with nothing
// new, what it read there before (the memory model's "no progress"), or failed
// there the same try-operation again. The thread then waits
// until something it read in that turn is written: continuing before would
// repeat the same turn (the loop has no other effect: the user's promise).
#include <algorithm>
#include <cstdint>
#include <source_location>
#include <span>
#include <vector>

#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

// An object the thread read in its current turn. An atomic has changed when a
// store newer than the one the thread read there exists (the memory model
// knows); any other object (a mutex a try_lock found held, a var) when a step
// that changed it was taken since (its version).
struct spin_read {
    object_id object = no_object;
    bool atomic = false;
    std::uint64_t version = 0;
};

class spin_window {
public:
    // The thread changed something: a new stretch of reads begins.
    void effect() {
        sites_.clear();
        reads_.clear();
        awaited_.clear();
    }
    void read(object_id o, bool atomic, std::uint64_t version) {
        for (spin_read& r : reads_)
            if (r.object == o) {
                r.version = version;
                return;
            }
        reads_.push_back({o, atomic, version});
    }
    bool has_reads() const { return !reads_.empty(); }
    // Whether it took an operation at `where` since its last effect.
    bool visited(std::source_location where) const {
        if (where.line() == 0) return false;  // the runtime's own (a thread's exit)
        return std::any_of(sites_.begin(), sites_.end(), [&](const std::source_location& s) {
            return s.line() == where.line() && s.column() == where.column() && s.file_name() == where.file_name();
        });
    }
    // visited(where), and remembers it.
    bool revisit(std::source_location where) {
        if (visited(where)) return true;
        sites_.push_back(where);
        return false;
    }
    // A futile turn ended: the thread waits for what it read in it, and its next turn begins.
    void await() {
        awaited_.swap(reads_);
        reads_.clear();
    }
    std::span<const spin_read> awaited() const { return awaited_; }

private:
    std::vector<std::source_location> sites_;  // operations taken since its last effect
    std::vector<spin_read> reads_;             // read in its current turn
    std::vector<spin_read> awaited_;           // read in its last futile turn
};

} // namespace lockstep::detail
