#pragma once
// The spin-loop reduction (options.spin_reduction), like GenMC's spin-assume:
// what one thread did since its last effect, to tell when a turn of a wait loop
// was futile. A turn is futile when it only read and then yielded (or slept)
// and goes back to an operation (the same source line and column, on the same
// object) it took
// since its last effect, or when it re-read at such an operation, with nothing
// new, what it read there before (the memory model's "no progress"), or failed
// there the same try-operation again. The thread then waits until something it
// read in one cycle of that loop is written: continuing before would repeat the
// same turn (the loop has no other effect: the user's promise).
#include <algorithm>
#include <cstdint>
#include <source_location>
#include <span>
#include <vector>

#include <lockstep/detail/operation.hpp>

namespace lockstep::detail {

// An object a thread read. An atomic has changed when a store newer than the
// one the thread last read there exists (the memory model knows); any other
// object (a mutex a try_lock found held, a var) when a step that changed it was
// taken since the thread read it (its version then).
struct spin_read {
    object_id object = no_object;
    bool atomic = false;
    std::uint64_t version = 0;
};

// An operation of a thread's code: a source line and column, and the object it
// acts on there (code that reads every atomic through one wrapper function has
// one line for all its loads).
struct site {
    std::source_location where;
    object_id object = no_object;
    friend bool operator==(const site& a, const site& b) {
        return a.object == b.object && a.where.line() == b.where.line() && a.where.column() == b.where.column() &&
               a.where.file_name() == b.where.file_name();
    }
};

class spin_window {
public:
    // The thread changed something: a new stretch of reads begins.
    void effect() {
        sites_.clear();
        log_.clear();
        awaited_.clear();
    }
    // Whether it took the operation `at` since its last effect.
    bool visited(const site& at) const {
        if (at.where.line() == 0) return false;  // the runtime's own (a thread's exit)
        return std::any_of(sites_.begin(), sites_.end(), [&](const site& s) { return s == at; });
    }
    // A step (or var access) `at` that read `r.object` (no_object: nothing);
    // returns visited(at) before it.
    bool step(const site& at, spin_read r) {
        const bool again = visited(at);
        if (!again) sites_.push_back(at);
        log_.push_back({at, r});
        return again;
    }
    bool has_reads() const {
        return std::any_of(log_.begin(), log_.end(), [](const entry& e) { return e.read.object != no_object; });
    }
    // A futile turn ended at the loop's operation at `top`, taken again as the
    // last step (`top_taken`) or next: the thread waits for what it read in one
    // cycle of the loop, since it was at `top` before (not what it read before
    // the loop). False when that cycle read nothing: no wait loop.
    bool await(const site& top, bool top_taken) {
        std::size_t from = log_.size() - (top_taken ? 1 : 0);
        while (from > 0 && !(log_[from - 1].at == top)) --from;
        if (from > 0) --from;
        awaited_.clear();
        for (std::size_t i = from; i < log_.size(); ++i) {
            const spin_read& r = log_[i].read;
            if (r.object == no_object) continue;
            auto it = std::find_if(awaited_.begin(), awaited_.end(), [&](const spin_read& a) { return a.object == r.object; });
            if (it == awaited_.end()) awaited_.push_back(r);
            else *it = r;  // the latest read of it
        }
        return !awaited_.empty();
    }
    std::span<const spin_read> awaited() const { return awaited_; }

private:
    struct entry {
        site at;
        spin_read read;
    };
    std::vector<site> sites_;  // the operations it took since its last effect, each once
    std::vector<entry> log_;                   // its steps since its last effect
    std::vector<spin_read> awaited_;           // read in its last futile turn's loop cycle
};

} // namespace lockstep::detail
