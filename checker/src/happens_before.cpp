#include "happens_before.hpp"

#include "execution.hpp"

namespace lockstep::detail {
namespace {

enum class sync : std::uint8_t { none, observe, publish, both };

sync effect(op_kind k) {
    switch (k) {
    // Steps that touch no shared state.
    case op_kind::yield:
    case op_kind::choose:
    case op_kind::sleep:
    case op_kind::detach:
    case op_kind::access:
    case op_kind::read:
    case op_kind::write: return sync::none;
    // Steps that only look.
    case op_kind::load:
    case op_kind::is_set:
    case op_kind::try_wait:
    case op_kind::join: return sync::observe;
    // Everything else both observes and publishes: exact for read-modify-writes,
    // locks and queues, and never weaker than C++ for the rest (it may hide a
    // race behind a failed try_lock, never invent one).
    default: return sync::both;
    }
}

} // namespace

void happens_before::reset() {
    active_ = false;
    for (std::size_t i = 0; i < threads_used_; ++i) threads_[i].clear();
    for (std::size_t i = 0; i < objects_used_; ++i) objects_[i].clear();
    for (std::size_t i = 0; i < vars_used_; ++i) {
        vars_[i].last_write = {};
        for (var_access& r : vars_[i].reads) r = {};
    }
    threads_used_ = objects_used_ = vars_used_ = 0;
}

vector_clock& happens_before::thread_clock(thread_id t) {
    if (t >= threads_.size()) threads_.resize(t + 1);
    if (t >= threads_used_) {
        for (std::size_t i = threads_used_; i <= t; ++i) {
            threads_[i].clear();
            threads_[i].set(static_cast<thread_id>(i), 1);
        }
        threads_used_ = t + 1;
    }
    return threads_[t];
}

vector_clock& happens_before::object_clock(object_id o) {
    if (o >= objects_.size()) objects_.resize(o + 1);
    if (o >= objects_used_) {
        for (std::size_t i = objects_used_; i <= o; ++i) objects_[i].clear();
        objects_used_ = o + 1;
    }
    return objects_[o];
}

void happens_before::on_event(const event& e, thread_id spawned) {
    vector_clock& c = thread_clock(e.thread);
    auto apply = [&](object_id o) {
        if (o == no_object) return;
        const sync s = effect(e.op.kind);
        if (s == sync::none) return;
        vector_clock& oc = object_clock(o);
        if (s == sync::observe || s == sync::both) c.join(oc);
        if (s == sync::publish || s == sync::both) oc.join(c);
    };
    apply(e.op.object);
    apply(e.op.other);
    if (spawned != no_thread) {
        vector_clock& child = thread_clock(spawned);
        const std::uint32_t own = child.at(spawned);
        child.assign(thread_clock(e.thread));
        child.set(spawned, own);
    }
    vector_clock& self = thread_clock(e.thread);
    self.set(e.thread, self.at(e.thread) + 1);
}

template <class ThreadOf>
void happens_before::activate(std::span<const event> so_far, ThreadOf thread_of) {
    active_ = true;
    for (const event& e : so_far) on_event(e, e.op.kind == op_kind::spawn ? thread_of(e.op.object) : no_thread);
}

std::optional<var_access> happens_before::on_access(object_id var, var_access now) {
    now.epoch = thread_clock(now.thread).at(now.thread);
    if (var >= vars_.size()) vars_.resize(var + 1);
    vars_used_ = std::max<std::size_t>(vars_used_, var + 1);
    var_state& v = vars_[var];
    const vector_clock& c = thread_clock(now.thread);
    auto ordered = [&](const var_access& before) { return before.epoch == 0 || before.thread == now.thread || before.epoch <= c.at(before.thread); };

    if (!ordered(v.last_write)) return v.last_write;
    if (now.write) {
        for (const var_access& r : v.reads)
            if (!ordered(r)) return r;
        v.last_write = now;
        for (var_access& r : v.reads) r = {};
    } else {
        if (now.thread >= v.reads.size()) v.reads.resize(now.thread + 1);
        v.reads[now.thread] = now;
    }
    return std::nullopt;
}

// The execution's use of activate().
void activate_tracking(happens_before& hb, const execution& ex) {
    hb.activate(ex.events(), [&ex](object_id o) { return ex.object(o).thread; });
}

} // namespace lockstep::detail
