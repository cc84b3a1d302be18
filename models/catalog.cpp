#include "catalog.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::models {

std::span<const model> catalog() {
    static const std::vector<model> all = {
        s01_lost_update(),
        s01_lost_update_plain(),
        s29_append_under_lock(),
        s29_check_then_increment_race(),
        s02_with_lock(),
        s02_manual_acquire(),
        s03_safe_counter(),
        s04_lock_leaked(),
        s04_with_guard(),
        s05_transfer_self_deadlock(),
        s05_transfer_recursive(),
        s06_try_update_v2(),
        s07_try_update_clean(),
        s08_ab_ba_deadlock(),
        s08_ab_ba_by_request(),
        s09_lock_ordering(),
        s10_multi_lock(),
        s10_multi_lock_unsorted(),
        s11_safe_transfer(),
        s12_semaphore_workers(),
        s13_connection_pool(),
        s14_bounded_over_release(),
        s14_plain_over_release(),
        s15_pool_close_race(),
        s16_event_start_gun(),
        s17_event_toggle(),
        s18_condition_while(),
        s19_if_instead_of_while(),
        s19_if_one_consumer(),
        s19_if_one_consumer_spurious(),
        s20_notify_one_deadlock(),
        s20_notify_all(),
        s21_condition_rlock_twice(),
        s21_condition_rlock_once(),
        s22_barrier_phases(),
        s23_iterative_barrier(),
        s23_missing_second_barrier(),
        s24_rate_limiter(),
        s25_timeout_detection(),
        s26_rwlock_mutex(),
        s26_rwlock_semaphore(),
        s26_rwlock_writer_starvation(),
        s27_queue_join(),
        s28_thread_local(),
        s29_check_then_act(),
        s30_user_cache(),
        s30_user_cache_no_meta_lock(),
        s31_daemon_shutdown(),
        s32_big_lock(),
        s32_per_resource_locks(),
        alg_peterson(),
        alg_peterson_turn_first(),
        alg_peterson_acq_rel(),
        alg_treiber_stack_aba(),
        alg_treiber_stack_tagged(),
        alg_spsc_ring(),
        alg_spsc_ring_publish_first(),
        alg_spsc_ring_relaxed(),
        alg_seqlock(),
        alg_seqlock_no_fences(),
        alg_double_checked_locking(),
        alg_double_checked_locking_relaxed(),
        real_readerwriterqueue(),
        real_readerwriterqueue_missing_fence(),
        real_thread_pool(),
        real_thread_pool_unlocked_done(),
        s33_async_lock_demo(),
        s34_async_semaphore_fetches(),
        s35_async_event(),
        s36_async_condition_while(),
        s36_async_condition_if(),
        s37_async_barrier(),
        s38_async_queue_join(),
        s38_async_queue_no_task_done(),
        s39_threading_lock_in_task(),
        s40_check_then_act_across_await(),
        s40_check_then_act_one_turn(),
    };
    return all;
}

const model& find(std::string_view name) {
    for (const model& m : catalog())
        if (m.name == name) return m;
    throw std::out_of_range("no model named " + std::string(name));
}

} // namespace lockstep::models
