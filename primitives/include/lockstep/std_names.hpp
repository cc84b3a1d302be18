#pragma once
// namespace std as code under test sees it: every name of std, with the
// concurrency ones replaced by lockstep's. A component whose code says
// std::mutex, std::thread, std::atomic is checked unchanged but for one line
// inside its own namespace:
//
//     namespace std = ::lockstep::std_names;
//
// Qualified lookup finds the declarations below before the names the
// using-directive brings in, so std::vector stays std's and std::mutex is
// lockstep's. Code outside that namespace is not affected.
#include <lockstep/lockstep.hpp>

namespace lockstep::std_names {

using namespace ::std;

using lockstep::atomic;
using lockstep::atomic_flag;
using lockstep::atomic_signal_fence;
using lockstep::atomic_thread_fence;

using lockstep::mutex;
using lockstep::recursive_mutex;
using lockstep::recursive_timed_mutex;
using lockstep::shared_mutex;
using lockstep::timed_mutex;

using lockstep::condition_variable;
using lockstep::condition_variable_any;

using lockstep::barrier;
using lockstep::binary_semaphore;
using lockstep::counting_semaphore;
using lockstep::latch;

using lockstep::jthread;
using lockstep::stop_callback;
using lockstep::stop_source;
using lockstep::stop_token;
using lockstep::thread;

using lockstep::async;
using lockstep::future;
using lockstep::future_error;
using lockstep::packaged_task;
using lockstep::promise;
using lockstep::shared_future;

using lockstep::call_once;
using lockstep::once_flag;

namespace this_thread = lockstep::this_thread;
namespace chrono = lockstep::chrono;

} // namespace lockstep::std_names
