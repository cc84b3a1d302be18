#pragma once
// How big is the space? Two estimators of the executions an exhaustive search
// takes, and how their figures read.
//
// knuth_estimator (Knuth, "Estimating the efficiency of backtrack programs",
// 1975): a random path from the root, taking each of the w alternatives of a
// decision with probability 1/w, reaches a given leaf with probability
// 1 / (product of the w along its path); so that product is an unbiased
// estimate of the number of leaves, i.e. of dfs's executions. Averaging n paths
// gives the mean and its standard error; the spread is large when the tree is
// unbalanced (a few long paths carry most of the leaves).
//
// tree_progress: during a depth-first search, the share of the tree already
// done, assuming the subtrees of a decision are alike: each alternative taken
// before the current one counts 1/w of its parent's share. Then executions
// run / share done estimates the whole. It is exact on a uniform tree and at the
// end of any search (the share reaches 1); a search that leaves large subtrees
// for last is underestimated until it reaches them. dpor's wakeup trees grow as
// races are found, so its early estimates lean low.
#include <cstdint>
#include <string>

#include <lockstep/result.hpp>

namespace lockstep::detail {

class knuth_estimator {
public:
    void add(double product);  // one path's product of branching factors
    std::uint64_t samples() const { return n_; }
    size_estimate get() const;

private:
    std::uint64_t n_ = 0;
    double mean_ = 0, m2_ = 0;  // Welford's running mean and sum of squared deviations
};

class tree_progress {
public:
    // From the root down the current path: alternative `index` of `width` was taken
    // (the ones before it are done, the ones after it are left).
    void level(double index, double width) {
        if (width <= 1) return;
        done_ += weight_ * index / width;
        weight_ /= width;
        left_ += width - index - 1;
    }
    // Once the current path's leaf has run too.
    size_estimate get(std::uint64_t executions) const;

private:
    double done_ = 0, weight_ = 1, left_ = 0;
};

// 1234567 -> "1,234,567" (rounded to an integer).
std::string grouped(double n);
// "about 1,234 executions (1,000 to 1,500, from 1,000 probes), about 3.2 s at the measured rate"
std::string estimate_line(const size_estimate& e, double executions_per_second);
// "stopped by max_time after 1,234 executions (about 12% of an estimated 10,000)"; "" when it finished.
std::string stop_line(const result& r);

} // namespace lockstep::detail
