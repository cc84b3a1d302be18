#include "fairness.hpp"

namespace lockstep::detail {

void fairness::reset() {
    for (thread_id t : yielders_) threads_[t] = window{};
    yielders_.clear();
    previous_enabled_.clear();
}

void fairness::observe(const thread_set& enabled, thread_id last, bool last_made_no_progress) {
    for (thread_id t : yielders_) threads_[t].continuously_enabled.keep_only(enabled);
    if (last < threads_.size() && threads_[last].yielded)
        threads_[last].disabled.add_removed(previous_enabled_, enabled);
    if (last_made_no_progress) {
        if (last >= threads_.size()) threads_.resize(last + 1);
        window& w = threads_[last];
        if (w.yielded) {
            w.above.add_difference(w.continuously_enabled, w.disabled, w.ran);
        } else {
            w.yielded = true;
            yielders_.push_back(last);
        }
        w.continuously_enabled = enabled;
        w.ran.clear();
        w.disabled.clear();
    }
    previous_enabled_ = enabled;
}

void fairness::scheduled(thread_id t) {
    for (thread_id y : yielders_) {
        threads_[y].above.erase(t);
        threads_[y].ran.insert(t);
    }
}

} // namespace lockstep::detail
