#pragma once
// Every model of the project, each with its expected verdict.
#include <functional>
#include <span>

#include <lockstep/model.hpp>

namespace lockstep::models {

std::span<const model> catalog();

// S01 at any size (the benchmarks use larger ones).
std::function<void()> lost_update(int threads, int increments);

// One function per model.
model s01_lost_update();
model s02_with_lock();
model s02_manual_acquire();
model s05_transfer_self_deadlock();
model s05_transfer_recursive();
model s08_ab_ba_deadlock();
model s09_lock_ordering();
model s18_condition_while();
model s19_if_instead_of_while();
model s20_notify_one_deadlock();
model s20_notify_all();

} // namespace lockstep::models
