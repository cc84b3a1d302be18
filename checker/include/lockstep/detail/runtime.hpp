#pragma once
// The interface between primitives and the runtime of the current execution.
// Every function acts on the one execution running on this OS thread.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <source_location>
#include <string>
#include <string_view>

#include <lockstep/detail/operation.hpp>
#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

namespace lockstep::detail {

// "May the pending operation proceed?": a non-owning predicate, and/or a lock
// that must be free (or held by `holder_ok`); empty = always. The lock is
// declared rather than tested in the predicate so that the scheduler, which
// asks every blocked thread at every step, tests it without a call.
struct wait_condition {
    bool (*test)(const void*) = nullptr;
    const void* context = nullptr;
    object_id lock = no_object;
    thread_id holder_ok = no_thread;
};

template <class F>
wait_condition until(const F& f) {
    return {[](const void* c) { return static_cast<bool>((*static_cast<const F*>(c))()); }, &f};
}

// Ready once `lock` is free (or held by `holder_ok`, for a recursive mutex) and `also` holds.
inline wait_condition until_unlocked(object_id lock, thread_id holder_ok = no_thread, wait_condition also = {}) {
    also.lock = lock;
    also.holder_ok = holder_ok;
    return also;
}

// A thread body placed on its own fiber stack, so spawning allocates nothing.
struct thread_body {
    void* source = nullptr;  // the callable and its arguments, on the spawner's stack
    std::size_t size = 0;
    std::size_t align = 0;
    void (*relocate)(void* from, void* to) = nullptr;  // move-construct at `to`
    void (*run)(void* self) = nullptr;                  // invoke, then destroy
};

bool in_model() noexcept;
thread_id self();

object_id add_object(object_kind kind, std::string_view name, std::source_location created);
// Names for messages: the user's name or the stable default ("mutex#2", "T1").
std::string object_label(object_id id);
std::string thread_label(thread_id t);
// "file:line" as reports spell it (relative to the project), for messages.
std::string source_line(std::source_location loc);
// lockstep::name: the object's (or a thread object's thread's) name from now on.
void name_object(object_id id, std::string_view name, std::source_location where);

// The scheduling point: returns when the strategy lets the calling thread
// perform `op`, which is only when `ready` holds.
void schedule(const operation& op, const wait_condition& ready = {});
// Logical time, in nanoseconds since the execution began; no_deadline = never.
inline constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();
std::int64_t now();
// A timed scheduling point: the thread may move when `ready` holds, or once the
// logical clock reaches `deadline` (which it does only when no thread can move
// otherwise). Returns true when `ready` held (woken), false when it timed out.
bool schedule_until(const operation& op, const wait_condition& ready, std::int64_t deadline);
// Spurious wake-ups of condition-variable waits (options.spurious_wakeups): each
// thread may wake once per execution without a notify, explored as a choice.
void set_spurious_wakeups(bool on);
bool spurious_wakeup_available();
void spurious_wakeup_taken();
// options.task_order: the order of a lockstep::asyncio loop constructed without one.
lockstep::task_order default_task_order();
// Attaches a value to the step just taken (a load's result, a try_lock's success).
void annotate(std::int64_t value);
// A yield or failed try-operation: the fair scheduler lowers this thread.
void no_progress();

[[noreturn]] void fail(failure_kind kind, std::string message, std::source_location where);

// Lock ownership, kept by the runtime for deadlock reports and exit checks.
// `where`: the caller's line, for the report if the object is stale (see execution::index).
thread_id owner(object_id lock, std::source_location where = {});
std::uint32_t depth(object_id lock);
std::source_location locked_at(object_id lock);
void acquired(object_id lock, std::source_location where);
void released(object_id lock);
// Shared (reader) ownership, for lock order and the exit check.
void acquired_shared(object_id lock, std::source_location where);
void released_shared(object_id lock);
// An order of locks that is the same in every execution (by who created each
// lock where, not by creation order, which the schedule changes).
std::uint64_t lock_rank(object_id lock);

thread_id spawn(const thread_body& body, std::string_view name, std::source_location where);
bool finished(thread_id t);
void joined(thread_id t);
object_id thread_object(thread_id t);

std::size_t choose(std::size_t n, std::source_location where);
// A choice the runtime makes inside an operation (which waiter a notify wakes):
// explored and recorded like choose(), but not a step of its own.
std::size_t decide(std::size_t n);
void observe(std::string_view name, std::string value);

// A read or write of plain shared data (lockstep::var): not a scheduling point;
// checked against happens-before, a race is a data_race failure. Construction
// and destruction are writes (destruction outside a model is ignored).
enum class var_op : std::uint8_t { read, write, construct, destroy };
void access_var(object_id var, var_op op, std::source_location where);

// Atomics. The memory model (options.memory_model) decides which store a load
// reads and where a store goes in modification order; values travel as the
// bits of the atomic's object representation.
namespace memory {
enum class order : std::uint8_t { relaxed, acquire, release, acq_rel, seq_cst };
}
// How a report shows an atomic's values.
enum class value_format : std::uint8_t { number, unsigned_number, boolean, hidden };
void atomic_created(object_id atomic, std::uint64_t initial, value_format format);
std::uint64_t atomic_load(object_id atomic, std::memory_order order, std::source_location where);
void atomic_store(object_id atomic, std::uint64_t value, std::memory_order order, std::source_location where);
// A read-modify-write: `apply` gets the value read and sets the value to write,
// or returns false to write nothing (a compare-exchange that found another value).
struct rmw_function {
    bool (*apply)(const void* context, std::uint64_t read, std::uint64_t& write);
    const void* context;
};
struct rmw_result {
    std::uint64_t read;
    bool wrote;
};
// `weak`: a compare_exchange_weak, which may fail spuriously.
rmw_result atomic_rmw(object_id atomic, op_kind kind, rmw_function f, std::memory_order success,
                      std::memory_order failure, bool weak, std::source_location where);
void atomic_fence(std::memory_order order, std::source_location where);
// C++20 atomic wait: returns once a load reads a value other than `old`, blocking
// between loads until notified; a wait nothing can notify is a deadlock.
void atomic_wait(object_id atomic, std::uint64_t old, std::memory_order order, std::source_location where);
void atomic_notify(object_id atomic, bool all, std::source_location where);
// Happens-before that one effect on the object cannot express (a barrier's
// phases): `effect` applied to the clock `slot` of `object`, right after the step.
void synchronize(object_id object, unsigned slot, sync effect);

// An event loop of lockstep::asyncio, run by a thread. While one of its tasks'
// turns runs, an operation that would block the thread would block every task
// of the loop: a blocks_event_loop failure. A deadlock report lists what each
// of its pending tasks awaits.
class loop_host {
public:
    virtual bool in_turn() const = 0;
    // The task whose turn runs, for a message: "task worker (created at f.cpp:12)".
    virtual std::string running_task() const = 0;
    // Lines, each "  task X awaits Y at f.cpp:20", for the tasks that have not finished.
    virtual std::string pending_tasks() const = 0;

protected:
    ~loop_host() = default;
};
// The calling thread runs `loop` from now on (nullptr: none); the loop it runs.
void host_loop(loop_host* loop);
loop_host* hosted_loop();
// Says what the step just taken did, once a decision within it has said which
// task it ran: the report shows `kind` on `object` at `where` (happens-before
// and the strategies keep the operation the step was scheduled with).
void relabel_step(op_kind kind, object_id object, std::source_location where);

} // namespace lockstep::detail
