#pragma once
// Every model of the project, each with its expected verdict.
#include <functional>
#include <span>
#include <string_view>

#include <lockstep/model.hpp>

namespace lockstep::models {

std::span<const model> catalog();
// The model of that name; throws std::out_of_range when there is none.
const model& find(std::string_view name);

// S01 at any size (the benchmarks use larger ones).
std::function<void()> lost_update(int threads, int increments);
// T threads each doing K times lock / ++counter / unlock: (T*K)!/(K!)^T traces.
std::function<void()> mutex_counter(int threads, int increments);
// One thread stores to an atomic, N threads load it: 2^N traces.
std::function<void()> readers(int n);
// lastzero(N) (Abdulla et al., POPL'14): N writers, writer j sets a[j] = a[j-1] + 1,
// and one reader scans a[N], a[N-1], ... down to the first zero.
std::function<void()> lastzero(int n);

// One function per model.
model s01_lost_update();
model s01_lost_update_plain();
model s29_append_under_lock();
model s29_check_then_increment_race();
model s02_with_lock();
model s02_manual_acquire();
model s05_transfer_self_deadlock();
model s05_transfer_recursive();
model s08_ab_ba_deadlock();
model s08_ab_ba_by_request();
model s09_lock_ordering();
model s18_condition_while();
model s19_if_instead_of_while();
model s19_if_one_consumer();
model s19_if_one_consumer_spurious();
model s20_notify_one_deadlock();
model s20_notify_all();
model s03_safe_counter();
model s04_lock_leaked();
model s04_with_guard();
model s06_try_update_v2();
model s07_try_update_clean();
model s10_multi_lock();
model s10_multi_lock_unsorted();
model s11_safe_transfer();
model s12_semaphore_workers();
model s13_connection_pool();
model s14_bounded_over_release();
model s14_plain_over_release();
model s15_pool_close_race();
model s16_event_start_gun();
model s17_event_toggle();
model s21_condition_rlock_twice();
model s21_condition_rlock_once();
model s22_barrier_phases();
model s23_iterative_barrier();
model s23_missing_second_barrier();
model s24_rate_limiter();
model s25_timeout_detection();
model s26_rwlock_mutex();
model s26_rwlock_semaphore();
model s26_rwlock_writer_starvation();
model s27_queue_join();
model s28_thread_local();
model s29_check_then_act();
model s30_user_cache();
model s30_user_cache_no_meta_lock();
model s31_daemon_shutdown();
model s32_big_lock();
model s32_per_resource_locks();
model alg_peterson();
model alg_peterson_turn_first();
model alg_peterson_acq_rel();
model alg_treiber_stack_aba();
model alg_treiber_stack_tagged();
model alg_spsc_ring();
model alg_spsc_ring_publish_first();
model alg_spsc_ring_relaxed();
model alg_seqlock();
model alg_seqlock_no_fences();
model alg_double_checked_locking();
model alg_double_checked_locking_relaxed();
model real_readerwriterqueue();
model real_readerwriterqueue_missing_fence();
model real_thread_pool();
model real_thread_pool_unlocked_done();
// lockstep::asyncio (asyncio) models, S33-S40.
model s33_async_lock_demo();
model s34_async_semaphore_fetches();
model s35_async_event();
model s36_async_condition_while();
model s36_async_condition_if();
model s37_async_barrier();
model s38_async_queue_join();
model s38_async_queue_no_task_done();
model s39_threading_lock_in_task();
model s40_check_then_act_across_await();
model s40_check_then_act_one_turn();

} // namespace lockstep::models
