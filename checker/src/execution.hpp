#pragma once
// One run of a model: its threads (fibers), its objects, the event log, and the
// one scheduling point every visible operation passes through.
#include <setjmp.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <lockstep/detail/runtime.hpp>

#include "fairness.hpp"
#include "fiber.hpp"
#include "happens_before.hpp"
#include "spin_wait.hpp"
#include "lock_order.hpp"
#include "memory/memory_model.hpp"
#include "strategy.hpp"
#include "token.hpp"

namespace lockstep::detail {

struct object_info {
    object_kind kind{};
    std::uint32_t ordinal = 0;  // per kind, in creation order: the default name
    std::string name;           // given by the user, or empty
    std::source_location created{};
    thread_id creator = no_thread;  // the thread that created it; none for the main thread
    thread_id thread = no_thread;   // for thread objects
    // Locks: who holds it, how deep, since when.
    thread_id owner = no_thread;
    std::uint32_t depth = 0;
    std::source_location owned_since{};
    std::size_t owned_step = 0;
    std::uint64_t contended = 0;  // lock requests that had to wait, in this execution
};

enum class thread_phase : std::uint8_t { not_started, running, finished };

struct thread_state {
    fiber context;
    stack memory{};
    bool has_stack = false;
    std::string name;
    object_id object = no_object;
    thread_id parent = no_thread;
    operation pending{};
    wait_condition ready{};
    // One field rather than started/finished flags: the scheduler tests it for every thread at every step.
    thread_phase phase = thread_phase::not_started;
    bool running() const { return phase == thread_phase::running; }
    bool finished() const { return phase == thread_phase::finished; }
    bool priming = false;  // runs from spawn to its first visible operation
    bool joined = false;
    bool made_no_progress = false;
    // options.spin_reduction: its reads since its last effect, and whether it
    // waits for one of them to change (it may not move until then).
    spin_window spin;
    bool awaiting = false;
    bool blocked = false;  // at the end of a failed execution: its pending operation could not proceed
    bool timed_out = false;           // its timed wait reached its deadline: it may move (and time out)
    std::int64_t deadline = no_deadline;  // logical time at which its pending timed wait times out
    choice offered{};                     // its pending step as a needs_details() strategy sees it (but by_time)
    std::uint32_t spurious_left = 0;  // spurious wake-ups it may still take in this execution
    std::uint32_t locks_held = 0;
    std::vector<held_lock> shared_held;  // locks it holds in shared mode
    loop_host* loop = nullptr;           // the lockstep::asyncio event loop it runs, if any
    thread_body body{};
    void* body_at = nullptr;
    std::source_location created{};
};

struct event {
    thread_id thread;
    operation op;
    std::int64_t value = 0;
    bool has_value = false;
    std::uint32_t access = memory::none;  // an atomic step's access in the memory model
};

struct failure_record {
    failure_kind kind{};
    std::string message;
    std::source_location where{};
    thread_id thread = no_thread;
    std::size_t step = 0;  // events taken before it
};

class execution {
public:
    execution(stack_pool& stacks, std::uint64_t max_steps);
    ~execution();
    execution(const execution&) = delete;
    execution& operator=(const execution&) = delete;

    void run(const std::function<void()>& model, strategy_base& strategy);

    // What the last run left behind.
    const std::optional<failure_record>& failure() const { return failure_; }
    // The strategy abandoned the execution as equivalent to one already explored.
    bool redundant() const { return redundant_; }
    std::span<const event> events() const { return events_; }
    std::span<const decision> decisions() const { return decisions_; }
    std::span<const std::pair<std::string, std::string>> observed() const { return observed_; }
    std::size_t thread_count() const { return thread_count_; }
    const thread_state& thread(thread_id t) const { return *threads_[t]; }
    std::size_t object_count() const { return object_count_; }
    const object_info& object(object_id o) const { return objects_[o]; }
    std::string object_label(object_id o) const;
    std::string thread_label(thread_id t) const;
    // lockstep::name (naming.cpp): a thread object's name is its thread's.
    void rename(object_id o, std::string_view name);
    std::uint64_t max_steps() const { return max_steps_; }
    void set_model_name(std::string name) { model_name_ = std::move(name); }
    // Which model tokens of this execution say they were recorded on (token.hpp).
    void set_model_fingerprint(std::uint32_t f) { model_fingerprint_ = f; }
    std::uint32_t model_fingerprint() const { return model_fingerprint_; }
    // What the crash line names (crash_line.hpp); gathered without allocating.
    struct crash_facts {
        const char* model;
        std::uint64_t run;  // runs of this execution object, from 1
        const char* thread_name;
        thread_id thread;
        std::size_t step;  // steps taken
        std::source_location last;  // the thread's last step
    };
    crash_facts facts_for_crash() const noexcept;

    // The runtime interface (see lockstep/detail/runtime.hpp).
    static execution* current() noexcept;
    thread_id self() const { return current_; }
    object_id add_object(object_kind kind, std::string_view name, std::source_location created);
    // The scheduling point. Returns whether `ready` held when the thread was let go
    // (else its deadline passed). Operations and conditions from primitives carry
    // handles; the runtime's own carry indices.
    bool schedule_handles(const operation& op, const wait_condition& ready, std::int64_t deadline);
    bool schedule(const operation& op, const wait_condition& ready, std::int64_t deadline = no_deadline);
    std::int64_t now() const { return now_; }
    void set_spurious_wakeups(bool on);
    // options.spurious_wakeups: every run starts with them allowed.
    void allow_spurious_wakeups_by_default(bool on) { spurious_by_default_ = on; }
    bool spurious_wakeup_available() const { return threads_[current_]->spurious_left > 0; }
    void spurious_wakeup_taken() {
        if (threads_[current_]->spurious_left > 0) --threads_[current_]->spurious_left;
    }
    // Per lock label: how often a request had to wait, over every execution this object ran.
    const std::map<std::string, std::uint64_t>& contention() const { return contention_; }
    void annotate(std::int64_t value);
    void no_progress() {
        threads_[current_]->made_no_progress = true;
        memory_.stalled(current_);
    }
    [[noreturn]] void fail(failure_kind kind, std::string message, std::source_location where);
    thread_id owner(object_id lock) const { return objects_[lock].owner; }
    std::uint32_t depth(object_id lock) const { return objects_[lock].depth; }
    void acquired(object_id lock, std::source_location where);
    void released(object_id lock);
    void acquired_shared(object_id lock, std::source_location where);
    void released_shared(object_id lock);
    thread_id spawn(const thread_body& body, std::string_view name, std::source_location where);
    bool finished(thread_id t) const { return threads_[t]->finished(); }
    void joined(thread_id t) { threads_[t]->joined = true; }
    object_id thread_object(thread_id t) const { return threads_[t]->object; }
    std::size_t choose(std::size_t n, std::source_location where);
    std::size_t decide(std::size_t n);
    void observe(std::string_view name, std::string value);

    // Plain data: logs the access and checks it against happens-before.
    void access_var(object_id var, var_op op, std::source_location where);
    void synchronize(object_id object, unsigned slot, sync effect);
    // lockstep::asyncio (see runtime.hpp).
    void host_loop(loop_host* loop) { threads_[current_]->loop = loop; }
    loop_host* hosted_loop() const { return threads_[current_]->loop; }
    void relabel_step(op_kind kind, object_id object, std::source_location where);
    // A task's turn may not block its loop's thread: fails when `op` (with handles) would.
    void check_turn(const operation& op, const wait_condition& ready, std::int64_t deadline) {
        if (threads_[current_]->loop != nullptr) check_turn_on_loop(op, ready, deadline);  // inline: every step
    }
    void set_detect_races(bool on) { detect_races_ = on; }
    void set_memory_model(lockstep::memory_model mode) { memory_mode_ = mode; }
    void set_task_order(lockstep::task_order order) { task_order_ = order; }
    lockstep::task_order task_order() const { return task_order_; }
    void set_spin_reduction(bool on) { spin_reduction_ = on; }
    // What its tokens record of how it ran (token.hpp).
    std::uint32_t token_flags() const { return spin_reduction_ ? token_spin_reduction : 0; }

    // Atomics: a step, then the memory model's choice of what it reads or where it writes.
    std::uint64_t atomic_load(object_id o, memory::order ord, std::source_location where);
    void atomic_store(object_id o, std::uint64_t value, memory::order ord, std::source_location where);
    rmw_result atomic_rmw(object_id o, op_kind kind, rmw_function f, memory::order success, memory::order failure,
                          bool weak, std::source_location where);
    void atomic_fence(memory::order ord, std::source_location where);
    memory::memory_model& memory() { return memory_; }
    const memory::memory_model& memory() const { return memory_; }
    // What the memory model needs of the execution.
    bool clocks_active() const { return hb_.active(); }
    void start_clocks();  // happens-before from here on, caught up with the steps so far
    happens_before& clocks() { return hb_; }
    const happens_before& clocks() const { return hb_; }
    void attach_access(std::uint32_t a) { events_[last_step_].access = a; }
    // A choice among stores, newest first: random search prefers the newest.
    std::size_t decide_store(std::size_t n);
    [[noreturn]] void internal_error(std::string_view what);
    void set_check_lock_order(bool on) { check_lock_order_ = on; }
    // Every lock-order edge the last run saw.
    std::span<const lock_edge> lock_order_edges() const { return lock_order_.edges(); }
    // Names an object the same way in every execution: by who created it where,
    // not by creation order across threads, which the schedule changes.
    std::uint64_t stable_key(object_id o) const;

    // Handles given to primitives carry the run that created the object in
    // their high bits, so an object kept from an earlier run (a static, a
    // global) is caught when used instead of aliasing another object's index.
    // Runs are numbered across the process (every exploration, every worker),
    // in 44 bits: no two runs of a process share a number.
    object_id handle(object_id o) const { return o == no_object ? o : o | (generation_ << index_bits); }
    // Called for every handle at every step: one test when the handle is of this run
    // (its high bits then cancel out; any other generation leaves bits above the index).
    object_id index(object_id handle, std::source_location where = {}) {
        const object_id o = handle ^ (generation_ << index_bits);
        if (o >= object_count_) [[unlikely]] {
            if (handle != no_object) stale_object(where);
            return no_object;
        }
        return o;
    }
    [[noreturn]] void stale_object(std::source_location where);

    // The signal handlers leave the fiber for one of these; they only record
    // which, and run() builds the failure once back on the explorer's stack
    // (nothing in a handler may allocate: it may have interrupted malloc).
    enum class interruption : std::uint8_t { none, stack_overflow, hang };
    void interrupted(interruption why) { interruption_ = why; }
    // The watchdog's view, safe to read from another OS thread: a count that
    // moves at every step and every run, and whether model code is running.
    std::uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }
    bool running_model() const { return running_model_.load(std::memory_order_relaxed); }
    void set_step_time_limit(std::chrono::milliseconds limit) { step_time_limit_ = limit; }
    // The heartbeat the watchdog found standing still when it signalled: the
    // handler acts only if it still stands there (the step may have ended since).
    void suspect(std::uint64_t beat) const { suspected_beat_.store(beat, std::memory_order_relaxed); }
    bool still_suspected() const { return heartbeat() == suspected_beat_.load(std::memory_order_relaxed); }
    // A hang signal that landed in system code (libc's malloc holds a lock) is
    // deferred, at most this many times, to land in the model's own code.
    bool defer_hang() { return ++hang_deferrals_ <= 100; }
    bool in_guard_page(const void* address) const;
    ::sigjmp_buf& overflow_landing() { return overflow_landing_; }

private:
    static void thread_entry(boost::context::detail::transfer_t t);
    [[noreturn]] void exit_thread();
    thread_id new_thread(std::string_view name, std::source_location created);
    bool schedule_pending(std::int64_t deadline);
    void check_turn_on_loop(const operation& op, const wait_condition& ready, std::int64_t deadline);
    // Whether a wait condition holds, its lock resolved to an index (see schedule_handles):
    // the lock is tested here, without a call, for every blocked thread at every step.
    bool satisfied(const wait_condition& w) const {
        if (w.lock != no_object) {
            const thread_id holder = objects_[w.lock].owner;
            if (holder != no_thread && holder != w.holder_ok) return false;
        }
        return w.test == nullptr || w.test(w.context);
    }
    bool advance_time();
    thread_id pick_next();
    [[noreturn]] void no_thread_can_move();
    void release_stacks();
    void give_control_to(thread_id next);
    std::string inversion_message() const;
    std::string deadlock_message() const;
    void order_acquisition(object_id lock, std::source_location where, bool shared);
    void track(std::size_t event_index);  // happens-before of one logged step
    [[noreturn]] void livelock();
    choice offer(thread_id t) const;       // thread t's pending step, as a strategy sees it
    void describe_pending(thread_id t);
    std::optional<std::int64_t> last_value() const;
    void report_end();                     // tells the strategy how the execution ended
    // options.spin_reduction (spin_wait.hpp): once the step taken last has run,
    // what it was to its thread's wait loop; whether a waiting thread may move.
    void settle_spin_step(const site& next);
    bool spin_changed(thread_id t) const;
    std::uint64_t version(object_id o) const { return o < versions_.size() ? versions_[o] : 0; }
    void changed(object_id o);
    std::string spin_livelock_message(std::source_location& where) const;

    stack_pool& stacks_;
    std::uint64_t max_steps_;
    std::string model_name_;
    std::uint32_t model_fingerprint_ = 0;
    std::uint64_t runs_ = 0;
    strategy_base* strategy_ = nullptr;
    bool details_ = false;  // the strategy reads the whole of each choice (strategy_base::needs_details)
    fiber explorer_{};
    ::sigjmp_buf overflow_landing_{};
    std::atomic<bool> running_model_{false};  // on a model fiber; read by the watchdog and the handlers
    std::uint64_t beats_ = 0;
    std::atomic<std::uint64_t> heartbeat_{0};
    mutable std::atomic<std::uint64_t> suspected_beat_{~std::uint64_t{0}};
    std::chrono::milliseconds step_time_limit_{0};
    interruption interruption_ = interruption::none;
    unsigned hang_deferrals_ = 0;
    void record_interruption();

    std::vector<std::unique_ptr<thread_state>> threads_;  // reused across runs
    std::size_t thread_count_ = 0;
    thread_id current_ = 0;
    std::vector<object_info> objects_;  // reused across runs
    std::size_t object_count_ = 0;
    std::uint32_t ordinals_[32]{};
    static constexpr unsigned index_bits = 20;
    std::uint64_t generation_ = 0;  // this run's number in the process
    mutable std::vector<std::uint64_t> stable_keys_;  // computed on demand, 0 = not yet
    std::int64_t now_ = 0;  // the logical clock, in nanoseconds
    bool spurious_ = false;
    bool spurious_by_default_ = false;
    std::map<std::string, std::uint64_t> contention_;

    std::vector<event> events_;
    std::size_t last_step_ = ~std::size_t{0};  // the event of the step taken last
    std::vector<decision> decisions_;
    // Slots for the choices of a pick, one per thread, the first `offered_` in use:
    // filled at every step, so no capacity check per thread and, for a strategy
    // that reads no details, only thread and pending written.
    std::vector<choice> choices_;
    std::size_t offered_ = 0;
    std::span<const choice> offered_choices() const { return {choices_.data(), offered_}; }
    step_context at_;  // the moment of the pick being made, updated in place
    std::vector<var_touch> step_vars_;  // the var accesses of the step taken last
    std::vector<std::pair<std::string, std::string>> observed_;
    std::optional<failure_record> failure_;
    bool redundant_ = false;
    fairness fairness_;
    thread_set enabled_;
    happens_before hb_;
    struct explicit_sync {
        std::size_t after_events;  // logged right after step after_events - 1
        thread_id thread;
        object_id object;
        unsigned slot;
        sync effect;
    };
    std::vector<explicit_sync> explicit_syncs_;
    bool detect_races_ = true;
    bool spin_reduction_ = false;
    bool spin_step_open_ = false;          // the step taken last is not settled yet
    bool all_spinning_ = false;            // the run ended as every thread waits (spin_livelock_message)
    std::vector<std::uint64_t> versions_;  // by object: steps that changed it (not atomics: the memory model knows)
    lockstep::memory_model memory_mode_ = lockstep::memory_model::rc11;
    lockstep::task_order task_order_ = lockstep::task_order::any;
    memory::memory_model memory_{*this};
    bool check_lock_order_ = true;
    lock_order lock_order_;
    std::vector<held_lock> held_;
};

} // namespace lockstep::detail
