#pragma once
// Happens-before with vector clocks, for the data-race check on lockstep::var.
// Sync objects carry a clock: each step says what it does with it (its
// operation's `effect`, declared by its primitive); a primitive may also
// synchronize through a slot of its object (a barrier's phase). Tracking starts
// at the first var access or weak atomic, by replaying the steps taken so far,
// so a model without them pays nothing.
#include <cstdint>
#include <optional>
#include <source_location>
#include <span>
#include <vector>

#include <lockstep/detail/operation.hpp>
#include <lockstep/detail/runtime.hpp>

namespace lockstep::detail {

struct event;

class vector_clock {
public:
    void clear() { std::fill(c_.begin(), c_.end(), 0); }
    std::uint32_t at(thread_id t) const { return t < c_.size() ? c_[t] : 0; }
    void set(thread_id t, std::uint32_t v) {
        if (t >= c_.size()) c_.resize(t + 1, 0);
        c_[t] = v;
    }
    void join(const vector_clock& o) {
        if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
        for (std::size_t i = 0; i < o.c_.size(); ++i) c_[i] = std::max(c_[i], o.c_[i]);
    }
    void assign(const vector_clock& o) {
        c_.assign(o.c_.begin(), o.c_.end());
    }

private:
    std::vector<std::uint32_t> c_;
};

// One side of a race: who touched the var, how, where, at which step.
struct var_access {
    thread_id thread = no_thread;
    bool write = false;
    var_op op = var_op::read;  // how, for the report
    std::source_location where{};
    std::size_t step = 0;
    std::uint32_t epoch = 0;  // the thread's own clock component at the access; 0 = none
};

class happens_before {
public:
    void reset();
    bool active() const { return active_; }
    void activate() { active_ = true; }
    vector_clock& clock(thread_id t) { return thread_clock(t); }
    // A step: its declared effect on its objects, and a spawn's inheritance.
    void on_event(const event& e, thread_id spawned);
    void sync_slot(thread_id t, object_id object, unsigned slot, sync effect);
    // Checks an access against the var's previous ones; returns the one it races with.
    std::optional<var_access> on_access(object_id var, var_access now);

private:
    vector_clock& thread_clock(thread_id t);
    vector_clock& object_clock(object_id o);

    struct var_state {
        var_access last_write;
        std::vector<var_access> reads;  // the last read of each thread
    };

    bool active_ = false;
    std::vector<vector_clock> threads_;
    std::vector<vector_clock> objects_;
    std::vector<var_state> vars_;  // indexed by object id
    std::vector<vector_clock> slots_;  // object id * 2 + slot
    std::size_t threads_used_ = 0, objects_used_ = 0, vars_used_ = 0;
};

} // namespace lockstep::detail
