#include "memory_model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "../execution.hpp"
#include "../report.hpp"

namespace lockstep::detail::memory {
namespace {

std::string_view name(order o) {
    switch (o) {
    case order::relaxed: return "relaxed";
    case order::acquire: return "acquire";
    case order::release: return "release";
    case order::acq_rel: return "acq_rel";
    case order::seq_cst: return "seq_cst";
    }
    return "?";
}

} // namespace

memory_model::thread_view& memory_model::view(thread_id t) {
    if (t >= threads_.size()) threads_.resize(t + 1);
    for (; threads_used_ <= t; ++threads_used_) {
        thread_view& v = threads_[threads_used_];
        v.release_fence.clear();
        v.acquired.clear();
        v.has_release_fence = v.stalled = v.spurious = v.notified = false;
        v.waiting = no_object;
        v.observed = none;
    }
    return threads_[t];
}

void memory_model::reset(lockstep::memory_model mode) {
    mode_ = mode;
    weak_ = sc_fences_ = false;
    sc_count_ = 0;
    for (object_id o : used_locations_) {
        at(o).mo.clear();
        for (auto& r : at(o).readers) r.clear();
        at(o).seen.clear();
    }
    used_locations_.clear();
    g_.stores_used = g_.accesses_used = 0;
    threads_used_ = 0;
}

std::uint32_t memory_model::new_store(object_id location, std::uint64_t value) {
    if (g_.stores_used == g_.stores.size()) g_.stores.emplace_back();
    store_record& s = g_.stores[g_.stores_used];
    s.location = location;
    s.access = none;
    s.pos = 0;
    s.value = value;
    s.read_by_rmw = none;
    s.message.clear();
    s.has_message = false;
    return static_cast<std::uint32_t>(g_.stores_used++);
}

std::uint32_t memory_model::new_access(access_kind kind, order ord, object_id location, std::source_location where) {
    if (g_.accesses_used == g_.accesses.size()) g_.accesses.emplace_back();
    access& x = g_.accesses[g_.accesses_used];
    x.thread = ex_.self();
    x.kind = kind;
    x.ord = mode_ == lockstep::memory_model::sc ? order::seq_cst : ord;  // sc: every access is seq_cst
    x.location = location;
    x.read = x.wrote = x.newest = none;
    x.step = static_cast<std::uint32_t>(ex_.events().size());
    x.where = where;
    x.spurious = x.failed = x.repeated = false;
    x.clocked = false;
    return static_cast<std::uint32_t>(g_.accesses_used++);
}

void memory_model::created(object_id o, std::uint64_t initial, value_format format) {
    if (o >= g_.locations.size()) g_.locations.resize(o + 1);
    location& l = at(o);
    l.mo.clear();
    for (auto& r : l.readers) r.clear();
    l.seen.clear();
    l.format = format;
    used_locations_.push_back(o);
    l.mo.push_back(new_store(o, initial));
}

void memory_model::go_weak() {
    weak_ = true;
    if (!ex_.clocks_active()) ex_.start_clocks();
}

void memory_model::stalled(thread_id t) { view(t).stalled = true; }

bool memory_model::newer_than_seen(thread_id t, object_id o) const {
    if (o >= g_.locations.size()) return true;
    const location& l = g_.locations[o];
    return t >= l.seen.size() || l.seen[t].store == none || l.seen[t].store != l.mo.back();
}

void memory_model::finish(std::uint32_t a) {
    access& x = g_.accesses[a];
    if (x.reads()) {
        auto& readers = at(x.location).readers;
        if (readers.size() <= x.thread) readers.resize(std::size_t{x.thread} + 1);
        readers[x.thread].push_back(a);
    }
    if (x.is_sc()) ++sc_count_;
    thread_view& v = view(x.thread);
    v.stalled = false;
    v.spurious = x.spurious;
    if (x.location != no_object) {
        // Re-reading what an idle access of its thread saw last, with no store
        // made there since, and changing nothing, is no progress: a spin loop's
        // turn, to the fair scheduler a yield. (Reading back its own write is not.)
        location& l = at(x.location);
        if (l.seen.size() <= x.thread) l.seen.resize(x.thread + 1);
        sighting& last = l.seen[x.thread];
        const std::uint32_t stores_before = static_cast<std::uint32_t>(l.mo.size()) - (x.writes() ? 1 : 0);
        const bool idle = x.reads() && (!x.writes() || g_.stores[x.wrote].value == g_.stores[x.read].value);
        const bool again = idle && last.idle && x.read == last.store && last.stores == stores_before;
        x.repeated = x.reads() && x.read == last.store;
        last = {x.writes() ? x.wrote : x.read, static_cast<std::uint32_t>(l.mo.size()), idle};
        if (again) ex_.no_progress();
    }
    ex_.attach_access(a);
    if (ex_.clocks_active()) apply(a);
}

std::uint32_t memory_model::coherence_bound(object_id o) const {
    const location& l = g_.locations[o];
    const thread_id t = ex_.self();
    const vector_clock& now = ex_.clocks().clock(t);
    auto before_now = [&](std::uint32_t a) {
        const access& x = g_.accesses[a];
        return x.thread == t || now.at(x.thread) >= x.epoch;
    };
    std::uint32_t bound = 0;
    for (std::size_t p = l.mo.size(); p-- > 1;) {
        const std::uint32_t a = g_.stores[l.mo[p]].access;
        if (before_now(a)) {
            bound = static_cast<std::uint32_t>(p);
            break;
        }
    }
    // Of each thread's reads there, the last that happens before now read the latest store.
    for (std::size_t u = 0; u < l.readers.size(); ++u) {
        const std::vector<std::uint32_t>& reads = l.readers[u];
        auto end = reads.end();
        if (u != t) {
            const std::uint32_t seen = now.at(static_cast<thread_id>(u));
            end = std::upper_bound(reads.begin(), reads.end(), seen,
                                   [&](std::uint32_t c, std::uint32_t r) { return c < g_.accesses[r].epoch; });
        }
        if (end != reads.begin()) bound = std::max(bound, g_.pos(g_.accesses[*(end - 1)].read));
    }
    return bound;
}

void memory_model::clock_tentative(std::uint32_t a) {
    access& x = g_.accesses[a];
    const vector_clock& c = ex_.clocks().clock(x.thread);
    x.epoch = c.at(x.thread) - 1;  // its step's tick has passed
    x.pre.assign(c);
    x.pre.set(x.thread, x.epoch);
    x.clock.assign(x.pre);
    if (x.reads() && acquires(x.ord) && g_.stores[x.read].has_message) x.clock.join(g_.stores[x.read].message);
    if (x.is_fence() && acquires(x.ord)) x.clock.join(view(x.thread).acquired);
    x.clocked = true;
}

void memory_model::apply(std::uint32_t a) {
    access& x = g_.accesses[a];
    thread_view& v = view(x.thread);
    vector_clock& c = ex_.clocks().clock(x.thread);
    clock_tentative(a);
    if (x.reads()) {
        const store_record& s = g_.stores[x.read];
        if (s.has_message) (acquires(x.ord) ? c : v.acquired).join(s.message);
    }
    if (x.is_fence() && acquires(x.ord)) c.join(v.acquired);
    if (x.is_fence() && releases(x.ord)) {
        v.release_fence.assign(x.clock);
        v.has_release_fence = true;
    }
    if (x.writes()) {
        store_record& w = g_.stores[x.wrote];
        w.message.clear();
        w.has_message = false;
        if (releases(x.ord)) {
            w.message.assign(x.clock);
            w.has_message = true;
        } else if (v.has_release_fence) {
            w.message.assign(v.release_fence);
            w.has_message = true;
        }
        // A read-modify-write continues the release sequence of the store it read (C++20).
        if (x.kind == access_kind::rmw && x.reads() && g_.stores[x.read].has_message) {
            w.message.join(g_.stores[x.read].message);
            w.has_message = true;
        }
    }
}

bool memory_model::psc_needed(std::uint32_t a) const {
    const bool sc = g_.accesses[a].is_sc();
    return weak_ && (sc || sc_fences_) && sc_count_ + (sc ? 1 : 0) >= 2;
}

bool memory_model::consistent_with(std::uint32_t a) {
    clock_tentative(a);
    return sc_consistent(g_);
}

void memory_model::insert_store(std::uint32_t s, std::uint32_t position) {
    auto& mo = at(g_.stores[s].location).mo;
    mo.insert(mo.begin() + position, s);
    for (std::size_t p = position; p < mo.size(); ++p) g_.stores[mo[p]].pos = static_cast<std::uint32_t>(p);
}

void memory_model::erase_store(std::uint32_t s) {
    auto& mo = at(g_.stores[s].location).mo;
    const std::uint32_t position = g_.stores[s].pos;
    mo.erase(mo.begin() + position);
    for (std::size_t p = position; p < mo.size(); ++p) g_.stores[mo[p]].pos = static_cast<std::uint32_t>(p);
}

std::uint64_t memory_model::load(object_id o, order ord, std::source_location where) {
    if (weak_for(ord) && !weak_) go_weak();
    const std::uint32_t a = new_access(access_kind::load, ord, o, where);
    const location& l = at(o);
    std::uint32_t read = l.mo.back();
    if (weak_) {
        const std::uint32_t bound = coherence_bound(o);
        candidates_.clear();
        for (std::size_t p = l.mo.size(); p-- > bound;) candidates_.push_back(l.mo[p]);
        // A spin loop that yielded may not read the store it read last again when a newer one exists.
        if (view(ex_.self()).stalled && candidates_.size() > 1 && candidates_.back() == last_read(o))
            candidates_.pop_back();
        if (psc_needed(a))
            std::erase_if(candidates_, [&](std::uint32_t s) {
                g_.accesses[a].read = s;
                return !consistent_with(a);
            });
        if (candidates_.empty()) ex_.internal_error("no store is consistent for a load");
        read = candidates_[ex_.decide_store(candidates_.size())];
    }
    access& x = g_.accesses[a];
    x.read = read;
    x.newest = l.mo.back();
    finish(a);
    return g_.stores[read].value;
}

std::uint32_t memory_model::last_read(object_id o) const {
    const location& l = g_.locations[o];
    const thread_id t = ex_.self();
    return t < l.seen.size() ? l.seen[t].store : none;
}

void memory_model::store(object_id o, std::uint64_t value, order ord, std::source_location where) {
    if (weak_for(ord) && !weak_) go_weak();
    const std::uint32_t a = new_access(access_kind::store, ord, o, where);
    const std::uint32_t s = new_store(o, value);
    g_.stores[s].access = a;
    g_.accesses[a].wrote = s;
    location& l = at(o);
    std::uint32_t position = static_cast<std::uint32_t>(l.mo.size());
    if (weak_) {
        const std::uint32_t bound = coherence_bound(o);
        candidates_.clear();
        for (std::uint32_t q = position; q > bound; --q)
            if (g_.stores[l.mo[q - 1]].read_by_rmw == none || q == position) candidates_.push_back(q);
        // Nothing may go between an RMW and the store it read; at the end is always possible.
        if (psc_needed(a))
            std::erase_if(candidates_, [&](std::uint32_t q) {
                insert_store(s, q);
                const bool ok = consistent_with(a);
                erase_store(s);
                return !ok;
            });
        if (candidates_.empty()) ex_.internal_error("no position in modification order is consistent for a store");
        position = candidates_[ex_.decide_store(candidates_.size())];
    }
    insert_store(s, position);
    finish(a);
}

rmw_result memory_model::rmw(object_id o, rmw_function f, order success, order failure, bool weak,
                             std::source_location where) {
    if ((weak_for(success) || weak_for(failure)) && !weak_) go_weak();
    const std::uint32_t a = new_access(access_kind::rmw, success, o, where);
    const location& l = at(o);
    const bool spurious_allowed = weak && mode_ == lockstep::memory_model::rc11 && !view(ex_.self()).spurious;
    rmw_options_.clear();
    auto consider = [&](std::uint32_t s) {
        std::uint64_t value = 0;
        if (f.apply(f.context, g_.stores[s].value, value)) {
            if (g_.stores[s].read_by_rmw == none) rmw_options_.push_back({s, rmw_option::write, value});
            if (spurious_allowed) rmw_options_.push_back({s, rmw_option::spurious, 0});
        } else {
            rmw_options_.push_back({s, rmw_option::fail, 0});
        }
    };
    if (!weak_) {
        consider(l.mo.back());
    } else {
        for (std::size_t p = l.mo.size(), bound = coherence_bound(o); p-- > bound;) consider(l.mo[p]);
        // As for a load: after no progress, not the store it saw last again when a newer one exists
        // (a test-and-set spin would otherwise insert its own stores before the release forever).
        const std::uint32_t seen = last_read(o);
        if (view(ex_.self()).stalled && seen != none && seen != l.mo.back())
            std::erase_if(rmw_options_, [&](const rmw_option& c) { return c.read == seen; });
    }
    const std::uint32_t s = new_store(o, 0);
    g_.stores[s].access = a;
    auto shape = [&](const rmw_option& c) {
        access& x = g_.accesses[a];
        x.read = c.read;
        x.failed = c.what != rmw_option::write;
        x.spurious = c.what == rmw_option::spurious;
        x.kind = x.failed ? access_kind::load : access_kind::rmw;
        x.ord = mode_ == lockstep::memory_model::sc ? order::seq_cst : x.failed ? failure : success;
        x.wrote = x.failed ? none : s;
        g_.stores[s].value = c.value;
    };
    if (weak_ && psc_needed(a))
        std::erase_if(rmw_options_, [&](const rmw_option& c) {
            shape(c);
            if (c.what != rmw_option::write) return !consistent_with(a);
            insert_store(s, g_.pos(c.read) + 1);
            const bool ok = consistent_with(a);
            erase_store(s);
            return !ok;
        });
    if (rmw_options_.empty()) ex_.internal_error("no store is consistent for a read-modify-write");
    const rmw_option c = rmw_options_[rmw_options_.size() == 1 ? 0 : ex_.decide_store(rmw_options_.size())];
    shape(c);
    g_.accesses[a].newest = l.mo.back();
    if (c.what == rmw_option::write) {
        g_.stores[c.read].read_by_rmw = a;
        insert_store(s, g_.pos(c.read) + 1);
    } else {
        --g_.stores_used;  // the store was never made (it is the last one)
    }
    if (c.what == rmw_option::spurious) ex_.no_progress();
    finish(a);
    return {g_.stores[c.read].value, c.what == rmw_option::write};
}

void memory_model::fence(order ord, std::source_location where) {
    if (weak_for(ord) && !weak_) go_weak();
    if (ord == order::seq_cst) sc_fences_ = true;
    finish(new_access(access_kind::fence, ord, no_object, where));
}

void memory_model::block(object_id o, std::source_location where) {
    const thread_id t = ex_.self();
    thread_view& v = view(t);
    v.waiting = o;
    v.observed = last_read(o);
    v.notified = false;
    // As a futex: a step compares with the newest store, and only if that is
    // still the one read does the thread block; so a store and notify that came
    // before (the load read a stale value) are not lost.
    ex_.schedule({op_kind::wait, o, where, sync::none}, {});
    if (at(o).mo.back() == threads_[t].observed)
        ex_.schedule({op_kind::wake, o, where, sync::none}, until([this, t] { return threads_[t].notified; }));
    threads_[t].waiting = no_object;
    // Woken because a newer store exists: the next load may not read the old one again.
    threads_[t].stalled = true;
}

void memory_model::notify(object_id o, bool all, std::source_location where) {
    ex_.schedule({all ? op_kind::notify_all : op_kind::notify_one, o, where, sync::none}, {});
    if (!ex_.clocks_active()) ex_.start_clocks();
    const thread_id self = ex_.self();
    const vector_clock& now = ex_.clocks().clock(self);
    const location& l = at(o);
    auto eligible = [&](const thread_view& v) {
        if (v.waiting != o || v.notified || v.observed == none) return false;
        for (std::size_t p = g_.pos(v.observed) + 1; p < l.mo.size(); ++p) {
            const access& w = g_.accesses[g_.stores[l.mo[p]].access];
            if (w.thread == self || now.at(w.thread) >= w.epoch) return true;
        }
        return false;
    };
    candidates_.clear();
    for (thread_id t = 0; t < threads_used_; ++t)
        if (eligible(threads_[t])) candidates_.push_back(t);
    if (candidates_.empty()) return;
    if (all) {
        for (std::uint32_t t : candidates_) threads_[t].notified = true;
        return;
    }
    threads_[candidates_[ex_.decide(candidates_.size())]].notified = true;
}

std::string memory_model::value_text(std::uint32_t s) const {
    const store_record& st = g_.stores[s];
    switch (g_.locations[st.location].format) {
    case value_format::number: return fmt::format("{}", static_cast<std::int64_t>(st.value));
    case value_format::unsigned_number: return fmt::format("{}", st.value);
    case value_format::boolean: return st.value != 0 ? "true" : "false";
    case value_format::hidden: break;
    }
    return "a value";
}

std::string memory_model::store_text(std::uint32_t s) const {
    const store_record& st = g_.stores[s];
    if (st.access == none) return "the initial value";
    const access& w = g_.accesses[st.access];
    return fmt::format("{} at step {} ({})", ex_.thread_label(w.thread), w.step, detail::where(w.where));
}

std::string memory_model::describe(std::uint32_t a) const {
    const access& x = g_.accesses[a];
    std::string text(name(x.ord));
    if (x.kind == access_kind::fence) return text;
    if (x.kind == access_kind::store) return fmt::format("{} {}", text, value_text(x.wrote));
    if (x.spurious) text += " -> failed spuriously";
    else if (x.failed) text += " -> failed";
    else text += fmt::format(" -> {}", value_text(x.read));
    if (x.writes()) text += fmt::format(", wrote {}", value_text(x.wrote));
    text += fmt::format("; read {}", x.failed ? value_text(x.read) + " from " + store_text(x.read) : store_text(x.read));
    if (x.newest != x.read && x.newest != none)
        text += fmt::format(" (stale: newest is {} from {})", value_text(x.newest), store_text(x.newest));
    return text;
}

std::string memory_model::values(std::uint32_t a) const {
    const access& x = g_.accesses[a];
    std::string text;
    if (x.reads()) text = fmt::format("read {}", value_text(x.read));
    if (x.writes()) text += fmt::format("{}wrote {}", text.empty() ? "" : ", ", value_text(x.wrote));
    return text;
}

} // namespace lockstep::detail::memory
