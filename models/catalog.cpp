#include "catalog.hpp"

#include <vector>

namespace lockstep::models {

std::span<const model> catalog() {
    static const std::vector<model> all = {
        s01_lost_update(),
        s02_with_lock(),
        s02_manual_acquire(),
        s05_transfer_self_deadlock(),
        s05_transfer_recursive(),
        s08_ab_ba_deadlock(),
        s09_lock_ordering(),
        s18_condition_while(),
        s19_if_instead_of_while(),
        s20_notify_one_deadlock(),
        s20_notify_all(),
    };
    return all;
}

} // namespace lockstep::models
