#include "report.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace lockstep::detail {
namespace {

bool is_lock(object_kind k) {
    return k == object_kind::mutex || k == object_kind::recursive_mutex || k == object_kind::timed_mutex ||
           k == object_kind::recursive_timed_mutex || k == object_kind::shared_mutex;
}

// Logical time for people: "t=1.5s", "t=100ms".
std::string logical_time(std::int64_t ns) {
    if (ns == 0) return "t=0";
    if (ns % 1'000'000'000 == 0) return fmt::format("t={}s", ns / 1'000'000'000);
    if (ns % 1'000'000 == 0) return fmt::format("t={}ms", ns / 1'000'000);
    if (ns % 1'000 == 0) return fmt::format("t={}us", ns / 1'000);
    return fmt::format("t={}ns", ns);
}

std::string describe_op(const execution& ex, const event& e) {
    std::string text(to_string(e.op.kind));
    // Atomics: the order, the value, and which store it read.
    if (e.access != memory::none && e.access < ex.memory().accesses())
        return text + " " + ex.memory().describe(e.access);
    if (!e.has_value) return text;
    switch (e.op.kind) {
    case op_kind::try_lock:
    case op_kind::try_lock_shared:
    case op_kind::try_acquire: return text + (e.value ? " -> acquired" : " -> failed");
    case op_kind::try_lock_for:
    case op_kind::try_acquire_for: return text + (e.value ? " -> acquired" : " -> timed out");
    case op_kind::put_for:
    case op_kind::get_for: return text + (e.value ? " -> succeeded" : " -> timed out");
    case op_kind::try_put:
    case op_kind::try_get: return text + (e.value ? " -> succeeded" : " -> failed");
    case op_kind::is_set: return text + (e.value ? " -> true" : " -> false");
    case op_kind::woken: return e.value ? std::string("woken by set") : std::string("wait timed out");
    case op_kind::try_release: return text + (e.value ? " -> released" : " -> at its bound, not released");
    case op_kind::sleep: return fmt::format("sleep until {}", logical_time(e.value));
    case op_kind::wake:
        return e.value == 1 ? std::string("notified, relock")
               : e.value == 2 ? std::string("spurious wake-up, relock")
               : e.value == 3 ? std::string("stop requested, relock")
                              : std::string("wait timed out");
    case op_kind::compare_exchange: return text + (e.value ? " -> succeeded" : " -> failed");
    default: return fmt::format("{} -> {}", text, e.value);
    }
}

bool same_step(const event& a, const event& b) {
    return a.thread == b.thread && a.op.kind == b.op.kind && a.op.object == b.op.object &&
           a.op.location.line() == b.op.location.line() && a.value == b.value;
}

// The shortest period p such that the last 3p steps repeat with period p.
std::size_t repeating_period(std::span<const event> ev) {
    for (std::size_t p = 1; p <= 256 && 3 * p <= ev.size(); ++p) {
        bool periodic = true;
        for (std::size_t i = ev.size() - 2 * p; i < ev.size() && periodic; ++i) periodic = same_step(ev[i], ev[i - p]);
        if (periodic) return p;
    }
    return 0;
}

trace_step describe_step(const execution& ex, std::size_t index) {
    const event& e = ex.events()[index];
    const bool atomic = e.access != memory::none && e.access < ex.memory().accesses();
    return {index + 1, ex.thread_label(e.thread), describe_op(ex, e), ex.object_label(e.op.object), where(e.op.location),
            atomic ? ex.memory().values(e.access) : std::string()};
}

class trace_table {
public:
    explicit trace_table(const execution& ex) : ex_(ex) {}
    void add(std::size_t index) {
        trace_step s = describe_step(ex_, index);
        rows_.push_back({fmt::format("{}", s.number), std::move(s.thread), std::move(s.operation),
                         std::move(s.object), std::move(s.location)});
    }
    void gap(std::string text) { rows_.push_back({"", "", "", "", std::move(text)}); }
    std::string render() const {
        std::size_t w[4] = {4, 6, 9, 6};
        for (const auto& r : rows_)
            for (int i = 0; i < 4; ++i) w[i] = std::max(w[i], r[i].size());
        std::string out = fmt::format("  {:>{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", "step", w[0], "thread", w[1],
                                      "operation", w[2], "object", w[3], "location");
        for (const auto& r : rows_) {
            if (r[0].empty()) {
                out += fmt::format("  {}\n", r[4]);
                continue;
            }
            std::string line = fmt::format("  {:>{}}  {:<{}}  {:<{}}  {:<{}}  {}", r[0], w[0], r[1], w[1], r[2], w[2],
                                           r[3], w[3], r[4]);
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += line + "\n";
        }
        return out;
    }

private:
    const execution& ex_;
    std::vector<std::array<std::string, 5>> rows_;
};

// The first `count` steps of the execution.
std::string interleaving(const execution& ex, std::size_t count) {
    const auto events = ex.events().first(std::min(count, ex.events().size()));
    trace_table table(ex);
    std::string heading = fmt::format("interleaving ({} steps):\n", events.size());
    constexpr std::size_t head = 20;
    if (events.size() <= 3 * head) {
        for (std::size_t i = 0; i < events.size(); ++i) table.add(i);
        return heading + table.render();
    }
    for (std::size_t i = 0; i < head; ++i) table.add(i);
    const std::size_t period = repeating_period(events);
    const std::size_t tail = period > 0 ? std::min<std::size_t>(2 * period, events.size() - head) : head;
    table.gap(fmt::format("... {} steps not shown ...", events.size() - head - tail));
    if (period > 0) table.gap(fmt::format("the last steps repeat a cycle of {} steps:", period));
    for (std::size_t i = events.size() - tail; i < events.size(); ++i) table.add(i);
    return heading + table.render();
}

std::string held_by(const execution& ex, thread_id t) {
    std::vector<std::string> held;
    for (object_id o = 0; o < ex.object_count(); ++o) {
        const object_info& info = ex.object(o);
        if (info.owner == t)
            held.push_back(fmt::format("{} (locked at step {}, {})", ex.object_label(o), info.owned_step,
                                       where(info.owned_since)));
    }
    if (held.empty()) return "holds nothing";
    return "holds " + fmt::format("{}", fmt::join(held, ", "));
}

// Who must act before blocked thread t can move: the holder of the lock, the joined thread.
thread_id waits_for(const execution& ex, thread_id t) {
    const thread_state& th = ex.thread(t);
    if (!th.blocked) return no_thread;
    const object_info& o = ex.object(th.pending.object);
    if (o.kind == object_kind::thread) return o.thread;
    if (is_lock(o.kind)) return o.owner;
    return no_thread;
}

std::string blocked_on(const execution& ex, thread_id t) {
    const thread_state& th = ex.thread(t);
    const std::string obj = ex.object_label(th.pending.object);
    const std::string at = where(th.pending.location);
    switch (th.pending.kind) {
    case op_kind::join: return fmt::format("waits to join {} at {}", obj, at);
    case op_kind::lock:
    case op_kind::wake: {
        const thread_id holder = ex.object(th.pending.object).owner;
        std::string who = holder == no_thread ? std::string("free") : "held by " + ex.thread_label(holder);
        if (th.pending.kind == op_kind::wake && ex.object(th.pending.object).kind == object_kind::atomic)
            return fmt::format("waits for a notify on atomic {} (atomic wait, its value unchanged) at {}", obj, at);
        if (th.pending.kind == op_kind::wake)
            return fmt::format("waits to be notified on {} at {}", obj, at);
        return fmt::format("waits to lock {} at {} ({})", obj, at, who);
    }
    case op_kind::woken: return fmt::format("waits for {} to be set at {}", obj, at);

    case op_kind::sleep: return fmt::format("sleeps at {}", at);
    default: return fmt::format("waits to {} {} at {}", to_string(th.pending.kind), obj, at);
    }
}

std::string state_at_end(const execution& ex, thread_id t) {
    const failure_record& f = *ex.failure();
    const thread_state& th = ex.thread(t);
    if (th.finished()) return "finished";
    if (t == f.thread && f.where.line() != 0 && f.kind != failure_kind::deadlock)
        return fmt::format("{}; failed at {}", held_by(ex, t), where(f.where));
    if (th.phase == thread_phase::not_started) return "not started";
    if (!th.blocked)
        return fmt::format("{}; next: {} {}{}", held_by(ex, t), to_string(th.pending.kind),
                           ex.object_label(th.pending.object),
                           th.pending.location.line() != 0 ? " at " + where(th.pending.location) : std::string());
    return fmt::format("{}; blocked: {}", held_by(ex, t), blocked_on(ex, t));
}

std::string thread_states(const execution& ex) {
    std::string out = "threads at the end:\n";
    for (thread_id t = 0; t < ex.thread_count(); ++t)
        out += fmt::format("  {}: {}\n", ex.thread_label(t), state_at_end(ex, t));
    return out;
}

std::string wait_cycle(const execution& ex) {
    const std::size_t n = ex.thread_count();
    for (thread_id start = 0; start < n; ++start) {
        // Walk the wait-for edges; a cycle through `start` is the one to spell out.
        std::vector<thread_id> path{start};
        thread_id t = waits_for(ex, start);
        while (t != no_thread && t != start && path.size() <= n) {
            if (std::find(path.begin(), path.end(), t) != path.end()) break;
            path.push_back(t);
            t = waits_for(ex, t);
        }
        if (t != start) continue;
        std::vector<std::string> parts;
        for (thread_id p : path) {
            const thread_state& th = ex.thread(p);
            const object_info& o = ex.object(th.pending.object);
            std::vector<std::string> held;
            for (object_id h = 0; h < ex.object_count(); ++h)
                if (ex.object(h).owner == p) held.push_back(ex.object_label(h));
            std::string part = ex.thread_label(p);
            if (!held.empty()) part += fmt::format(" holds {},", fmt::join(held, " and "));
            part += o.kind == object_kind::thread ? fmt::format(" waits to join {}", ex.object_label(th.pending.object))
                                                  : fmt::format(" waits for {}", ex.object_label(th.pending.object));
            parts.push_back(part);
        }
        return fmt::format("cycle: {}\n", fmt::join(parts, "; "));
    }
    return {};
}

} // namespace

std::string replay_command(std::string_view token, const options& opts) {
    if (!opts.replay_command.empty()) return fmt::format("{} {}", opts.replay_command, token);
    return fmt::format("lockstep::replay(model, \"{0}\"), or run this test again with LOCKSTEP_REPLAY={0}", token);
}

std::string replay_line(std::string_view token, const options& opts) {
    return fmt::format("replay: {}", replay_command(token, opts));
}

std::string render_trace(const execution& ex, std::size_t steps) { return interleaving(ex, steps); }

trace record_trace(const execution& ex, std::size_t steps, std::string token) {
    trace t{std::move(token), {}};
    steps = std::min(steps, ex.events().size());
    t.steps.reserve(steps);
    for (std::size_t i = 0; i < steps; ++i) t.steps.push_back(describe_step(ex, i));
    return t;
}

std::vector<thread_at_end> record_threads(const execution& ex) {
    std::vector<thread_at_end> all;
    for (thread_id t = 0; t < ex.thread_count(); ++t) {
        const thread_state& th = ex.thread(t);
        thread_at_end end{ex.thread_label(t), state_at_end(ex, t), {}, {}};
        for (object_id o = 0; o < ex.object_count(); ++o)
            if (ex.object(o).owner == t) end.holds.push_back(ex.object_label(o));
        for (const held_lock& h : th.shared_held) end.holds.push_back(ex.object_label(h.lock) + " (shared)");
        if (th.blocked && !th.finished()) end.blocked_on = ex.object_label(th.pending.object);
        all.push_back(std::move(end));
    }
    return all;
}

std::string render_report(const execution& ex, std::string_view token, const options& opts) {
    const failure_record& f = *ex.failure();
    std::string out = fmt::format("lockstep: {} in {}\n", to_string(f.kind), opts.name.empty() ? "model" : opts.name);
    out += fmt::format("  {}\n", f.message);
    if (f.where.line() != 0)
        out += fmt::format("  at {} (thread {}, after step {})\n", where(f.where), ex.thread_label(f.thread), f.step);
    // Appended, not built with "\n" + string: GCC 12 at -O3 warns (-Wrestrict) on that operator+, a false positive.
    out += fmt::format("\n{}\n{}", interleaving(ex, ex.events().size()), thread_states(ex));
    if (f.kind == failure_kind::deadlock || f.kind == failure_kind::self_deadlock) {
        const std::string cycle = wait_cycle(ex);
        if (!cycle.empty()) out += fmt::format("\n{}", cycle);
    }
    out += fmt::format("\n{}\n", replay_line(token, opts));
    return out;
}

} // namespace lockstep::detail
