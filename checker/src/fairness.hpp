#pragma once
// Fair scheduling for spin loops (Musuvathi & Qadeer, PLDI 2008). When a thread
// makes no progress (yields, fails a try-operation) it drops below every thread
// that stayed enabled, or that it disabled, since its previous yield and that has
// not run since; an edge goes away as soon as the higher thread runs. Unfair
// infinite executions are cut, so exhaustive search of correct spin loops ends.
#include <vector>

#include "thread_set.hpp"

namespace lockstep::detail {

class fairness {
public:
    void reset();
    bool active() const { return !yielders_.empty(); }
    // At every scheduling decision once active(), or when `last` made no progress.
    void observe(const thread_set& enabled, thread_id last, bool last_made_no_progress);
    bool allowed(thread_id t, const thread_set& enabled) const {
        return t >= threads_.size() || !threads_[t].yielded || !threads_[t].above.intersects(enabled);
    }
    void scheduled(thread_id t);

private:
    struct window {
        bool yielded = false;
        thread_set continuously_enabled;  // since this thread's last yield
        thread_set ran;                   // scheduled since its last yield
        thread_set disabled;              // disabled by its steps since its last yield
        thread_set above;                 // threads with priority over it
    };
    std::vector<window> threads_;
    std::vector<thread_id> yielders_;
    thread_set previous_enabled_;
};

} // namespace lockstep::detail
