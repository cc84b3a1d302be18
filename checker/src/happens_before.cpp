#include "happens_before.hpp"

#include "execution.hpp"  // event

namespace lockstep::detail {

void happens_before::reset() {
    active_ = false;
    for (std::size_t i = 0; i < threads_used_; ++i) threads_[i].clear();
    for (std::size_t i = 0; i < objects_used_; ++i) objects_[i].clear();
    for (vector_clock& s : slots_) s.clear();
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
    const sync s = e.op.effect;
    auto apply = [&](object_id o) {
        if (o == no_object || s == sync::none) return;
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

void happens_before::sync_slot(thread_id t, object_id object, unsigned slot, sync effect) {
    const bool observe = effect == sync::observe || effect == sync::both;
    const bool publish = effect == sync::publish || effect == sync::both;
    const std::size_t k = std::size_t{object} * 2 + slot;
    if (k >= slots_.size()) slots_.resize(k + 1);
    vector_clock& c = thread_clock(t);
    if (observe) c.join(slots_[k]);
    if (publish) {
        slots_[k].join(c);
        c.set(t, c.at(t) + 1);  // what the thread does next is not part of what it published
    }
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


} // namespace lockstep::detail
