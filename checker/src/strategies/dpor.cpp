// Optimal dynamic partial-order reduction: source sets and wakeup trees
// (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014), stateless: each execution re-runs the model, replays
// a prefix of the exploration tree and extends it. One execution per
// Mazurkiewicz trace, none sleep-set blocked, on models whose operations it
// knows (see "Blocking" and "Known limits" for where it may run a redundant
// execution, which it abandons and the result counts).
//
// Events and dependence. An event is one step of one thread (its pending
// operation), together with the values of the choose()/decide() calls made
// while that step runs (data choices belong to the step that makes them; a
// child primed by a spawn belongs to the spawn step). Two events of different
// threads are dependent when they touch a common object (`object` or `other`)
// and are not both atomic loads, when one is the spawn of the other's thread, or
// when their code touched a common lockstep::var, one of them writing it (the
// accesses a step's code made are known once it ran: the runtime passes them at
// the next pick).
// Every other pair on one object conflicts, whatever its kinds, so operation
// kinds added later stay sound; a compare_exchange always counts as a write, so
// N threads doing CAS(x, 0 -> i) give N! traces (GenMC-style reads-from graphs
// would give N). Happens-before is program order plus the order of dependent
// events, kept as vector clocks. Costs stay linear in the length of an
// execution: a step's clock joins per-object summaries (the clocks of the steps
// on each object, joined) instead of scanning the steps before it, and the race
// scan visits only the steps that can be the latest dependent one of their
// thread (race_candidates).
//
// Exploration. Every node of the current path (a prefix E of the execution)
// keeps a sleep set and a wakeup tree. After each execution every race e < e'
// (dependent, no happens-before path between them through other events) is
// reversed: the sequence notdep(e).e' is inserted in the wakeup tree of the node
// before e, unless a sleeping step is a weak initial of it. Steps with data
// choices: a step chosen freely (no wakeup branch) is explored with every value
// vector of its choices, depth first, and then sleeps for every value; a step
// taken from a wakeup branch runs with that branch's values only and sleeps for
// those values only (another value is another event).
//
// Blocking. A thread whose pending operation cannot proceed is not among the
// choices. A race e < e' whose later step could not have run in e's place (e'
// was pending and disabled there, or e is what let it proceed: an exit for a
// join, an unlock for a lock, a release from 0 for an acquire) is reversed
// instead at the latest earlier conflicting step where it could run (the lock
// that disabled it). Where that cannot be told (operation kinds this file does
// not know), both are reversed: sound, possibly a redundant execution.
// Operations that never ran because their thread stayed blocked (a deadlock) or
// because a failure ended the execution are taken as events at the end of the
// execution; the step that failed counts as dependent with all of them (and a
// sleeping step that failed with every step), since nothing runs past a failure.
// These come from the execution itself (blocked threads' pending operations,
// the failure, the values steps logged), read between runs.
//
// Fairness. A step that made no progress (a yield, a failed try_lock or
// try_acquire) makes the fair scheduler rank its thread below every thread
// enabled at that moment, until they move: which threads those are depends on
// the order of otherwise independent steps (a spawn, say), so such a step counts
// as dependent with every step.
// With options.spin_reduction, a yield that ends a futile turn of a wait loop
// is no such step: its thread waits (is disabled) until a step writes what the
// turn read, a step that depends on the turn's reads; a yield offered as ending
// a turn that turns out not to (the runtime says so once it ran: its thread
// made no progress after all) is found stalled then, as a load that saw nothing new.
//
// The preemption bound is ignored: preemption bounding is not sound together
// with partial-order reduction (a bounded search may prune the only
// representative of a trace), so dpor always searches without a bound and
// complete() means the whole space.
//
// Known limits. Thread ids and object ids are numbered by the runtime in the
// order threads reach spawn and construct objects; threads that spawn or create
// objects concurrently (rather than main before starting the others) can get
// different ids in equivalent executions. Logical time (sleeps, timeouts) makes
// a thread enabled when no other thread can move, a global condition that no
// object records: a reversal that would need time to pass while the reversed
// step's thread is still ready is impossible and skipped; other reversals across
// a timeout may still prove impossible to follow (a redundant execution). Shared
// data outside lockstep's types (plain ints, std containers) is invisible: dpor
// assumes threads communicate through lockstep objects and vars (dfs does not
// need to). Primitives that
// change shared state outside any step (condition_variable_any joins its waiter
// list before its unlock step) can hide a dependence from it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../estimate.hpp"
#include "../strategy.hpp"
#include "../thread_set.hpp"
#include "splitmix.hpp"

namespace lockstep::detail {
namespace {

using vclock = std::vector<std::uint32_t>;

struct event {
    thread_id thread = no_thread;
    operation op{};
    thread_id spawned = no_thread;     // for a spawn: the thread it starts
    std::vector<std::uint32_t> vals;  // the data choices made during the step
    std::vector<var_touch> vars;      // the vars its code touched, by id, each once (known once it ran)
    // A sleeping step that ended its execution with a failure: nothing runs after it, so it
    // counts as dependent with every step.
    bool fails = false;
    // The step with any values of its data choices: a thread explored with every value, or a
    // step whose values are not known yet (one that never ran).
    bool any_vals = false;
    // A step that made no progress (a yield, a failed try_lock): the fair scheduler then lowers
    // its thread below every thread enabled at that moment, which ties it to all of them.
    bool stalled = false;
};

// A yield, or a try that may fail: a step after which the fair scheduler may rank its thread
// below every enabled thread. Whether a try fails depends on the order of the steps before
// it, so it counts as stalled whatever its outcome (the dependence is a property of the step).
bool may_stall(op_kind kind) {
    switch (kind) {
    case op_kind::yield: case op_kind::try_lock: case op_kind::try_acquire: case op_kind::try_lock_shared:
    case op_kind::try_get: case op_kind::try_put: case op_kind::try_wait: case op_kind::try_release:
        return true;
    default: return false;
    }
}

// An atomic step: its data choices are the memory model's (which store it reads,
// where it writes), offered from what happened before it. A reversed race puts
// it after other steps, where its options may differ in number and order, so a
// wakeup sequence takes it with every value, never with the index it had.
// So is an event loop's turn (lockstep::asyncio): which ready task it runs is a data choice
// among what other threads handed it before.
event with_any_values(event e) {
    if (atomic_access(e.op.kind) || e.op.kind == op_kind::resume) {
        e.vals.clear();
        e.any_vals = true;
    }
    return e;
}

bool touches(const operation& o, object_id x) { return x != no_object && (o.object == x || o.other == x); }

// Two steps on a common object are independent when both only read it. The
// per-object summaries (record, refile) and the race scan (race_candidates,
// dependent_steps) rely on dependent() being exactly: a common object among
// op.object and op.other unless both only read it, a stalled or failing step,
// a spawn and its thread, or a common var one of them wrote. A change to it
// must be made there too.
bool reads_only(const operation& o) { return o.kind == op_kind::load; }

// Both steps' code touched a var, one of them writing it.
bool vars_conflict(const std::vector<var_touch>& a, const std::vector<var_touch>& b) {
    auto i = a.begin(), j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (i->var < j->var) ++i;
        else if (j->var < i->var) ++j;
        else if (i->write || j->write) return true;
        else ++i, ++j;
    }
    return false;
}

// Dependent through what the steps' operations do (not the vars their code touched):
// only such a step can enable or disable another.
bool ops_dependent(const event& a, const event& b) {
    if (a.thread == b.thread || a.fails || b.fails || a.stalled || b.stalled) return true;
    if (a.op.kind == op_kind::spawn && a.spawned == b.thread) return true;
    if (b.op.kind == op_kind::spawn && b.spawned == a.thread) return true;
    if (!touches(b.op, a.op.object) && !touches(b.op, a.op.other)) return false;
    return !(reads_only(a.op) && reads_only(b.op));
}

bool dependent(const event& a, const event& b) {
    return ops_dependent(a, b) || (!a.vars.empty() && !b.vars.empty() && vars_conflict(a.vars, b.vars));
}

// The vars a step touched, sorted by id, each once (a write if any access wrote).
std::vector<var_touch> var_set(std::span<const var_touch> accesses) {
    std::vector<var_touch> v(accesses.begin(), accesses.end());
    std::sort(v.begin(), v.end(), [](const var_touch& x, const var_touch& y) { return x.var < y.var; });
    std::size_t kept = 0;
    for (const var_touch& t : v) {
        if (kept > 0 && v[kept - 1].var == t.var) v[kept - 1].write |= t.write;
        else v[kept++] = t;
    }
    v.resize(kept);
    return v;
}

// Exploring `branch` explores the step e.
bool covers(const event& branch, const event& e) {
    return branch.thread == e.thread && branch.op.kind == e.op.kind && branch.op.object == e.op.object &&
           (branch.any_vals || (!e.any_vals && branch.vals == e.vals));
}

struct wnode {
    event e;
    std::vector<wnode> children;
};

struct data_choice {
    std::uint32_t options;
    std::uint32_t chosen;
};

// A state of the current path and the step taken from it.
struct node {
    // The threads offered here (one bit each: with thousands of threads, a list
    // would be most of a node's memory and is_enabled a scan), how many, and a
    // fingerprint of who was offered where and what each would do (only compared
    // on a re-run).
    thread_set enabled;
    std::uint32_t offered = 0;
    std::uint64_t offers = 0;
    std::vector<event> sleep;        // threads whose exploration from here is redundant
    std::vector<wnode> wut;          // wakeup tree: what is left to explore from here
    thread_id taken = no_thread;
    std::vector<data_choice> data;   // choices made during the step taken
    // The step taken, as an event of this execution.
    event step;
    vclock clock;
    std::uint32_t index = 0;      // 1-based position of the step in its thread
    std::int64_t before = -1;     // the thread's previous event, or the spawn that started it
    std::int64_t pending_since = 0;  // first position at which this step was the thread's pending one
    bool failed = false;  // the step taken here failed (in some execution)
    std::uint32_t explored = 0;  // branches from here explored and put to sleep (for estimate())
    // The values of the data choices are those of a wakeup sequence (not enumerated).
    bool forced = false;
    // Logical time when the step was taken, and whether the step could move only because time
    // reached its deadline (a sleep, a timeout): then it needs every other thread blocked first.
    std::int64_t now = 0;
    std::int64_t deadline = no_deadline;
    bool by_time = false;
};

struct thread_info {
    std::int64_t last = -1;   // position of its last event
    std::int64_t spawn = -1;  // position of the spawn that started it
    std::uint32_t count = 0;
};

bool is_enabled(const node& n, thread_id t) { return n.enabled.contains(t); }

// Which thread was offered at which position and what it would do. Each term is
// fully mixed (so that swapping two entries changes the sum) and independent of
// the others, so the sum runs at the speed of the loads, not of a chain of
// multiplications.
std::uint64_t fingerprint(std::span<const choice> choices) {
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        const operation& op = *choices[i].pending;
        const std::uint64_t what = (op.object << 8 | static_cast<std::uint64_t>(op.kind)) * 0xff51afd7ed558ccdULL +
                                   choices[i].thread;
        h += splitmix64_mix(what + (i + 1) * 0x9e3779b97f4a7c15ULL);
    }
    return h;
}

// Among `v`, where the thread of `p` first moves, or -1.
std::ptrdiff_t first_of(const std::vector<event>& v, thread_id t) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].thread == t) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

// p is an initial of v: v's first event of p's thread is p and nothing before it in v depends on it.
bool initial_at(const std::vector<event>& v, std::ptrdiff_t m) {
    for (std::ptrdiff_t i = 0; i < m; ++i)
        if (dependent(v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(m)])) return false;
    return true;
}

bool independent_of_all(const event& p, const std::vector<event>& v) {
    return std::none_of(v.begin(), v.end(), [&](const event& x) { return dependent(p, x); });
}

// A sleeping step p is a weak initial of v.
bool weak_initial(const event& p, const std::vector<event>& v) {
    const std::ptrdiff_t m = first_of(v, p.thread);
    if (m >= 0) return covers(p, v[static_cast<std::size_t>(m)]) && initial_at(v, m);
    return independent_of_all(p, v);
}

// Inserts v (whose events it takes) into a wakeup tree.
void insert(std::vector<wnode>* children, std::vector<event>& v) {
    for (;;) {
        if (v.empty()) return;
        std::vector<wnode>* next = nullptr;
        for (wnode& c : *children) {
            const std::ptrdiff_t m = first_of(v, c.e.thread);
            if (m >= 0) {
                if (!covers(c.e, v[static_cast<std::size_t>(m)]) || !initial_at(v, m)) continue;
                if (c.children.empty()) return;  // a leaf already covers v
                v.erase(v.begin() + m);
            } else {
                if (!independent_of_all(c.e, v)) continue;
                if (c.children.empty()) return;
            }
            next = &c.children;
            break;
        }
        if (next == nullptr) {
            std::vector<wnode>* at = children;
            for (event& e : v) {
                at->push_back({std::move(e), {}});
                at = &at->back().children;
            }
            return;
        }
        children = next;
    }
}

bool leq(const node& n, const vclock& c) {
    return n.step.thread < c.size() && c[n.step.thread] >= n.index;
}

void join(vclock& into, const vclock& from) {
    if (into.size() < from.size()) into.resize(from.size(), 0);
    for (std::size_t i = 0; i < from.size(); ++i) into[i] = std::max(into[i], from[i]);
}

bool advance_root(std::vector<data_choice>& data) {
    while (!data.empty() && data.back().chosen + 1 >= data.back().options) data.pop_back();
    if (data.empty()) return false;
    ++data.back().chosen;
    return true;
}

class dpor final : public strategy_base {
public:
    bool next_execution() override {
        if (!started_) {
            started_ = true;
            begin();
            return true;
        }
        if (problem_) {
            exhausted_ = true;
            return false;
        }
        if (position_ < nodes_.size() && !problem_)
            problem_ = fmt::format("re-running the same choices, the execution ended after {} steps where it took "
                                   "at least {} before",
                                   position_, nodes_.size());
        if (problem_) return false;
        if (debug_) dump();
        analyse();
        while (!nodes_.empty()) {
            node& n = nodes_.back();
            const std::size_t i = nodes_.size() - 1;
            if (advance(n)) {
                restart(i);
                return true;
            }
            event asleep = taken_event(i);
            asleep.fails = n.failed;
            if (!n.forced) asleep.vals.clear();
            asleep.any_vals = !n.forced || asleep.vals.empty();
            std::erase_if(n.wut, [&](const wnode& w) { return covers(asleep, w.e); });
            n.sleep.push_back(std::move(asleep));
            ++n.explored;
            n.failed = false;
            drop_unusable(n);
            if (!n.wut.empty()) {
                take(n, n.wut.front().e);
                restart(i);
                return true;
            }
            spare_.push_back(std::move(nodes_.back()));
            nodes_.pop_back();
        }
        if (advance_root(root_data_)) {
            restart(0);
            return true;
        }
        exhausted_ = true;
        return false;
    }

    std::size_t pick(std::span<const choice> choices, const step_context& at) override {
        const std::size_t k = position_++;
        data_pos_ = 0;
        now_ = at.now;
        if (k > 0) settle(k - 1, at.last_value, at.last_gave_up, at.last_vars);
        for (const choice& c : choices) learn(c);
        if (k < nodes_.size()) {
            node& n = nodes_[k];
            if (k < first_new_ && !same_choices(n, choices) && !problem_)
                problem_ = fmt::format("re-running the same choices, step {} offered other threads or operations "
                                       "than before",
                                       k + 1);
            std::size_t index = choices.size();
            for (std::size_t c = 0; c < choices.size(); ++c)
                if (choices[c].thread == n.taken) index = c;
            if (index == choices.size()) {
                if (!problem_)
                    problem_ = fmt::format("re-running the same choices, thread {} could not move at step {}",
                                           n.taken, k + 1);
                return 0;
            }
            record(k, choices[index]);
            return index;
        }
        node n = fresh_node();
        for (const choice& c : choices) n.enabled.insert(c.thread);
        n.offered = static_cast<std::uint32_t>(choices.size());
        n.offers = fingerprint(choices);
        if (k > 0) {
            node& prev = nodes_[k - 1];
            for (const event& s : prev.sleep)
                if (!dependent(s, prev.step)) n.sleep.push_back(s);
            const event done = taken_event(k - 1);
            wnode* from = nullptr;
            for (wnode& w : prev.wut)
                if (covers(w.e, done) && (from == nullptr || (from->e.any_vals && !w.e.any_vals))) from = &w;
            // The branch's subtree moves down unless the previous step will run again with other
            // values (and start from it again): the branch itself is dropped from the previous
            // node when it backtracks there, and what is inserted below it meanwhile is lost with it
            // either way (a leaf there covers whatever would have gone below it).
            if (from != nullptr && (prev.forced || prev.data.empty())) {
                n.wut = std::move(from->children);
                from->children.clear();
            } else if (from != nullptr) {
                n.wut = from->children;
            }
        }
        drop_unusable(n);
        std::size_t index = choices.size();
        if (!n.wut.empty()) {
            for (std::size_t c = 0; c < choices.size(); ++c)
                if (choices[c].thread == n.wut.front().e.thread) index = c;
            take(n, n.wut.front().e);
        } else {
            // Prefer the thread that moved last: fewer preemptions, easier traces.
            for (std::size_t c = 0; c < choices.size() && index == choices.size(); ++c)
                if (!sleeping(n.sleep, choices[c].thread)) index = c;
        }
        if (index == choices.size()) {
            --position_;  // sleep-set blocked: every enabled thread is asleep
            abandoned_ = true;
            return abandon;
        }
        n.taken = choices[index].thread;  // (when from the wakeup tree, take() set it already)
        nodes_.push_back(std::move(n));
        record(k, choices[index]);
        return index;
    }

    std::size_t choose(std::size_t n) override {
        std::vector<data_choice>& data = position_ == 0 ? root_data_ : nodes_[position_ - 1].data;
        std::size_t& at = position_ == 0 ? root_pos_ : data_pos_;
        if (at < data.size()) {
            data_choice& d = data[at++];
            if (d.options == 0) d.options = static_cast<std::uint32_t>(n);  // forced by a wakeup sequence
            if (d.options != n && !problem_)
                problem_ = fmt::format("re-running the same choices, a choice at step {} offered {} values where it "
                                       "offered {} before",
                                       position_, n, d.options);
            return d.chosen < n ? d.chosen : 0;
        }
        std::uint32_t value = 0;
        if (position_ > 0) {
            // Skip values whose step was already explored from this state (asleep).
            const node& here = nodes_[position_ - 1];
            while (value + 1 < n && asleep_value(here, at, value)) ++value;
        }
        data.push_back({static_cast<std::uint32_t>(n), value});
        ++at;
        return value;
    }

    bool needs_details() const override { return true; }
    bool complete() const override { return exhausted_ && !problem_; }
    std::optional<std::string> problem() const override { return problem_; }
    // Between executions, along the path of the one that just ended: at each node the
    // branches put to sleep are done, the wakeup tree's first steps are left (the
    // front is the branch being explored when it came from there); then the values
    // of its data choices. Races of the last execution are not in the wakeup trees yet.
    std::optional<size_estimate> estimate(std::uint64_t executions) const override {
        tree_progress tree;
        for (const data_choice& d : root_data_) tree.level(d.chosen, d.options);
        for (std::size_t k = 0; k < position_ && k < nodes_.size(); ++k) {
            const node& n = nodes_[k];
            std::size_t left = n.wut.size();
            if (left > 0 && n.wut.front().e.thread == n.taken) --left;
            tree.level(n.explored, static_cast<double>(n.explored + 1 + left));
            if (!n.forced)
                for (const data_choice& d : n.data) tree.level(d.chosen, d.options);
        }
        return tree.get(executions);
    }

private:
    // Thread t's step from here was explored with every value of its choices.
    static bool sleeping(const std::vector<event>& sleep, thread_id t) {
        return std::any_of(sleep.begin(), sleep.end(), [&](const event& e) { return e.thread == t && e.any_vals; });
    }

    // Choosing `value` at data choice `at` of the step taken from n completes values already explored.
    static bool asleep_value(const node& n, std::size_t at, std::uint32_t value) {
        for (const event& s : n.sleep) {
            if (s.thread != n.taken || s.any_vals || s.vals.size() != at + 1 || s.vals[at] != value) continue;
            bool same = true;
            for (std::size_t i = 0; i < at && same; ++i) same = s.vals[i] == n.data[i].chosen;
            if (same) return true;
        }
        return false;
    }

    // The next value vector of a step explored with every value; false when done.
    static bool advance(node& n) {
        if (n.forced) return false;
        while (!n.data.empty()) {
            const std::size_t at = n.data.size() - 1;
            data_choice& d = n.data.back();
            std::uint32_t value = d.chosen + 1;
            while (value < d.options && asleep_value(n, at, value)) ++value;
            if (value < d.options) {
                d.chosen = value;
                return true;
            }
            n.data.pop_back();
        }
        return false;
    }

    // Drops the first branches of n's wakeup tree that cannot run here or are already covered.
    static void drop_unusable(node& n) {
        while (!n.wut.empty()) {
            const event& b = n.wut.front().e;
            const bool asleep =
                std::any_of(n.sleep.begin(), n.sleep.end(), [&](const event& s) { return covers(s, b); });
            if (is_enabled(n, b.thread) && !asleep && !sleeping(n.sleep, b.thread)) return;
            n.wut.erase(n.wut.begin());
        }
    }

    // Takes the wakeup-tree branch b from node n: its thread, and its values when known.
    static void take(node& n, const event& b) {
        n.taken = b.thread;
        n.forced = !b.any_vals;
        n.data.clear();
        if (n.forced)
            for (std::uint32_t v : b.vals) n.data.push_back({0, v});
    }

    bool same_choices(const node& n, std::span<const choice> choices) const {
        if (n.offered != choices.size()) return false;
        for (const choice& c : choices)
            if (!n.enabled.contains(c.thread)) return false;
        return n.offers == fingerprint(choices);
    }

    // A node for a new step: one given back earlier, so its vectors keep their capacity.
    node fresh_node() {
        if (spare_.empty()) return {};
        node n = std::move(spare_.back());
        spare_.pop_back();
        n.enabled.clear();
        n.sleep.clear();
        n.wut.clear();
        n.taken = no_thread;
        n.data.clear();
        n.step.thread = no_thread;
        n.step.op = {};
        n.step.spawned = no_thread;
        n.step.vals.clear();
        n.step.fails = n.step.any_vals = n.step.stalled = false;
        n.clock.clear();
        n.index = 0;
        n.before = -1;
        n.pending_since = 0;
        n.failed = n.forced = n.by_time = false;
        n.explored = 0;
        n.now = 0;
        n.deadline = no_deadline;
        return n;
    }

    void begin() {
        position_ = 0;
        data_pos_ = 0;
        root_pos_ = 0;
        threads_.clear();
        abandoned_ = false;
        for (object_id o : touched_) {
            object_steps& x = objects_[o];
            x.all.clear();
            x.writes.clear();
            x.write_at.clear();
            x.load_at.clear();
        }
        touched_.clear();
        all_clock_.clear();
        stalled_clock_.clear();
        barriers_.clear();
        for (auto& g : gave_up_) g.clear();
        gave_up_all_.clear();
        for (auto& p : steps_of_) p.clear();
    }

    void restart(std::size_t from) {
        first_new_ = from;
        begin();
    }

    thread_info& info(thread_id t) {
        if (threads_.size() <= t) threads_.resize(t + 1);
        return threads_[t];
    }

    event taken_event(std::size_t k) const {
        event e = nodes_[k].step;
        e.vals.clear();
        for (const data_choice& d : nodes_[k].data) e.vals.push_back(d.chosen);
        return e;
    }

    std::optional<std::int64_t>& value_of(std::size_t k) {
        if (values_.size() <= k) values_.resize(k + 1);
        return values_[k];
    }

    // What step k turned out to be once it ran: the value it logged, whether it
    // made no progress (a load that saw nothing new is a yield to the fair
    // scheduler, so it depends on every step, as a yield does), and the vars its
    // code touched. Dependences found here join the step's clock (nothing after
    // it has been recorded yet).
    void settle(std::size_t k, std::optional<std::int64_t> value, bool gave_up, std::span<const var_touch> vars) {
        value_of(k) = value;
        if (k >= nodes_.size()) return;
        node& n = nodes_[k];
        bool grew = false;
        // (So is a yield that was offered as ending a wait loop's turn, options.spin_reduction,
        // when it turned out not to: its thread did not go back to the top of a loop.)
        if (gave_up && (atomic_access(n.step.op.kind) || n.step.op.kind == op_kind::yield) && !n.step.stalled) {
            n.step.stalled = true;
            join(stalled_clock_, n.clock);
            const thread_id t = n.step.thread;
            if (gave_up_.size() <= t) gave_up_.resize(std::size_t{t} + 1);
            gave_up_[t].push_back(static_cast<std::uint32_t>(k));
            gave_up_all_.push_back(static_cast<std::uint32_t>(k));
        }
        if (!vars.empty()) {
            n.step.vars = var_set(vars);
            for (const var_touch& v : n.step.vars)
                if (v.var < objects_.size()) join(n.clock, v.write ? objects_[v.var].all : objects_[v.var].writes);
            grew = true;
        }
        if (grew) refile(k);
    }

    void learn(const choice& c) {
        const object_id o = c.pending->object;
        if (o == no_object) return;
        if (kinds_.size() <= o) kinds_.resize(std::size_t{o} + 1, object_kind::thread);
        kinds_[o] = c.target;
    }

    void ended(const execution_end& end) override {
        if (position_ > 0) settle(position_ - 1, end.last_value, end.last_gave_up, end.last_vars);
        end_failed_ = end.failed;
        end_failing_ = end.failing;
        unfinished_.clear();
        for (const choice& c : end.unfinished) {
            learn(c);
            event e;
            e.thread = c.thread;
            e.op = *c.pending;
            e.any_vals = true;  // not run: its choices are unknown
            e.spawned = c.spawns;
            unfinished_.push_back(std::move(e));
        }
    }

    // The clock a thread's next event starts from, and where that event became pending.
    std::int64_t before_of(thread_id t) {
        const thread_info& ti = info(t);
        return ti.last >= 0 ? ti.last : ti.spawn;
    }

    void record(std::size_t k, const choice& c) {
        node& n = nodes_[k];
        n.step.thread = c.thread;
        n.step.op = *c.pending;
        n.step.spawned = c.spawns;
        n.now = now_;
        n.deadline = c.deadline;
        n.by_time = c.by_time;
        n.step.vals.clear();
        n.step.vars.clear();
        n.step.stalled = may_stall(n.step.op.kind) && !c.ends_wait;
        n.before = before_of(c.thread);
        n.pending_since = n.before + 1;
        // Its clock: its thread's previous step, joined with every earlier step it depends on, as
        // kept per object (and for stalled steps) while the execution is recorded.
        if (n.before >= 0) n.clock = nodes_[static_cast<std::size_t>(n.before)].clock;
        else n.clock.clear();
        join(n.clock, stalled_clock_);
        if (n.step.stalled) {
            join(n.clock, all_clock_);
        } else {
            const bool load = reads_only(n.step.op);
            for (object_id o : {n.step.op.object, n.step.op.other})
                if (o != no_object && o < objects_.size()) join(n.clock, load ? objects_[o].writes : objects_[o].all);
            if (n.step.spawned != no_thread && n.step.spawned < threads_.size() && threads_[n.step.spawned].last >= 0)
                join(n.clock, nodes_[static_cast<std::size_t>(threads_[n.step.spawned].last)].clock);
        }
        thread_info& ti = info(c.thread);
        n.index = ++ti.count;
        if (n.clock.size() <= c.thread) n.clock.resize(c.thread + 1, 0);
        n.clock[c.thread] = n.index;
        ti.last = static_cast<std::int64_t>(k);
        if (n.step.spawned != no_thread) info(n.step.spawned).spawn = static_cast<std::int64_t>(k);
        index_step(k);
    }

    // Files step k (just recorded) under its objects and its thread for the summaries above and
    // the race scan.
    void index_step(std::size_t k) {
        const node& n = nodes_[k];
        const auto at = static_cast<std::uint32_t>(k);
        join(all_clock_, n.clock);
        if (n.step.stalled) {
            join(stalled_clock_, n.clock);
            barriers_.push_back(at);
        }
        const bool load = reads_only(n.step.op);
        const object_id o1 = n.step.op.object, o2 = n.step.op.other == o1 ? no_object : n.step.op.other;
        for (object_id o : {o1, o2}) {
            if (o == no_object) continue;
            if (objects_.size() <= o) objects_.resize(std::size_t{o} + 1);
            object_steps& s = objects_[o];
            if (s.write_at.empty() && s.load_at.empty()) touched_.push_back(o);
            join(s.all, n.clock);
            if (load) {
                s.load_at.push_back(at);
            } else {
                join(s.writes, n.clock);
                s.write_at.push_back(at);
            }
        }
        if (steps_of_.size() <= n.step.thread) steps_of_.resize(std::size_t{n.step.thread} + 1);
        steps_of_[n.step.thread].push_back(at);
    }

    // Step k's clock grew once it ran (the vars its code touched): the summaries it is filed
    // under grow with it, and it is filed under those vars, reads as loads and writes as writes.
    void refile(std::size_t k) {
        const node& n = nodes_[k];
        const auto at = static_cast<std::uint32_t>(k);
        join(all_clock_, n.clock);
        if (n.step.stalled) join(stalled_clock_, n.clock);
        const bool load = reads_only(n.step.op);
        for (object_id o : {n.step.op.object, n.step.op.other}) {
            if (o == no_object || o >= objects_.size()) continue;
            join(objects_[o].all, n.clock);
            if (!load) join(objects_[o].writes, n.clock);
        }
        for (const var_touch& v : n.step.vars) {
            if (objects_.size() <= v.var) objects_.resize(std::size_t{v.var} + 1);
            object_steps& x = objects_[v.var];
            if (x.write_at.empty() && x.load_at.empty()) touched_.push_back(v.var);
            join(x.all, n.clock);
            if (v.write) {
                join(x.writes, n.clock);
                x.write_at.push_back(at);
            } else {
                x.load_at.push_back(at);
            }
        }
    }

    void dump() const {
        std::string text = fmt::format("exec (new from {}){}:", first_new_, abandoned_ ? " ABANDONED" : "");
        for (std::size_t k = 0; k < nodes_.size(); ++k) {
            const node& n = nodes_[k];
            text += fmt::format(" [{}:{} {}#{}", k, n.step.thread, to_string(n.step.op.kind), n.step.op.object);
            for (const var_touch& v : n.step.vars) text += fmt::format(" {}{}", v.write ? "w" : "r", v.var);
            if (!n.sleep.empty()) {
                text += " z{";
                for (const event& e : n.sleep) text += fmt::format("{}:{} ", e.thread, to_string(e.op.kind));
                text += "}";
            }
            text += "]";
        }
        std::fprintf(stderr, "%s\n", text.c_str());
    }

    // Race detection over the execution that just ended.
    void analyse() {
        const std::size_t end = nodes_.size();
        values_.resize(end);
        for (std::size_t k = first_new_; k < end; ++k) {
            const node& n = nodes_[k];
            if (n.before >= 0) base_ = nodes_[static_cast<std::size_t>(n.before)].clock;
            else base_.clear();
            races(taken_event(k), k, base_, n.pending_since, false);
        }
        if (abandoned_ || end == 0) return;
        // Operations that never ran: blocked threads, and every thread cut off by a failure.
        const bool failed = end_failed_;
        const thread_id failing = end_failing_;
        // After a failure the last thread to move has not reached a new operation (its pending
        // one is the step it took), unless it is the one that failed: leave it out too.
        const thread_id cut = failed ? nodes_.back().step.thread : no_thread;
        if (failed) nodes_.back().failed = true;
        for (const event& e : unfinished_) {
            if (e.thread == failing || e.thread == cut) continue;
            const std::int64_t before = before_of(e.thread);
            const vclock base = before >= 0 ? nodes_[static_cast<std::size_t>(before)].clock : vclock{};
            races(e, end, base, before + 1, failed);
        }
    }

    enum class enabling { no, maybe, certainly };

    // Did step j let e proceed, so that e could not have run in its place? Only
    // asked when e was not yet pending at j (otherwise the choices tell).
    enabling enabler(std::size_t j, const event& e) const {
        const event& x = nodes_[j].step;
        if (x.thread == e.thread) return enabling::no;
        if (atomic_access(e.op.kind)) return enabling::no;  // an atomic access never blocks
        switch (e.op.kind) {
        case op_kind::join:
            // Nothing on a thread's object (its spawn, its yields, its exit) can follow its join.
            return x.op.object == e.op.object ? enabling::certainly : enabling::no;
        case op_kind::lock:
        case op_kind::try_lock_for:
        case op_kind::relock:
        case op_kind::lock_shared:
            // Before another thread's unlock (or condition wait, which unlocks) the mutex was held,
            // by a thread ready to move, so no timeout could end the wait either; other operations
            // on it (a shared mutex's reader side) may have held it too.
            return (x.op.kind == op_kind::unlock || x.op.kind == op_kind::wait) && touches(x.op, e.op.object)
                       ? enabling::certainly
                       : enabling::maybe;
        case op_kind::acquire: {
            // From the value step j logged on the semaphore: was its count 0 before it?
            if (x.op.object != e.op.object || j >= values_.size() || !values_[j]) return enabling::maybe;
            const std::int64_t v = *values_[j];
            switch (x.op.kind) {
            case op_kind::release: return v == 1 ? enabling::certainly : enabling::no;  // the count after it
            case op_kind::acquire: return enabling::no;                                 // found it above 0
            case op_kind::try_acquire: return v == 0 ? enabling::certainly : enabling::no;  // failed: it was 0
            default: return enabling::maybe;
            }
        }
        case op_kind::wait:
            // A condition variable's wait never blocks (its thread holds the mutex); a latch's waits
            // for a count of 0, which no count_down and no failed try_wait had before it.
            if (is_kind(e.op.object, object_kind::condition_variable)) return enabling::no;
            if (is_kind(e.op.object, object_kind::latch) && x.op.object == e.op.object) {
                if (x.op.kind == op_kind::count_down) return enabling::certainly;
                if (x.op.kind == op_kind::try_wait && j < values_.size() && values_[j])
                    return *values_[j] == 0 ? enabling::certainly : enabling::no;
            }
            return enabling::maybe;
        case op_kind::join_queue:
            // A queue's join waits for no unfinished task; a task_done found one unfinished, and a
            // get found an item (put, not yet done).
            if (x.op.object != e.op.object) return enabling::maybe;
            if (x.op.kind == op_kind::task_done || x.op.kind == op_kind::get) return enabling::certainly;
            if (x.op.kind == op_kind::try_get && j < values_.size() && values_[j] == 1) return enabling::certainly;
            return enabling::maybe;
        case op_kind::wake:  // pending only from its own wait on: what enables it comes later
        case op_kind::spawn: case op_kind::detach: case op_kind::exit: case op_kind::yield: case op_kind::choose:
        case op_kind::try_lock: case op_kind::unlock: case op_kind::notify_one: case op_kind::notify_all:
        case op_kind::try_acquire: case op_kind::release:
            return enabling::no;  // never blocks
        default:
            // An operation this strategy does not know may wait for anything on its objects.
            return enabling::maybe;
        }
    }

    bool is_kind(object_id o, object_kind kind) const {
        return o < kinds_.size() && kinds_[o] == kind;
    }

    // The steps before position `end` that may depend on e, latest first: those on its objects
    // (only the ones that are not loads, for a load) and the stalled ones; every step for a
    // stalled e. Each list is ascending; this merges them from their ends.
    class dependent_steps {
    public:
        dependent_steps(const dpor& d, const event& e, std::size_t end) : end_(static_cast<std::int64_t>(end)) {
            if (e.stalled || e.fails) {
                all_ = true;
                return;
            }
            for (object_id o : {e.op.object, e.op.other == e.op.object ? no_object : e.op.other}) {
                if (o == no_object || o >= d.objects_.size()) continue;
                add(d.objects_[o].write_at);
                if (!reads_only(e.op)) add(d.objects_[o].load_at);
            }
            add(d.barriers_);
            add(d.gave_up_all_);
        }
        // The next one, or -1.
        std::int64_t next() {
            if (all_) return --end_;
            std::size_t best = n_;
            std::int64_t at = -1;
            for (std::size_t i = 0; i < n_; ++i)
                if (lists_[i].second > lists_[i].first && std::int64_t{*(lists_[i].second - 1)} > at) {
                    at = *(lists_[i].second - 1);
                    best = i;
                }
            if (best == n_) return -1;
            // A step on both of e's objects (or stalled too) is in several lists: take it once.
            for (std::size_t i = 0; i < n_; ++i)
                while (lists_[i].second > lists_[i].first && std::int64_t{*(lists_[i].second - 1)} == at)
                    --lists_[i].second;
            return at;
        }

    private:
        using range = std::pair<const std::uint32_t*, const std::uint32_t*>;
        void add(const std::vector<std::uint32_t>& v) {
            const std::uint32_t* b = v.data();
            lists_[n_++] = {b, std::lower_bound(b, b + v.size(), static_cast<std::uint32_t>(end_))};
        }
        std::int64_t end_;
        bool all_ = false;
        range lists_[6]{};
        std::size_t n_ = 0;
    };

    // The steps before position k that the race scan of e must visit, latest first. Visiting
    // every earlier step would cost the length of the execution per step; these are enough, as
    // every other step is skipped by the scan: it happens before one of these, or before e's
    // own previous step. Per object (or var) e touches: the last step there that is not a load (every
    // earlier step there happens before it) and, unless e is a load, the loads after it. The
    // last step stalled when it was taken (every earlier step happens before it), and each
    // thread's last memory step found stalled after it ran; for a stalled e, each thread's last
    // step.
    void race_candidates(const event& e, std::size_t k, bool last_conflicts) {
        candidates_.clear();
        auto last_before_k = [k](const std::vector<std::uint32_t>& v) -> std::int64_t {
            const auto it = std::lower_bound(v.begin(), v.end(), k);
            return it == v.begin() ? -1 : std::int64_t{*(it - 1)};
        };
        const std::int64_t barrier = last_before_k(barriers_);
        auto add = [&](std::int64_t p) {
            if (p >= 0 && p >= barrier) candidates_.push_back(static_cast<std::uint32_t>(p));
        };
        add(barrier);
        if (e.stalled || e.fails) {
            for (const auto& steps : steps_of_) add(last_before_k(steps));
        } else {
            for (object_id o : {e.op.object, e.op.other}) {
                if (o == no_object || o >= objects_.size()) continue;
                const object_steps& x = objects_[o];
                const std::int64_t w = last_before_k(x.write_at);
                add(w);
                if (reads_only(e.op)) continue;
                const auto from = static_cast<std::uint32_t>(std::max<std::int64_t>({w + 1, barrier, 0}));
                for (auto it = std::lower_bound(x.load_at.begin(), x.load_at.end(), from);
                     it != x.load_at.end() && *it < k; ++it)
                    candidates_.push_back(*it);
            }
            // Likewise per var its code touched: a read conflicts with writes only.
            for (const var_touch& v : e.vars) {
                if (v.var >= objects_.size()) continue;
                const object_steps& x = objects_[v.var];
                const std::int64_t w = last_before_k(x.write_at);
                add(w);
                if (!v.write) continue;
                const auto from = static_cast<std::uint32_t>(std::max<std::int64_t>({w + 1, barrier, 0}));
                for (auto it = std::lower_bound(x.load_at.begin(), x.load_at.end(), from);
                     it != x.load_at.end() && *it < k; ++it)
                    candidates_.push_back(*it);
            }
            for (const auto& g : gave_up_) add(last_before_k(g));
        }
        if (last_conflicts && k == nodes_.size() && k > 0) add(static_cast<std::int64_t>(k) - 1);
        std::sort(candidates_.begin(), candidates_.end(), std::greater<>());
        candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    }

    // The races of event `e` (at position k, or after the end) with earlier events.
    void races(const event& e, std::size_t k, const vclock& base, std::int64_t pending_since, bool last_conflicts) {
        race_candidates(e, k, last_conflicts);
        auto conflicts = [&](std::size_t j) {
            return dependent(nodes_[j].step, e) || (last_conflicts && j + 1 == nodes_.size());
        };
        vclock& covered = covered_;
        covered = base;
        // What happens before e: its own clock when it ran, else as if it ran now.
        vclock& e_clock = e_clock_;
        e_clock = k < nodes_.size() ? nodes_[k].clock : base;
        if (k >= nodes_.size())
            for (std::uint32_t j : candidates_)
                if (nodes_[j].step.thread != e.thread && conflicts(j)) join(e_clock, nodes_[j].clock);
        // Reverses the race with step j if e could run in its place; says whether to look further back.
        auto try_reverse = [&](std::size_t j) {
            if (static_cast<std::int64_t>(j) >= pending_since) {
                if (!is_enabled(nodes_[j], e.thread)) return true;  // disabled here: look before
                reverse(j, e, k, e_clock);
                return false;
            }
            const enabling en = enabler(j, e);
            if (en != enabling::certainly) reverse(j, e, k, e_clock);
            return en != enabling::no;
        };
        for (std::uint32_t j : candidates_) {
            const node& m = nodes_[j];
            if (m.step.thread == e.thread || leq(m, base) || !conflicts(j)) continue;
            if (leq(m, covered)) continue;
            if (try_reverse(j)) {
                // e could not run before step j (j enabled it): reverse e with the latest earlier
                // conflicting step where it could, the one that disabled it (var accesses enable
                // and disable nothing; the races they make are this loop's own).
                dependent_steps earlier(*this, e, j);
                for (std::int64_t d; (d = earlier.next()) >= 0;) {
                    const node& o = nodes_[static_cast<std::size_t>(d)];
                    if (o.step.thread == e.thread || leq(o, base) || !ops_dependent(o.step, e)) continue;
                    if (!try_reverse(static_cast<std::size_t>(d))) break;
                }
            }
            join(covered, m.clock);
        }
    }

    // Inserts notdep(e_j).e into the wakeup tree of the node before e_j.
    void reverse(std::size_t j, const event& e, std::size_t k, const vclock& e_clock) {
        const node& at = nodes_[j];
        // The thread of step j stays ready along notdep(j), so logical time cannot pass there: a
        // step that moved only because time passed its deadline after step j (and whatever
        // happens after it) cannot be part of the sequence; it comes after step j in every
        // execution. If e needs it, e cannot run before step j.
        std::vector<std::size_t>& dropped = dropped_;
        dropped.clear();
        auto after_dropped = [&](const vclock& c) {
            return std::any_of(dropped.begin(), dropped.end(), [&](std::size_t d) { return leq(nodes_[d], c); });
        };
        std::vector<event>& v = sequence_;
        v.clear();
        for (std::size_t x = j + 1; x < k; ++x) {
            const node& m = nodes_[x];
            if (leq(at, m.clock)) continue;  // happens after step j
            if ((m.by_time && m.deadline > at.now) || after_dropped(m.clock)) {
                dropped.push_back(x);
                continue;
            }
            v.push_back(with_any_values(taken_event(x)));
        }
        if (after_dropped(e_clock)) return;
        v.push_back(with_any_values(e));
        node& target = nodes_[j];
        for (const event& s : target.sleep)
            if (weak_initial(s, v)) return;
        insert(&target.wut, v);
    }

    std::vector<node> nodes_;
    std::vector<node> spare_;  // nodes popped, kept for their capacity
    std::vector<data_choice> root_data_;  // choices main makes before its first step
    std::vector<thread_info> threads_;
    std::vector<std::optional<std::int64_t>> values_;  // per step of the last execution, when it logged one
    std::vector<object_kind> kinds_;                     // per object id, as offered
    std::vector<event> unfinished_;  // the last execution's steps that never ran
    // The steps of the current execution by what they touch, as recorded.
    struct object_steps {
        vclock all, writes;  // the clocks of its steps joined, and of those that are not loads
        std::vector<std::uint32_t> write_at, load_at;  // the positions of those steps, ascending
    };
    std::vector<object_steps> objects_;  // by object id
    std::vector<object_id> touched_;     // those with steps in this execution
    vclock all_clock_;                   // every step's clock joined
    vclock stalled_clock_;               // every stalled step's
    // Steps stalled when taken (a yield, a try): every earlier step happens before them.
    std::vector<std::uint32_t> barriers_;
    std::vector<std::vector<std::uint32_t>> gave_up_;   // by thread: memory steps found stalled after they ran
    std::vector<std::uint32_t> gave_up_all_;            // all of them
    std::vector<std::vector<std::uint32_t>> steps_of_;  // by thread: the positions of its steps
    bool end_failed_ = false;        // it ended by a failure other than a deadlock,
    thread_id end_failing_ = no_thread;  // in this thread
    std::int64_t now_ = 0;
    std::size_t position_ = 0;
    std::size_t data_pos_ = 0;
    std::size_t root_pos_ = 0;
    std::size_t first_new_ = 0;
    const bool debug_ = std::getenv("LOCKSTEP_DPOR_DEBUG") != nullptr;  // prints each execution
    std::vector<std::uint32_t> candidates_;  // race_candidates()
    std::vector<std::size_t> dropped_;       // reverse(): its buffers
    std::vector<event> sequence_;
    vclock covered_, e_clock_, base_;  // races() and analyse()
    bool started_ = false;
    bool exhausted_ = false;
    bool abandoned_ = false;
    std::optional<std::string> problem_;
};

} // namespace

std::unique_ptr<strategy_base> make_dpor(std::uint64_t) { return std::make_unique<dpor>(); }

} // namespace lockstep::detail
