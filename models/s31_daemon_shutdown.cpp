// S31 (document 003, "Production Pitfalls: Daemon threads with locks"): a
// daemon thread periodically flushes a log under a lock (holding it across a
// 100 ms write); at interpreter shutdown daemon threads are killed abruptly,
// wherever they are, and an atexit handler then takes the same lock to flush
// the rest. The kill is modelled by the daemon checking a `shutting_down` flag
// at each of its steps and, once it is set, stopping forever at that point
// (it only ends when the process exits). When it was killed holding the lock,
// the exit handler waits forever: a deadlock at shutdown.
#include <chrono>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s31_daemon_shutdown() {
    model m;
    m.scenario = "S31";
    m.name = "s31_daemon_shutdown";
    m.summary = "daemon killed at shutdown while holding a lock; the atexit handler then takes it: deadlock";
    m.expected_failure = failure_kind::deadlock;
    m.body = [] {
        lockstep::mutex lock("log_lock");
        lockstep::atomic<bool> shutting_down(false, "shutting_down");
        lockstep::event process_exit("process_exit");
        int flushed = 0;
        auto killed_here = [&] {  // the interpreter kills the daemon at this point
            if (!shutting_down.load()) return false;
            process_exit.wait();
            return true;
        };
        lockstep::thread daemon(thread_name("daemon"), [&] {
            for (;;) {
                if (killed_here()) return;
                lock.lock();
                lockstep::this_thread::sleep_for(100ms);  // write the log
                ++flushed;
                if (killed_here()) return;  // (only when the process exits: it still holds the lock)
                lock.unlock();
            }
        });
        daemon.detach();  // daemon=True
        lockstep::this_thread::sleep_for(150ms);  // the main program's work
        shutting_down.store(true);                // interpreter shutdown: daemons are killed
        {
            lockstep::lock_guard guard(lock);  // atexit handler: flush the rest
            ++flushed;
        }
        process_exit.set();
    };
    return m;
}

} // namespace lockstep::models
