#include "execution.hpp"

#include "report.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <limits>
#include <map>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <fmt/format.h>

#include <lockstep/token_error.hpp>

namespace lockstep::detail {
namespace {

thread_local execution* running = nullptr;

char* align_down(char* p, std::size_t align) {
    return reinterpret_cast<char*>(reinterpret_cast<std::uintptr_t>(p) & ~(static_cast<std::uintptr_t>(align) - 1));
}

void run_model(void* model) { (*static_cast<const std::function<void()>*>(model))(); }

std::string describe_current_exception() {
    std::string type = "unknown type";
    if (const std::type_info* info = abi::__cxa_current_exception_type()) {
        int status = 0;
        char* demangled = abi::__cxa_demangle(info->name(), nullptr, nullptr, &status);
        type = status == 0 && demangled ? demangled : info->name();
        std::free(demangled);
    }
    try {
        throw;
    } catch (const std::exception& e) {
        return fmt::format("{}: \"{}\"", type, e.what());
    } catch (...) {
        return type;
    }
}

} // namespace

execution* execution::current() noexcept { return running; }

namespace {
// Every run of the process gets its own number, so handles never repeat.
std::uint64_t next_generation() {
    static std::atomic<std::uint64_t> last{0};
    const std::uint64_t g = last.fetch_add(1, std::memory_order_relaxed) + 1;
    if (g >= (~std::uint64_t{0} >> 20)) {  // 2^44 runs: unreachable, but never alias
        std::fputs("lockstep: the process ran out of run numbers for object handles\n", stderr);
        std::abort();
    }
    return g;
}
} // namespace

execution::crash_facts execution::facts_for_crash() const noexcept {
    const thread_state& t = *threads_[current_];
    return {model_name_.empty() ? "(unnamed)" : model_name_.c_str(), runs_, t.name.c_str(), current_, events_.size(),
            t.pending.location};
}

execution::execution(stack_pool& stacks, std::uint64_t max_steps) : stacks_(stacks), max_steps_(max_steps) {
    describe_os_stack(explorer_);
}

execution::~execution() { release_stacks(); }

void execution::set_spurious_wakeups(bool on) {
    spurious_ = on;
    for (std::size_t t = 0; t < thread_count_; ++t) threads_[t]->spurious_left = on ? 1 : 0;
}

void execution::release_stacks() {
    for (std::size_t i = 0; i < thread_count_; ++i) {
        thread_state& t = *threads_[i];
        if (t.has_stack) stacks_.give_back(t.memory);
        t.has_stack = false;
    }
}

std::string execution::object_label(object_id o) const {
    if (o >= object_count_) return "-";  // a thread that failed before its first operation has none
    const object_info& info = objects_[o];
    if (info.kind == object_kind::thread) return thread_label(info.thread);
    if (!info.name.empty()) return info.name;
    return fmt::format("{}#{}", to_string(info.kind), info.ordinal);
}

std::string execution::thread_label(thread_id t) const {
    const thread_state& th = *threads_[t];
    if (!th.name.empty()) return th.name;
    return t == 0 ? std::string("main") : fmt::format("T{}", t);
}

void execution::stale_object(std::source_location where) {
    fail(failure_kind::misuse,
         "a lockstep object from an earlier run of the model was used (a static, global or leaked lockstep "
         "object?); create lockstep objects inside the model, so that every run has its own",
         where);
}

object_id execution::add_object(object_kind kind, std::string_view name, std::source_location created) {
    if (object_count_ == (object_id{1} << index_bits))
        fail(failure_kind::misuse, fmt::format("the model created more than {} lockstep objects in one run",
                                               object_id{1} << index_bits),
             created);
    if (object_count_ == objects_.size()) objects_.emplace_back();
    object_info& o = objects_[object_count_];
    o.kind = kind;
    static_assert(std::extent_v<decltype(ordinals_)> > static_cast<std::size_t>(object_kind::async_future),
                  "one default-name counter per object kind: the last kind must fit");
    o.ordinal = ++ordinals_[static_cast<std::size_t>(kind)];
    o.name.assign(name);
    o.created = created;
    o.creator = current_;
    o.thread = no_thread;
    o.owner = no_thread;
    o.depth = 0;
    o.contended = 0;
    return static_cast<object_id>(object_count_++);
}

namespace {
std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9;
    return h ^ (h >> 29);
}

bool same_site(std::source_location a, std::source_location b) {
    return a.line() == b.line() && a.column() == b.column() && a.file_name() == b.file_name();
}
} // namespace

std::uint64_t execution::stable_key(object_id o) const {
    if (stable_keys_.size() < object_count_) stable_keys_.resize(object_count_, 0);
    if (stable_keys_[o] != 0) return stable_keys_[o];
    const object_info& info = objects_[o];
    std::uint64_t key = info.creator == no_thread ? 1 : stable_key(threads_[info.creator]->object);
    std::uint64_t nth = 0;  // among the creator's objects of this kind made at this site
    for (object_id p = 0; p < o; ++p)
        if (objects_[p].creator == info.creator && objects_[p].kind == info.kind && same_site(objects_[p].created, info.created))
            ++nth;
    // The file name's address stands for the file: keys never leave this process,
    // and one site's code (so its string) is the same in every execution.
    key = mix(key, static_cast<std::uint64_t>(info.kind));
    key = mix(key, reinterpret_cast<std::uintptr_t>(info.created.file_name()));
    key = mix(mix(mix(key, info.created.line()), info.created.column()), nth);
    return stable_keys_[o] = key == 0 ? 1 : key;
}

thread_id execution::new_thread(std::string_view name, std::source_location created) {
    if (thread_count_ == threads_.size()) threads_.push_back(std::make_unique<thread_state>());
    const auto id = static_cast<thread_id>(thread_count_++);
    if (choices_.size() < thread_count_) choices_.resize(thread_count_);  // a slot for every thread
    thread_state& t = *threads_[id];
    t.name.assign(name);
    t.object = add_object(object_kind::thread, {}, created);
    if (id == 0) objects_[t.object].creator = no_thread;
    objects_[t.object].thread = id;
    t.parent = no_thread;
    t.pending = {};
    t.offered = {id, &t.pending};
    t.ready = {};
    t.phase = thread_phase::not_started;
    t.priming = t.joined = t.made_no_progress = t.blocked = false;
    t.spin.effect();
    t.awaiting = false;
    t.locks_held = 0;
    t.shared_held.clear();
    t.loop = nullptr;
    t.timed_out = false;
    t.deadline = no_deadline;
    t.spurious_left = spurious_ ? 1 : 0;
    t.created = created;
    return id;
}

void execution::run(const std::function<void()>& model, strategy_base& strategy) {
    release_stacks();
    thread_count_ = 0;
    object_count_ = 0;
    generation_ = next_generation();
    ++runs_;
    for (auto& n : ordinals_) n = 0;
    events_.clear();
    step_vars_.clear();
    last_step_ = ~std::size_t{0};
    decisions_.clear();
    observed_.clear();
    failure_.reset();
    redundant_ = false;
    hb_.reset();
    memory_.reset(memory_mode_);
    explicit_syncs_.clear();
    versions_.clear();
    spin_step_open_ = all_spinning_ = false;
    lock_order_.reset();
    stable_keys_.clear();
    now_ = 0;
    spurious_ = spurious_by_default_;
    fairness_.reset();
    strategy_ = &strategy;
    details_ = strategy.needs_details();

    const thread_id main = new_thread({}, std::source_location::current());
    thread_state& m = *threads_[main];
    m.memory = stacks_.take();
    m.has_stack = true;
    m.body = {nullptr, 0, 0, nullptr, &run_model};
    m.body_at = const_cast<std::function<void()>*>(&model);
    m.phase = thread_phase::running;
    start_fiber(m.context, m.memory, align_down(m.memory.top(), 64), &thread_entry);
    current_ = main;

    execution* outer = running;
    running = this;
    const model_allocations_unchecked unchecked;
    heartbeat_.store(++beats_, std::memory_order_relaxed);
    hang_deferrals_ = 0;
    if (sigsetjmp(overflow_landing_, 0) == 0) {
        running_model_.store(true, std::memory_order_relaxed);
        switch_fiber(explorer_, m.context);
    } else {
        // Back from a stack overflow or a hang: the fiber it happened on is abandoned.
        *reinterpret_cast<exception_state*>(abi::__cxa_get_globals()) = explorer_.exceptions;
        // The jump left the handler without restoring the signal mask (saving it at
        // every run would cost a system call): unblock what a handler may have blocked.
        sigset_t handled;
        sigemptyset(&handled);
        sigaddset(&handled, SIGSEGV);
        sigaddset(&handled, SIGALRM);
        pthread_sigmask(SIG_UNBLOCK, &handled, nullptr);
        record_interruption();
    }
    running_model_.store(false, std::memory_order_relaxed);
    running = outer;
    report_end();
    for (std::size_t o = 0; o < object_count_; ++o)
        if (objects_[o].contended > 0) contention_[object_label(static_cast<object_id>(o))] += objects_[o].contended;
}

void execution::thread_entry(boost::context::detail::transfer_t t) {
    fiber_started(t);
    execution& ex = *running;
    thread_state& self = *ex.threads_[ex.current_];
    std::string escaped;
    try {
        self.body.run(self.body_at);
    } catch (...) {
        escaped = describe_current_exception();
    }
    if (!escaped.empty()) {
        const std::source_location where = ex.events_.empty() ? self.created : self.pending.location;
        ex.fail(failure_kind::exception,
                fmt::format("thread {} ended by an uncaught exception {}", ex.thread_label(ex.current_), escaped),
                where);
    }
    ex.exit_thread();
}

void execution::exit_thread() {
    thread_state& self = *threads_[current_];
    schedule({op_kind::exit, self.object, {}, sync::publish}, {});
    self.phase = thread_phase::finished;
    if (self.locks_held > 0) {
        for (std::size_t o = 0; o < object_count_; ++o) {
            const object_info& lock = objects_[o];
            if (lock.owner != current_) continue;
            fail(failure_kind::misuse,
                 fmt::format("thread {} ended while holding {} (locked at {}); any thread waiting for it "
                             "waits forever",
                             thread_label(current_), object_label(static_cast<object_id>(o)),
                             where(lock.owned_since)),
                 lock.owned_since);
        }
    }
    for (const held_lock& h : self.shared_held)
        fail(failure_kind::misuse,
             fmt::format("thread {} ended while holding {} in shared mode (locked at {}); a writer waiting for "
                         "it waits forever",
                         thread_label(current_), object_label(h.lock), where(h.since)),
             h.since);
    const thread_id next = pick_next();
    if (next == no_thread) no_thread_can_move();
    give_control_to(next);
    std::abort();  // a finished thread is never resumed
}

namespace {
// A thread constructed by a container (vector::emplace_back) gets the default
// source_location of the innermost call, inside the standard library; the
// model's own line is on no frame lockstep can read without debug information.
// The report says so, and how to get the line.
std::string library_site_hint(std::source_location site) {
    const std::string_view file = site.file_name();
    if (!file.starts_with("/usr/") && file.find("/include/c++/") == std::string_view::npos) return {};
    return ", inside the standard library: a container constructed it; pass lockstep::thread_name(\"...\") as the "
           "thread's first argument to have the model's line here";
}
} // namespace

// Built in a function of its own, as inversion_message is.
std::string execution::deadlock_message() const {
    std::string message = "deadlock: every thread is blocked";
    for (std::size_t t = 0; t < thread_count_; ++t) {
        const thread_state& th = *threads_[t];
        if (th.loop == nullptr || th.finished()) continue;
        message += fmt::format("\n  the event loop of thread {} has tasks that wait forever:\n{}",
                               thread_label(static_cast<thread_id>(t)), th.loop->pending_tasks());
        while (!message.empty() && message.back() == '\n') message.pop_back();
    }
    return message;
}

void execution::no_thread_can_move() {
    for (std::size_t t = 0; t < thread_count_; ++t)
        if (threads_[t]->running() && threads_[t]->awaiting) {
            std::source_location where{};
            std::string message = spin_livelock_message(where);
            all_spinning_ = true;
            fail(failure_kind::livelock, std::move(message), where);
        }
    for (std::size_t t = 0; t < thread_count_; ++t)
        if (!threads_[t]->finished()) fail(failure_kind::deadlock, deadlock_message(), {});
    for (std::size_t t = 1; t < thread_count_; ++t)
        if (!threads_[t]->joined)
            fail(failure_kind::misuse,
                 fmt::format("thread {} was never joined (created at {}{})", thread_label(static_cast<thread_id>(t)),
                             where(threads_[t]->created),
                             library_site_hint(threads_[t]->created)),
                 threads_[t]->created);
    if (check_lock_order_ && !lock_order_.cycle().empty())
        fail(failure_kind::lock_order_inversion, inversion_message(), lock_order_.cycle().back().to_site);
    // Every thread has finished: the execution is over.
    switch_fiber(threads_[current_]->context, explorer_);
    std::abort();
}

// The loop that ran away: the step most repeated lately, by thread and line.
void execution::livelock() {
    std::string message;
    std::source_location where{};
    {
        const std::size_t window = std::min<std::size_t>(events_.size(), 4096);
        std::map<std::tuple<thread_id, std::string_view, std::uint_least32_t>, std::size_t> repeats;
        const event* top = nullptr;
        std::size_t best = 0;
        for (std::size_t i = events_.size() - window; i < events_.size(); ++i) {
            const event& e = events_[i];
            const std::size_t n = ++repeats[{e.thread, e.op.location.file_name(), e.op.location.line()}];
            if (n > best) best = n, top = &e;
        }
        message = fmt::format("livelock: the execution exceeded max_steps = {} steps without ending", max_steps_);
        if (top != nullptr) {
            where = top->op.location;
            bool others_can_move = false;
            for (thread_id t = 0; t < thread_count_; ++t) {
                const thread_state& th = *threads_[t];
                if (t != top->thread && th.running() && (th.timed_out || satisfied(th.ready)))
                    others_can_move = true;
            }
            message += fmt::format(
                "; thread {} keeps repeating {} at {} ({} of the last {} steps). {} A waiting loop ends when, "
                "while it waits, it only re-reads what it waits for (or calls lockstep::this_thread::yield()) "
                "and another thread can still change it; a loop that is merely long needs a larger max_steps",
                thread_label(top->thread), to_string(top->op.kind), lockstep::detail::where(where), best, window,
                others_can_move ? "Other threads can run, but each of its turns changes something or sees a new "
                                  "value, so the fair scheduler cannot treat it as waiting."
                                : "No other thread can run (each has finished or is blocked), so nothing will "
                                  "change what it waits for.");
        }
    }
    fail(failure_kind::livelock, std::move(message), where);
}

// Built in a function of its own: fail() never returns, so locals of its caller
// would never be destroyed.
std::string execution::inversion_message() const {
    std::vector<edge_text> edges;
    for (const lock_edge& e : lock_order_.cycle())
        edges.push_back({thread_label(e.thread), object_label(e.from), object_label(e.to), e.from_shared, e.to_shared,
                         e.from_site, e.to_site, {}});
    return describe_inversion(edges, 1);
}

void execution::give_control_to(thread_id next) {
    if (next == current_) return;
    thread_state& from = *threads_[current_];
    current_ = next;
    switch_fiber(from.context, threads_[next]->context);
}

thread_id execution::pick_next() {
    thread_state& self = *threads_[current_];
    const bool gave_up = self.made_no_progress;
    const bool fair = fairness_.active() || gave_up;
    // This loop runs at every step, for every thread: members it reads are copied
    // to locals first (the stores would otherwise make the compiler reload them).
    const auto n = static_cast<thread_id>(thread_count_);
    const thread_id from = current_;
    choice* const slots = choices_.data();
    std::size_t count = 0;
    // One instance per kind of strategy: one that reads no details gets only thread and pending
    // written (the other fields keep their defaults), and no test per thread says which.
    const auto scan = [&](auto details) {
        const auto consider = [&](thread_id t) {
            const thread_state& th = *threads_[t];
            if (!th.running()) return;
            if (th.awaiting && !spin_changed(t)) [[unlikely]] return;  // only with options.spin_reduction
            const bool ready = satisfied(th.ready);
            if (!ready && !th.timed_out) return;
            choice& c = slots[count++];
            if constexpr (decltype(details)::value) {
                c = th.offered;
                c.by_time = !ready && c.deadline != no_deadline;  // as offer(t)
            } else {
                c.thread = t;
                c.pending = &th.pending;
            }
        };
        for (;;) {
            // Round-robin from the current thread.
            for (thread_id t = from; t < n; ++t) consider(t);
            for (thread_id t = 0; t < from; ++t) consider(t);
            // Discrete-event time: only when no thread can move does the clock jump
            // to the earliest deadline, and the threads waiting for it may move.
            if (count != 0 || !advance_time()) break;
        }
    };
    if (details_) scan(std::true_type{});
    else scan(std::false_type{});
    offered_ = count;

    if (fair) {
        enabled_.clear();
        for (const choice& c : offered_choices()) enabled_.insert(c.thread);
        fairness_.observe(enabled_, current_, gave_up);
        std::size_t kept = 0;
        for (std::size_t i = 0; i < offered_; ++i)
            if (fairness_.allowed(choices_[i].thread, enabled_)) choices_[kept++] = choices_[i];
        if (kept > 0) offered_ = kept;  // the relation is acyclic; never empty in practice
    }
    if (offered_ == 0) return no_thread;

    self.made_no_progress = false;
    // Only a strategy that reads details reads more than whether the last thread gave up.
    at_.last_gave_up = gave_up;
    if (details_) {
        at_.now = now_;
        at_.last_value = last_value();
        at_.last_vars = step_vars_;
    }
    const std::size_t index = strategy_->pick(offered_choices(), at_);
    step_vars_.clear();
    if (index == strategy_base::abandon) {
        redundant_ = true;
        switch_fiber(self.context, explorer_);
        std::abort();  // an abandoned execution is never resumed
    }
    if (offered_ > 1)
        decisions_.push_back({static_cast<std::uint32_t>(offered_), static_cast<std::uint32_t>(index),
                              decision_shape(offered_choices())});
    const thread_id next = choices_[index].thread;
    if (fair) fairness_.scheduled(next);
    threads_[next]->awaiting = false;
    return next;
}

bool execution::advance_time() {
    std::int64_t earliest = no_deadline;
    for (std::size_t t = 0; t < thread_count_; ++t) {
        const thread_state& th = *threads_[t];
        if (th.running() && !th.timed_out && th.deadline < earliest) earliest = th.deadline;
    }
    if (earliest == no_deadline) return false;
    if (earliest > now_) now_ = earliest;
    for (std::size_t t = 0; t < thread_count_; ++t) {
        thread_state& th = *threads_[t];
        if (th.running() && th.deadline <= now_) th.timed_out = true;
    }
    return true;
}

// Written field by field, the handles resolved on the way: this runs at every
// step, and a copy of a resolved temporary costs more than the resolving.
bool execution::schedule_handles(const operation& op, const wait_condition& ready, std::int64_t deadline) {
    // Resolved first: a stale handle fails here, and the report must not see a half-written step.
    const object_id object = index(op.object, op.location);
    const object_id other = index(op.other, op.location);
    const object_id lock = index(ready.lock, op.location);
    thread_state& self = *threads_[current_];
    operation& p = self.pending;
    p.kind = op.kind;
    p.object = object;
    p.location = op.location;
    p.effect = op.effect;
    p.other = other;
    wait_condition& w = self.ready;
    w.test = ready.test;
    w.context = ready.context;
    w.lock = lock;
    w.holder_ok = ready.holder_ok;
    return schedule_pending(deadline);
}

bool execution::schedule(const operation& op, const wait_condition& ready, std::int64_t deadline) {
    thread_state& self = *threads_[current_];
    self.pending = op;
    self.ready = ready;
    return schedule_pending(deadline);
}

namespace {
bool counts_contention(op_kind k) {
    return k == op_kind::lock || k == op_kind::lock_shared || k == op_kind::try_lock_for ||
           k == op_kind::try_lock_shared_for;
}
} // namespace

// The thread's `pending` and `ready` are written (objects as indices).
bool execution::schedule_pending(std::int64_t deadline) {
    // Reaching the scheduling point is progress, before any switch to another
    // thread: a hang signal arriving during the switch must not blame that one.
    heartbeat_.store(++beats_, std::memory_order_relaxed);
    thread_state& self = *threads_[current_];
    const operation& op = self.pending;
    if (spin_reduction_) settle_spin_step({op.location, op.object});
    self.deadline = deadline;
    self.timed_out = deadline <= now_;
    if (details_) describe_pending(current_);  // otherwise `offered` stays {thread, &pending}, all it needs
    if (counts_contention(op.kind) && !satisfied(self.ready)) ++objects_[op.object].contended;
    if (self.priming) {
        self.priming = false;
        current_ = self.parent;
        switch_fiber(self.context, threads_[self.parent]->context);
    } else {
        if (events_.size() >= max_steps_) livelock();
        const thread_id next = pick_next();
        if (next == no_thread) no_thread_can_move();
        give_control_to(next);
    }
    // Running again: woken when the condition holds, else the deadline passed. The
    // condition may refer to temporaries that are about to go away, so it must
    // not be evaluated again until the thread's next scheduling point.
    const bool woken = satisfied(self.ready);
    self.ready = {};
    last_step_ = events_.size();
    events_.push_back({current_, op, 0, false});
    spin_step_open_ = spin_reduction_;
    if (hb_.active()) track(events_.size() - 1);
    return woken;
}

void execution::relabel_step(op_kind kind, object_id object, std::source_location where) {
    if (last_step_ >= events_.size()) return;
    operation& op = events_[last_step_].op;
    // The object it was scheduled on stays as the step's second object: happens-before follows it.
    if (op.other == no_object) op.other = op.object;
    op.kind = kind;
    op.object = object;
    op.location = where;
}

namespace {
// Built in a function of its own: fail() never returns, so locals of its caller would never be destroyed.
std::string blocking_message(const execution& ex, const loop_host& loop, const operation& op) {
    const std::string what = op.kind == op_kind::sleep
                                 ? std::string("sleeps (this_thread::sleep_for)")
                                 : fmt::format("would block: {} {}", to_string(op.kind), ex.object_label(op.object));
    return fmt::format("{} blocks the event loop of thread {}: it {} at {}, and while it waits no other task of the "
                       "loop can run; await a lockstep::asyncio primitive instead",
                       loop.running_task(), ex.thread_label(ex.self()), what, where(op.location));
}
} // namespace

void execution::check_turn_on_loop(const operation& op, const wait_condition& ready, std::int64_t deadline) {
    const loop_host* loop = threads_[current_]->loop;
    if (!loop->in_turn() || deadline <= now_) return;
    wait_condition resolved_ready = ready;  // resolved here so that a stale lock is reported at op's line
    resolved_ready.lock = index(ready.lock, op.location);
    if (satisfied(resolved_ready)) return;
    operation resolved = op;
    resolved.object = index(op.object, op.location);
    fail(failure_kind::blocks_event_loop, blocking_message(*this, *loop, resolved), op.location);
}

void execution::annotate(std::int64_t value) {
    if (last_step_ >= events_.size()) return;
    events_[last_step_].value = value;
    events_[last_step_].has_value = true;
}

std::optional<std::int64_t> execution::last_value() const {
    if (last_step_ >= events_.size() || !events_[last_step_].has_value) return std::nullopt;
    return events_[last_step_].value;
}

// Most of a choice is known when the thread reaches its scheduling point
// (describe_pending); only whether time alone lets it move is not.
choice execution::offer(thread_id t) const {
    const thread_state& th = *threads_[t];
    choice c = th.offered;
    c.by_time = c.deadline != no_deadline && th.timed_out && !satisfied(th.ready);
    return c;
}

void execution::describe_pending(thread_id t) {
    thread_state& th = *threads_[t];
    const operation& op = th.pending;
    choice& c = th.offered;
    c = {t, &th.pending};
    if (op.object != no_object && op.object < object_count_) {
        c.target = objects_[op.object].kind;
        if (op.kind == op_kind::spawn) c.spawns = objects_[op.object].thread;
    }
    c.deadline = th.deadline;
    c.ends_wait = spin_reduction_ && op.kind == op_kind::yield && th.spin.has_reads();
}

void execution::report_end() {
    execution_end end;
    end.abandoned = redundant_;
    // Every thread waiting for what it spins on is, to the strategies, every thread blocked: a deadlock.
    end.failed = failure_.has_value() && failure_->kind != failure_kind::deadlock && !all_spinning_;
    end.failing = end.failed ? failure_->thread : no_thread;
    end.last_gave_up = thread_count_ > 0 && threads_[current_]->made_no_progress;
    if (details_) {
        end.last_value = last_value();
        end.last_vars = step_vars_;
        offered_ = 0;
        for (thread_id t = 0; t < thread_count_; ++t) {
            const thread_state& th = *threads_[t];
            if (th.running() && !th.priming && th.pending.object != no_object)
                choices_[offered_++] = offer(t);
        }
        end.unfinished = offered_choices();
    }
    strategy_->ended(end);
}

void execution::fail(failure_kind kind, std::string message, std::source_location where) {
    {
        // The execution is abandoned from here: nothing on this frame is ever destroyed.
        std::string owned = std::move(message);
        // A task relocking a mutex its thread holds (another task of the loop took it) blocks the loop.
        const loop_host* loop = threads_[current_]->loop;
        if (kind == failure_kind::self_deadlock && loop != nullptr && loop->in_turn()) {
            kind = failure_kind::blocks_event_loop;
            owned = fmt::format("{} blocks the event loop of thread {}: {}. A task of this loop holds that mutex "
                                "(across an await, or this task itself), so the thread, and every task of the "
                                "loop, would wait forever; use lockstep::asyncio::lock in tasks",
                                loop->running_task(), thread_label(current_),
                                owned.substr(0, owned.find("; a non-recursive mutex")));
        }
        if (!failure_) failure_ = failure_record{kind, std::move(owned), where, current_, events_.size()};
    }
    // Wait conditions can only be evaluated while this execution runs: keep them for the report.
    for (std::size_t t = 0; t < thread_count_; ++t) {
        thread_state& th = *threads_[t];
        th.blocked = th.running() && !th.timed_out && !satisfied(th.ready);
    }
    switch_fiber(threads_[current_]->context, explorer_);
    std::abort();  // a failed execution is abandoned, never resumed
}

void execution::acquired(object_id lock, std::source_location where) {
    object_info& o = objects_[lock];
    if (o.owner == current_) {
        ++o.depth;
        return;
    }
    order_acquisition(lock, where, false);
    o.owner = current_;
    o.depth = 1;
    o.owned_since = where;
    o.owned_step = events_.size();  // the lock step was just logged: its 1-based number
    ++threads_[current_]->locks_held;
}

void execution::released(object_id lock) {
    object_info& o = objects_[lock];
    if (--o.depth > 0) return;
    o.owner = no_thread;
    --threads_[current_]->locks_held;
}

void execution::acquired_shared(object_id lock, std::source_location where) {
    order_acquisition(lock, where, true);
    threads_[current_]->shared_held.push_back({lock, where, true});
}

void execution::released_shared(object_id lock) {
    auto& held = threads_[current_]->shared_held;
    const auto it = std::find_if(held.begin(), held.end(), [lock](const held_lock& h) { return h.lock == lock; });
    if (it != held.end()) held.erase(it);
}

// Only blocking acquisitions can deadlock: a try_lock (timed or not) adds no order.
void execution::order_acquisition(object_id lock, std::source_location where, bool shared) {
    const thread_state& self = *threads_[current_];
    if (!check_lock_order_ || (self.locks_held == 0 && self.shared_held.empty())) return;
    const op_kind blocking = shared ? op_kind::lock_shared : op_kind::lock;
    if (events_.empty() || events_.back().op.kind != blocking) return;
    held_.clear();
    for (object_id h = 0; h < object_count_; ++h)
        if (objects_[h].owner == current_) held_.push_back({h, objects_[h].owned_since, false});
    held_.insert(held_.end(), self.shared_held.begin(), self.shared_held.end());
    std::sort(held_.begin(), held_.end(), [](const held_lock& a, const held_lock& b) { return a.lock < b.lock; });
    lock_order_.on_acquire(current_, lock, shared, where, held_, events_.size());
}

thread_id execution::spawn(const thread_body& body, std::string_view name, std::source_location where) {
    const thread_id id = new_thread(name, where);
    schedule({op_kind::spawn, threads_[id]->object, where, sync::publish}, {});
    thread_state& child = *threads_[id];
    child.memory = stacks_.take();
    child.has_stack = true;
    char* at = align_down(child.memory.top() - body.size, body.align < 16 ? 16 : body.align);
    if (at - child.memory.usable_bottom() < 4096)
        fail(failure_kind::misuse, "a thread's callable and arguments do not fit on its stack; raise options.stack_size",
             where);
    body.relocate(body.source, at);
    child.body = body;
    child.body_at = at;
    child.parent = current_;
    child.phase = thread_phase::running;
    child.priming = true;
    start_fiber(child.context, child.memory, align_down(at, 64), &thread_entry);
    // Run the child up to its first visible operation, so its pending operation is known.
    thread_state& self = *threads_[current_];
    current_ = id;
    switch_fiber(self.context, child.context);
    return id;
}

namespace {
// A decision offers at most 2^32 - 1 options: tokens and dpor keep 32 bits.
constexpr std::size_t max_options = std::numeric_limits<std::uint32_t>::max();
} // namespace

std::size_t execution::choose(std::size_t n, std::source_location where) {
    if (n == 0) fail(failure_kind::misuse, "choose(0): there is no value to choose from", where);
    if (n > max_options)
        fail(failure_kind::misuse,
             fmt::format("choose({}): lockstep explores at most {} values in one choice; choose a smaller range, or "
                         "choose in two steps (the high part, then the low part)",
                         n, max_options),
             where);
    // A choice is a step: a loop of choices without other steps still meets max_steps.
    if (events_.size() >= max_steps_) livelock();
    if (spin_reduction_) {
        // What the thread does next depends on the value: no turn of a wait loop spans it.
        settle_spin_step({where, no_object});
        threads_[current_]->spin.effect();
    }
    std::size_t value = 0;
    if (n > 1) {
        value = strategy_->choose(n);
        decisions_.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(value), decision_shape(n)});
    }
    events_.push_back({current_, {op_kind::choose, threads_[current_]->object, where, sync::none},
                       static_cast<std::int64_t>(value), true});
    heartbeat_.store(++beats_, std::memory_order_relaxed);
    return value;
}

std::size_t execution::decide(std::size_t n) {
    if (n <= 1) return 0;
    if (n > max_options) internal_error(fmt::format("a primitive asked to decide among {} options", n));
    const std::size_t value = strategy_->choose(n);
    decisions_.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(value), decision_shape(n)});
    return value;
}

namespace {
std::string_view verb(var_op op) {
    switch (op) {
    case var_op::read: return "reads";
    case var_op::write: return "writes";
    case var_op::construct: return "constructs";
    case var_op::destroy: return "destroys";
    }
    return "touches";
}
} // namespace

void execution::access_var(object_id var, var_op op, std::source_location where) {
    const bool write = op != var_op::read;
    events_.push_back({current_, {write ? op_kind::write : op_kind::read, var, where}, 0, false});
    if (!step_vars_.empty() && step_vars_.back().var == var) step_vars_.back().write |= write;
    else step_vars_.push_back({var, write});
    if (spin_reduction_) {
        settle_spin_step({where, var});
        if (write) {
            changed(var);
            threads_[current_]->spin.effect();
        } else {
            threads_[current_]->spin.step({where, var}, {var, false, version(var)});
        }
    }
    heartbeat_.store(++beats_, std::memory_order_relaxed);
    if (!detect_races_) return;
    if (!hb_.active()) start_clocks();
    if (auto other = hb_.on_access(var, {current_, write, op, where, events_.size(), 0})) {
        fail(failure_kind::data_race,
             fmt::format("data race on {}: {} {} it at {} (step {}), and {} {} it at {} (step {}); neither "
                         "happens before the other",
                         object_label(var), thread_label(other->thread), verb(other->op),
                         lockstep::detail::where(other->where), other->step, thread_label(current_), verb(op),
                         lockstep::detail::where(where), events_.size()),
             where);
    }
}

// Tracking starts at the first var access or weak atomic: catch up on the steps so far.
void execution::start_clocks() {
    hb_.activate();
    for (std::size_t i = 0; i < events_.size(); ++i) track(i);
}

void execution::track(std::size_t i) {
    const event& e = events_[i];
    if (e.op.kind == op_kind::read || e.op.kind == op_kind::write) return;
    hb_.on_event(e, e.op.kind == op_kind::spawn ? objects_[e.op.object].thread : no_thread);
    if (e.access != memory::none) memory_.apply(e.access);
    // The synchronizations the step's primitive made itself, logged after it.
    auto it = std::lower_bound(explicit_syncs_.begin(), explicit_syncs_.end(), i + 1,
                               [](const explicit_sync& s, std::size_t after) { return s.after_events < after; });
    for (; it != explicit_syncs_.end() && it->after_events == i + 1; ++it)
        hb_.sync_slot(it->thread, it->object, it->slot, it->effect);
}

void execution::synchronize(object_id object, unsigned slot, sync effect) {
    if (hb_.active()) hb_.sync_slot(current_, object, slot, effect);
    else explicit_syncs_.push_back({events_.size(), current_, object, slot, effect});
}

// (decide and decide_store are called by a primitive within a step, a bounded
// number of times: max_steps bounds them through the steps.)
std::size_t execution::decide_store(std::size_t n) {
    if (n <= 1) return 0;
    if (n > max_options) internal_error(fmt::format("an atomic access offered {} stores to read", n));
    const std::size_t value = strategy_->choose_store(n);
    decisions_.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(value), decision_shape(n)});
    return value;
}

void execution::internal_error(std::string_view what) {
    fail(failure_kind::misuse, fmt::format("lockstep internal error: {}; please report it with the model", what),
         threads_[current_]->pending.location);
}

std::uint64_t execution::atomic_load(object_id o, memory::order ord, std::source_location where) {
    schedule({op_kind::load, o, where, sync::none}, {});
    return memory_.load(o, ord, where);
}

void execution::atomic_store(object_id o, std::uint64_t value, memory::order ord, std::source_location where) {
    schedule({op_kind::store, o, where, sync::none}, {});
    memory_.store(o, value, ord, where);
}

rmw_result execution::atomic_rmw(object_id o, op_kind kind, rmw_function f, memory::order success,
                                 memory::order failure, bool weak, std::source_location where) {
    schedule({kind, o, where, sync::none}, {});
    return memory_.rmw(o, f, success, failure, weak, where);
}

void execution::atomic_fence(memory::order ord, std::source_location where) {
    schedule({op_kind::fence, no_object, where, sync::none}, {});
    memory_.fence(ord, where);
}

void execution::observe(std::string_view name, std::string value) {
    observed_.emplace_back(std::string(name), std::move(value));
}

bool execution::in_guard_page(const void* address) const {
    if (!running_model()) return false;
    const thread_state& t = *threads_[current_];
    return t.has_stack && t.memory.in_guard(address);
}

void execution::record_interruption() {
    const interruption why = interruption_;
    interruption_ = interruption::none;
    if (failure_ || why == interruption::none) return;
    const thread_state& t = *threads_[current_];
    if (why == interruption::stack_overflow) {
        failure_ = failure_record{
            failure_kind::stack_overflow,
            fmt::format("thread {} overflowed its stack of {} KiB (deep recursion or a large local); raise "
                        "options.stack_size if the model needs more",
                        thread_label(current_), stacks_.usable_size() / 1024),
            t.pending.location, current_, events_.size()};
        return;
    }
    // Before its first step a thread has no step of its own: its spawn names it.
    const bool stepped = t.pending.location.line() != 0;
    const std::source_location at = stepped || current_ == 0 ? t.pending.location : t.created;
    const std::string since = !stepped ? fmt::format("it started{}", at.line() != 0 ? " (spawned at " + where(at) + ")" : "")
                                       : fmt::format("its last step at {}", where(at));
    failure_ = failure_record{
        failure_kind::hang,
        fmt::format("thread {} ran for {} ms since {} without reaching another lockstep operation: an infinite "
                    "loop outside lockstep, or a wait on something lockstep does not control (a std::mutex, a "
                    "real thread, I/O); options.step_time_limit sets the limit",
                    thread_label(current_), step_time_limit_.count(), since),
        at, current_, events_.size()};
}

// ---- options.spin_reduction (spin_wait.hpp) ----

void execution::changed(object_id o) {
    if (o == no_object) return;
    if (versions_.size() <= o) versions_.resize(o + 1, 0);
    ++versions_[o];
}

// Runs once the step taken last has run, at what its thread does next (an
// operation, a var access or a choice, at `next`): a read joins its thread's
// turn, anything else that changed nothing (a failed try-operation) too, and
// any other step is an effect.
void execution::settle_spin_step(const site& next) {
    if (!spin_step_open_) return;
    spin_step_open_ = false;
    const event& e = events_[last_step_];
    thread_state& th = *threads_[e.thread];
    const operation& op = e.op;
    const bool stuck = th.made_no_progress;
    bool futile = false;
    if (op.kind == op_kind::yield || op.kind == op_kind::sleep) {
        // After reads, it ends a turn when the thread goes back to an operation it took since
        // its last effect: the top of its loop.
        th.spin.step({op.location, op.object}, {});
        futile = stuck && th.spin.visited(next) && th.spin.await(next, false);
    } else if (op.object != no_object && objects_[op.object].kind == object_kind::atomic && reads_location(op.kind) &&
               e.access != memory::none && !memory_.writes(e.access) &&
               (op.kind == op_kind::load || memory_.repeated(e.access))) {
        // A load, or a read-modify-write that wrote nothing and read what its thread read there
        // before (a failed compare-exchange that found a new value hands it to the loop's next
        // turn, in `expected`: an effect): futile when it re-read, at an operation taken
        // before, what it read there (the memory model's "no progress").
        const site at{op.location, op.object};
        const bool again = th.spin.step(at, {op.object, true, 0});
        futile = stuck && again && th.spin.await(at, true);
    } else if (stuck && op.object != no_object && objects_[op.object].kind != object_kind::atomic) {
        // A failed try-operation (try_lock, try_acquire, a queue's try_get...) read its object.
        const site at{op.location, op.object};
        const bool again = th.spin.step(at, {op.object, false, version(op.object)});
        futile = again && th.spin.await(at, true);
    } else {
        for (object_id o : {op.object, op.other})
            if (o != no_object && objects_[o].kind != object_kind::atomic) changed(o);
        th.spin.effect();
        th.awaiting = false;
        return;
    }
    if (!futile) return;
    th.awaiting = true;
    // Not a yield to the fair scheduler, nor to dpor: the thread waits instead.
    th.made_no_progress = false;
}

bool execution::spin_changed(thread_id t) const {
    for (const spin_read& r : threads_[t]->spin.awaited())
        if (r.atomic ? memory_.newer_than_seen(t, r.object) : version(r.object) != r.version) return true;
    return false;
}

std::string execution::spin_livelock_message(std::source_location& where) const {
    std::string message = "livelock: every thread that has not finished waits, and nothing can change what the "
                          "spinning ones wait for (options.spin_reduction: each ended a turn of its wait loop "
                          "that only read):";
    for (std::size_t t = 0; t < thread_count_; ++t) {
        const thread_state& th = *threads_[t];
        if (!th.running()) continue;
        const auto id = static_cast<thread_id>(t);
        if (!th.awaiting) {
            message += fmt::format("\n  thread {} is blocked: {} {} at {}", thread_label(id), to_string(th.pending.kind),
                                   th.pending.object == no_object ? std::string("-") : object_label(th.pending.object),
                                   lockstep::detail::where(th.pending.location));
            continue;
        }
        std::string awaited;
        for (const spin_read& r : th.spin.awaited())
            awaited += fmt::format("{}{}", awaited.empty() ? "" : ", ", object_label(r.object));
        message += fmt::format("\n  thread {} spins at {}, waiting for a write to {}", thread_label(id),
                               lockstep::detail::where(th.pending.location), awaited);
        if (where.line() == 0) where = th.pending.location;
    }
    message += "\n  Without the reduction this is a loop that never ends (a livelock at max_steps); if the loop "
               "can end otherwise (it counts its turns, gives up, or has another effect), turn "
               "options.spin_reduction off for this model.";
    return message;
}

// ---- the runtime interface used by primitives ----

namespace {
execution& active(const char* what) {
    execution* ex = running;
    if (ex == nullptr)
        throw usage_error(fmt::format("lockstep: {} used outside a model run by lockstep::explore or lockstep::replay",
                                      what));
    return *ex;
}
} // namespace

bool in_model() noexcept { return running != nullptr; }
thread_id self() { return active("a primitive").self(); }
object_id add_object(object_kind kind, std::string_view name, std::source_location created) {
    execution& ex = active("a lockstep object");
    return ex.handle(ex.add_object(kind, name, created));
}
std::string object_label(object_id id) {
    execution& ex = active("object_label");
    return ex.object_label(ex.index(id));
}
std::string thread_label(thread_id t) { return active("thread_label").thread_label(t); }
std::source_location locked_at(object_id lock) {
    execution& ex = active("a lock");
    return ex.object(ex.index(lock)).owned_since;
}
void schedule(const operation& op, const wait_condition& ready) {
    execution& ex = active("a primitive");
    ex.check_turn(op, ready, no_deadline);
    ex.schedule_handles(op, ready, no_deadline);
}
bool schedule_until(const operation& op, const wait_condition& ready, std::int64_t deadline) {
    execution& ex = active("a timed primitive");
    ex.check_turn(op, ready, deadline);
    return ex.schedule_handles(op, ready, deadline);
}
std::int64_t now() { return active("lockstep::clock").now(); }
void set_spurious_wakeups(bool on) { active("lockstep::spurious_wakeups").set_spurious_wakeups(on); }
lockstep::task_order default_task_order() { return active("an event loop").task_order(); }
bool spurious_wakeup_available() { return active("a condition variable").spurious_wakeup_available(); }
void spurious_wakeup_taken() { active("a condition variable").spurious_wakeup_taken(); }
void annotate(std::int64_t value) { active("a primitive").annotate(value); }
void no_progress() { active("a primitive").no_progress(); }
void fail(failure_kind kind, std::string message, std::source_location where) {
    active("a primitive").fail(kind, std::move(message), where);
}
thread_id owner(object_id lock, std::source_location where) {
    execution& ex = active("a lock");
    return ex.owner(ex.index(lock, where));
}
std::uint32_t depth(object_id lock) {
    execution& ex = active("a lock");
    return ex.depth(ex.index(lock));
}
void acquired(object_id lock, std::source_location where) {
    execution& ex = active("a lock");
    ex.acquired(ex.index(lock, where), where);
}
void released(object_id lock) {
    execution& ex = active("a lock");
    ex.released(ex.index(lock));
}
void acquired_shared(object_id lock, std::source_location where) {
    execution& ex = active("a lock");
    ex.acquired_shared(ex.index(lock, where), where);
}
void released_shared(object_id lock) {
    execution& ex = active("a lock");
    ex.released_shared(ex.index(lock));
}
std::uint64_t lock_rank(object_id lock) {
    execution& ex = active("a lock");
    return ex.stable_key(ex.index(lock));
}
thread_id spawn(const thread_body& body, std::string_view name, std::source_location where) {
    return active("lockstep::thread").spawn(body, name, where);
}
bool finished(thread_id t) { return active("lockstep::thread").finished(t); }
void joined(thread_id t) { active("lockstep::thread").joined(t); }
object_id thread_object(thread_id t) {
    execution& ex = active("lockstep::thread");
    return ex.handle(ex.thread_object(t));
}
std::size_t decide(std::size_t n) { return active("a primitive").decide(n); }
std::size_t choose(std::size_t n, std::source_location where) { return active("lockstep::choose").choose(n, where); }
void synchronize(object_id object, unsigned slot, sync effect) {
    execution& ex = active("a primitive");
    ex.synchronize(ex.index(object), slot, effect);
}
void access_var(object_id var, var_op op, std::source_location where) {
    if (op == var_op::destroy && running == nullptr) return;  // a var outliving its model
    execution& ex = active("lockstep::var");
    ex.access_var(ex.index(var, where), op, where);
}
void observe(std::string_view name, std::string value) { active("lockstep::observe").observe(name, std::move(value)); }
void host_loop(loop_host* loop) { active("lockstep::asyncio::event_loop").host_loop(loop); }
loop_host* hosted_loop() { return active("lockstep::asyncio").hosted_loop(); }
void relabel_step(op_kind kind, object_id object, std::source_location where) {
    execution& ex = active("lockstep::asyncio::event_loop");
    ex.relabel_step(kind, ex.index(object, where), where);
}

namespace {
// C++ gives consume the semantics of acquire.
memory::order to_order(std::memory_order o) {
    switch (o) {
    case std::memory_order_relaxed: return memory::order::relaxed;
    case std::memory_order_consume:
    case std::memory_order_acquire: return memory::order::acquire;
    case std::memory_order_release: return memory::order::release;
    case std::memory_order_acq_rel: return memory::order::acq_rel;
    case std::memory_order_seq_cst: return memory::order::seq_cst;
    }
    return memory::order::seq_cst;
}

std::string_view order_name(std::memory_order o) {
    switch (o) {
    case std::memory_order_relaxed: return "memory_order_relaxed";
    case std::memory_order_consume: return "memory_order_consume";
    case std::memory_order_acquire: return "memory_order_acquire";
    case std::memory_order_release: return "memory_order_release";
    case std::memory_order_acq_rel: return "memory_order_acq_rel";
    case std::memory_order_seq_cst: return "memory_order_seq_cst";
    }
    return "an invalid memory_order";
}

// Orders the standard does not allow for an operation are undefined behaviour: misuse.
void check_order(execution& ex, bool allowed, std::string_view operation, std::memory_order o,
                 std::source_location where) {
    if (!allowed)
        ex.fail(failure_kind::misuse,
                fmt::format("{} with {}: the standard does not allow that order for it (undefined behaviour)",
                            operation, order_name(o)),
                where);
}

bool loadable(std::memory_order o) { return o != std::memory_order_release && o != std::memory_order_acq_rel; }
bool storable(std::memory_order o) {
    return o == std::memory_order_relaxed || o == std::memory_order_release || o == std::memory_order_seq_cst;
}
} // namespace

void atomic_created(object_id atomic, std::uint64_t initial, value_format format) {
    execution& ex = active("lockstep::atomic");
    ex.memory().created(ex.index(atomic), initial, format);
}
std::uint64_t atomic_load(object_id atomic, std::memory_order order, std::source_location where) {
    execution& ex = active("lockstep::atomic");
    check_order(ex, loadable(order), "an atomic load", order, where);
    return ex.atomic_load(ex.index(atomic, where), to_order(order), where);
}
void atomic_store(object_id atomic, std::uint64_t value, std::memory_order order, std::source_location where) {
    execution& ex = active("lockstep::atomic");
    check_order(ex, storable(order), "an atomic store", order, where);
    ex.atomic_store(ex.index(atomic, where), value, to_order(order), where);
}
rmw_result atomic_rmw(object_id atomic, op_kind kind, rmw_function f, std::memory_order success,
                      std::memory_order failure, bool weak, std::source_location where) {
    execution& ex = active("lockstep::atomic");
    check_order(ex, loadable(failure), "the failure order of a compare-exchange", failure, where);
    return ex.atomic_rmw(ex.index(atomic, where), kind, f, to_order(success), to_order(failure), weak, where);
}
void atomic_wait(object_id atomic, std::uint64_t old, std::memory_order order, std::source_location where) {
    execution& ex = active("lockstep::atomic::wait");
    check_order(ex, loadable(order), "an atomic wait", order, where);
    const object_id o = ex.index(atomic, where);
    while (ex.atomic_load(o, to_order(order), where) == old) ex.memory().block(o, where);
}
void atomic_notify(object_id atomic, bool all, std::source_location where) {
    execution& ex = active("lockstep::atomic::notify");
    ex.memory().notify(ex.index(atomic, where), all, where);
}
void atomic_fence(std::memory_order order, std::source_location where) {
    execution& ex = active("lockstep::atomic_thread_fence");
    if (order == std::memory_order_relaxed) return;  // no effect
    ex.atomic_fence(to_order(order), where);
}

void assertion_failed(const char* expression, std::string_view message, std::source_location where) {
    execution& ex = active("LOCKSTEP_ASSERT");
    ex.fail(failure_kind::assertion,
            message.empty() ? fmt::format("assertion failed: {}", expression)
                            : fmt::format("assertion failed: {} ({})", expression, message),
            where);
}

} // namespace lockstep::detail
