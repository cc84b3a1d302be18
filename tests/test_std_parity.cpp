// std parity for code behind `namespace sync = lockstep;`: futures, promises,
// packaged tasks and async; call_once; jthread with stop tokens and the
// condition_variable_any waits that take one; waits on std's clocks; thread ids.
// Each is a step that synchronizes as std's does (data published through it is
// no race, without it is one), and each misuse is named in the report.
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include <doctest/doctest.h>

#include <lockstep/lockstep.hpp>

using namespace std::chrono_literals;
using lockstep::failure_kind;

namespace std_parity {
namespace sync = lockstep;  // what the code under test sees

lockstep::options with(lockstep::strategy s) {
    lockstep::options o;
    o.strategy = s;
    if (s == lockstep::strategy::random || s == lockstep::strategy::pct) o.max_executions = 2000;
    return o;
}

constexpr lockstep::strategy all_strategies[] = {lockstep::strategy::dfs, lockstep::strategy::dpor,
                                                  lockstep::strategy::random, lockstep::strategy::pct};

std::set<std::string> values(const lockstep::result& r, const std::string& name) {
    std::set<std::string> out;
    if (auto it = r.outcomes.find(name); it != r.outcomes.end())
        for (const auto& [v, n] : it->second) out.insert(v);
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A worker computes into plain data and hands it over through a promise; the
// reader reads the data after get() (published) or before it (a race).
void handoff(bool read_after_get) {
    sync::var<int> data(0, "data");
    sync::promise<int> done;
    sync::future<int> result = done.get_future();
    sync::thread worker([&] {
        data = 42;
        done.set_value(1);
    });
    int seen = 0;
    if (read_after_get) {
        LOCKSTEP_ASSERT(result.get() == 1);
        seen = data.get();
    } else {
        seen = data.get();
        LOCKSTEP_ASSERT(result.get() == 1);
    }
    worker.join();
    sync::observe("seen", seen);
}

} // namespace std_parity

using namespace std_parity;

TEST_CASE("promise/future publishes the data written before set_value; reading before get() is a race") {
    for (auto s : all_strategies) {
        CAPTURE(static_cast<int>(s));
        const auto ok = lockstep::explore([] { handoff(true); }, with(s));
        CHECK(ok.ok());
        CHECK(values(ok, "seen") == std::set<std::string>{"42"});
        const auto racy = lockstep::explore([] { handoff(false); }, with(s));
        REQUIRE(racy.failure);
        CHECK(racy.failure->kind == failure_kind::data_race);
        CHECK(contains(racy.failure->message, "data race on data"));
        const auto again = lockstep::replay([] { handoff(false); }, racy.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->report() == racy.failure->report());
    }
    CHECK(lockstep::explore([] { handoff(true); }).complete);
}

TEST_CASE("future<void>, future<T&>, shared_future and move-only values") {
    const auto r = lockstep::explore([] {
        int target = 0;
        sync::promise<void> go;
        sync::promise<int&> ref;
        sync::promise<std::unique_ptr<int>> box;
        sync::shared_future<void> started = go.get_future().share();
        sync::future<int&> where = ref.get_future();
        sync::future<std::unique_ptr<int>> boxed = box.get_future();
        sync::thread a([&, started] {
            started.get();
            started.wait();
            ref.set_value(target);
            box.set_value(std::make_unique<int>(7));
        });
        sync::thread b([started] { started.get(); });
        LOCKSTEP_ASSERT(started.valid() && where.valid());
        go.set_value();
        where.get() = 5;
        LOCKSTEP_ASSERT(!where.valid());
        LOCKSTEP_ASSERT(*boxed.get() == 7);
        a.join();
        b.join();
        LOCKSTEP_ASSERT(target == 5);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("get() twice is future_errc::no_state, named with both lines; code that catches it works") {
    const auto r = lockstep::explore([] {
        sync::promise<int> p;
        sync::future<int> f = p.get_future();
        p.set_value(1);
        (void)f.get();
        (void)f.get();
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::exception);
    CHECK(contains(r.failure->message, "lockstep::future_error"));
    CHECK(contains(r.failure->message, "already taken by get() at"));
    CHECK(contains(r.failure->message, "test_std_parity.cpp"));
    CHECK(contains(r.failure->message, "no_state"));

    const auto caught = lockstep::explore([] {
        sync::promise<int> p;
        sync::future<int> f = p.get_future();
        p.set_value(1);
        (void)f.get();
        try {
            (void)f.get();
            LOCKSTEP_ASSERT(false, "get() twice must throw");
        } catch (const std::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == std::future_errc::no_state);
        }
        sync::future<int> empty;
        try {
            empty.wait();
            LOCKSTEP_ASSERT(false, "wait() without a state must throw");
        } catch (const sync::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == sync::future_errc::no_state);
        }
    });
    CHECK(caught.ok());
}

TEST_CASE("a promise destroyed unset delivers broken_promise to its future") {
    auto model = [](bool catch_it) {
        sync::future<int> f;
        sync::thread t([&] {
            sync::promise<int> p;
            f = p.get_future();
        });  // p dies without a value
        t.join();
        if (!catch_it) {
            (void)f.get();
            return;
        }
        try {
            (void)f.get();
            LOCKSTEP_ASSERT(false);
        } catch (const std::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == std::future_errc::broken_promise);
        }
    };
    CHECK(lockstep::explore([&] { model(true); }).ok());
    const auto r = lockstep::explore([&] { model(false); });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::exception);
    CHECK(contains(r.failure->message, "the promise of future#1"));
    CHECK(contains(r.failure->message, "broken_promise"));
    CHECK(contains(r.failure->report(), "broken_promise (promise destroyed unset)  future#1"));
}

TEST_CASE("set_value twice is promise_already_satisfied; get_future twice is future_already_retrieved") {
    const auto twice = lockstep::explore([] {
        sync::promise<int> p("answer");
        sync::future<int> f = p.get_future();
        sync::thread a([&] { p.set_value(1); });
        sync::thread b([&] { p.set_value(2); });
        a.join();
        b.join();
        (void)f.get();
    });
    REQUIRE(twice.failure);
    CHECK(twice.failure->kind == failure_kind::exception);
    CHECK(contains(twice.failure->message, "on the promise of answer, which was already satisfied by set_value at"));
    CHECK(contains(twice.failure->message, "promise_already_satisfied"));

    const auto retrieved = lockstep::explore([] {
        sync::promise<int> p;
        sync::future<int> f = p.get_future();
        try {
            sync::future<int> g = p.get_future();
            LOCKSTEP_ASSERT(false);
        } catch (const std::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == std::future_errc::future_already_retrieved);
            LOCKSTEP_ASSERT(std::string(e.what()).find("already retrieved at") != std::string::npos);
        }
        p.set_value(3);
        LOCKSTEP_ASSERT(f.get() == 3);
    });
    CHECK(retrieved.ok());
}

TEST_CASE("a future that is never set is a deadlock naming the waiting thread") {
    const auto r = lockstep::explore([] {
        sync::promise<int> p;
        sync::future<int> f = p.get_future();
        sync::thread waiter(sync::thread_name("waiter"), [&] { (void)f.get(); });
        waiter.join();
        p.set_value(1);
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::deadlock);
    CHECK(contains(r.failure->report(), "waiter"));
    CHECK(contains(r.failure->report(), "waits to get future#1"));
}

TEST_CASE("future::wait_for and wait_until run on the logical clock") {
    const auto r = lockstep::explore([] {
        sync::promise<int> p;
        sync::future<int> f = p.get_future();
        sync::thread setter([&] {
            sync::this_thread::sleep_for(1s);
            p.set_value(1);
        });
        LOCKSTEP_ASSERT(f.wait_for(500ms) == sync::future_status::timeout);
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 500ms);
        LOCKSTEP_ASSERT(f.wait_until(std::chrono::steady_clock::now() + 2s) == std::future_status::ready);
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 1s);
        setter.join();
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("packaged_task: result, exception, called twice, destroyed uncalled") {
    const auto ok = lockstep::explore([] {
        sync::var<int> data(0, "data");
        sync::packaged_task<int(int)> task([&](int x) {
            data = x;
            return x * 2;
        });
        sync::future<int> f = task.get_future();
        sync::thread worker(std::move(task), 21);
        LOCKSTEP_ASSERT(f.get() == 42);
        LOCKSTEP_ASSERT(data.get() == 21);  // published by the task's completion
        worker.join();

        sync::packaged_task<void()> thrower([] { throw std::runtime_error("boom"); });
        sync::future<void> g = thrower.get_future();
        thrower();
        try {
            g.get();
            LOCKSTEP_ASSERT(false);
        } catch (const std::runtime_error& e) {
            LOCKSTEP_ASSERT(std::string(e.what()) == "boom");
        }
        try {
            thrower();
            LOCKSTEP_ASSERT(false);
        } catch (const std::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == std::future_errc::promise_already_satisfied);
        }
        sync::future<int> orphan;
        {
            sync::packaged_task<int()> never([] { return 1; });
            orphan = never.get_future();
        }
        try {
            (void)orphan.get();
            LOCKSTEP_ASSERT(false);
        } catch (const std::future_error& e) {
            LOCKSTEP_ASSERT(e.code() == std::future_errc::broken_promise);
        }
    });
    CHECK(ok.ok());
    CHECK(ok.complete);
}

TEST_CASE("async: launch::async runs on a lockstep thread, deferred at get() on the caller") {
    const auto r = lockstep::explore([] {
        sync::var<int> data(0, "data");
        const sync::thread::id me = sync::this_thread::get_id();
        sync::future<sync::thread::id> on = sync::async(sync::launch::async, [&] {
            data = 1;
            return sync::this_thread::get_id();
        });
        LOCKSTEP_ASSERT(on.get() != me);
        LOCKSTEP_ASSERT(data.get() == 1);
        sync::future<sync::thread::id> later =
            sync::async(sync::launch::deferred, [&] { return sync::this_thread::get_id(); });
        LOCKSTEP_ASSERT(later.wait_for(1s) == sync::future_status::deferred);
        LOCKSTEP_ASSERT(later.get() == me);
        auto thrown = sync::async([](int x) -> int { throw std::invalid_argument(std::to_string(x)); }, 3);
        try {
            (void)thrown.get();
            LOCKSTEP_ASSERT(false);
        } catch (const std::invalid_argument& e) {
            LOCKSTEP_ASSERT(std::string(e.what()) == "3");
        }
        // The future of a discarded async waits for its thread: the write is published.
        (void)sync::async(sync::launch::async, [&] { data = 2; });
        LOCKSTEP_ASSERT(data.get() == 2);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("two async tasks updating shared data without a lock race; with a mutex they do not") {
    auto model = [](bool locked) {
        sync::var<int> total(0, "total");
        sync::mutex m;
        auto add = [&](int n) {
            std::unique_lock<sync::mutex> lk(m, std::defer_lock);
            if (locked) lk.lock();
            total += n;
        };
        auto a = sync::async(sync::launch::async, add, 1);
        auto b = sync::async(sync::launch::async, add, 2);
        a.get();
        b.get();
        LOCKSTEP_ASSERT(total.get() == 3);
    };
    for (auto s : all_strategies) {
        CAPTURE(static_cast<int>(s));
        CHECK(lockstep::explore([&] { model(true); }, with(s)).ok());
        const auto r = lockstep::explore([&] { model(false); }, with(s));
        REQUIRE(r.failure);
        CHECK(r.failure->kind == failure_kind::data_race);
        const auto again = lockstep::replay([&] { model(false); }, r.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->report() == r.failure->report());
    }
}

TEST_CASE("call_once runs the callable once and publishes it to every caller") {
    const auto r = lockstep::explore([] {
        sync::once_flag flag;
        sync::var<int> config(0, "config");
        sync::atomic<int> runs(0);
        auto use = [&] {
            sync::call_once(flag, [&] {
                runs.fetch_add(1);
                config = 7;
            });
            LOCKSTEP_ASSERT(config.get() == 7);
        };
        sync::thread a(use), b(use);
        use();
        a.join();
        b.join();
        LOCKSTEP_ASSERT(runs.load() == 1);
    });
    CHECK(r.ok());
    CHECK(r.complete);
}

TEST_CASE("call_once: a callable that throws leaves the flag unset and the next caller runs it") {
    const auto r = lockstep::explore([] {
        sync::once_flag flag("init");
        sync::atomic<int> attempts(0);
        auto use = [&] {
            try {
                sync::call_once(flag, [&] {
                    if (attempts.fetch_add(1) == 0) throw std::runtime_error("first attempt fails");
                });
            } catch (const std::runtime_error&) {
            }
        };
        sync::thread a(use), b(use);
        a.join();
        b.join();
        sync::observe("attempts", attempts.load());
    });
    CHECK(r.ok());
    CHECK(values(r, "attempts") == std::set<std::string>{"2"});
}

TEST_CASE("call_once from inside its own callable is a named self-deadlock") {
    const auto r = lockstep::explore([] {
        sync::once_flag flag("init");
        sync::call_once(flag, [&] { sync::call_once(flag, [] {}); });
    });
    REQUIRE(r.failure);
    CHECK(r.failure->kind == failure_kind::self_deadlock);
    CHECK(contains(r.failure->message, "calls call_once on init from inside the callable"));
}

TEST_CASE("jthread: a stop_token loop ends when the destructor requests the stop") {
    for (auto s : all_strategies) {
        CAPTURE(static_cast<int>(s));
        const auto r = lockstep::explore(
            [] {
                sync::var<int> rounds(0, "rounds");
                {
                    sync::jthread worker([&](sync::stop_token st) {
                        while (!st.stop_requested()) rounds += 1;
                    });
                    LOCKSTEP_ASSERT(worker.joinable());
                }  // requests the stop, joins: the rounds are published
                sync::observe("stopped", rounds.get() >= 0);
            },
            with(s));
        CHECK(r.ok());
        if (s == lockstep::strategy::dfs || s == lockstep::strategy::dpor) CHECK(r.complete);
    }
}

TEST_CASE("stop_callback runs on the requesting thread, or at once when the stop was already requested") {
    const auto r = lockstep::explore([] {
        sync::stop_source source;
        sync::thread::id ran_on, requester, registering;
        sync::atomic<int> calls(0);
        sync::thread registrar([&] {
            registering = sync::this_thread::get_id();
            sync::stop_callback cb(source.get_token(), [&] {
                ran_on = sync::this_thread::get_id();
                calls.fetch_add(1);
            });
            sync::this_thread::yield();
        });
        sync::thread stopper([&] {
            requester = sync::this_thread::get_id();
            LOCKSTEP_ASSERT(source.request_stop());
        });
        registrar.join();
        stopper.join();
        const int n = calls.load();
        // Registered and destroyed before the stop (never ran), or ran on the stopper, or at registration.
        LOCKSTEP_ASSERT(n <= 1);
        if (n == 1) LOCKSTEP_ASSERT(ran_on == requester || ran_on == registering);
        if (n == 1) sync::observe("ran on", ran_on == requester ? "requester" : "registrar");
        sync::observe("calls", n);
        LOCKSTEP_ASSERT(!source.request_stop(), "a second request does nothing");
        LOCKSTEP_ASSERT(source.stop_requested() && source.get_token().stop_possible());
    });
    CHECK(r.ok());
    CHECK(values(r, "calls") == std::set<std::string>{"0", "1"});
    CHECK(values(r, "ran on") == std::set<std::string>{"registrar", "requester"});

    const auto on = lockstep::explore([] {
        sync::stop_source source;
        sync::thread::id ran_on;
        sync::stop_callback first(source.get_token(), [&] { ran_on = sync::this_thread::get_id(); });
        sync::thread stopper([&] { source.request_stop(); });
        const sync::thread::id stopper_id = stopper.get_id();
        stopper.join();
        LOCKSTEP_ASSERT(ran_on == stopper_id, "on the stopper");
        sync::thread::id late;
        sync::stop_callback second(source.get_token(), [&] { late = sync::this_thread::get_id(); });
        LOCKSTEP_ASSERT(late == sync::this_thread::get_id(), "already stopped: runs at registration");
    });
    CHECK(on.ok());
}

TEST_CASE("condition_variable_any::wait with a stop_token wakes on the stop request; without one it deadlocks") {
    auto model = [](bool with_token) {
        sync::mutex m;
        sync::condition_variable_any cv;
        bool ready = false;  // never set: only the stop ends the wait
        sync::jthread waiter([&](sync::stop_token st) {
            std::unique_lock<sync::mutex> lk(m);
            if (with_token) {
                const bool got = cv.wait(lk, st, [&] { return ready; });
                LOCKSTEP_ASSERT(!got && st.stop_requested());
            } else {
                cv.wait(lk, [&] { return ready; });
            }
        });
        waiter.request_stop();
    };
    for (auto s : all_strategies) {
        CAPTURE(static_cast<int>(s));
        const auto ok = lockstep::explore([&] { model(true); }, with(s));
        CHECK(ok.ok());
        const auto stuck = lockstep::explore([&] { model(false); }, with(s));
        REQUIRE(stuck.failure);
        CHECK(stuck.failure->kind == failure_kind::deadlock);
        const auto again = lockstep::replay([&] { model(false); }, stuck.failure->token);
        REQUIRE(again.failure);
        CHECK(again.failure->report() == stuck.failure->report());
    }
}

TEST_CASE("condition_variable_any::wait_for with a stop_token: notified, stopped, or timed out") {
    const auto r = lockstep::explore([] {
        sync::mutex m;
        sync::condition_variable_any cv;
        bool ready = false;
        sync::stop_source source;
        sync::thread notifier([&] {
            {
                std::lock_guard<sync::mutex> g(m);
                ready = true;
            }
            cv.notify_one();
        });
        sync::thread stopper([&] { source.request_stop(); });
        {
            std::unique_lock<sync::mutex> lk(m);
            const bool got = cv.wait_for(lk, source.get_token(), 1s, [&] { return ready; });
            sync::observe("got", got);
        }
        notifier.join();
        stopper.join();
    });
    CHECK(r.ok());
    CAPTURE(r.describe());
    CHECK(values(r, "got") == std::set<std::string>{"false", "true"});
}

TEST_CASE("wait_until and try_lock_until take steady_clock and system_clock time_points") {
    const auto r = lockstep::explore([] {
        sync::mutex m;
        sync::condition_variable cv;
        sync::condition_variable_any cva;
        std::unique_lock<sync::mutex> lk(m);
        LOCKSTEP_ASSERT(cv.wait_until(lk, std::chrono::steady_clock::now() + 100ms) == std::cv_status::timeout);
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 100ms);
        LOCKSTEP_ASSERT(!cv.wait_until(lk, std::chrono::system_clock::now() + 50ms, [] { return false; }));
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 150ms);
        LOCKSTEP_ASSERT(cva.wait_until(lk, std::chrono::steady_clock::now() + 50ms) == std::cv_status::timeout);
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 200ms);
        // sync::chrono::steady_clock is logical: a deadline taken once holds across waits.
        const auto deadline = sync::chrono::steady_clock::now() + 1s;
        LOCKSTEP_ASSERT(!cva.wait_until(lk, deadline, [] { return false; }));
        LOCKSTEP_ASSERT(cv.wait_until(lk, deadline) == std::cv_status::timeout);
        LOCKSTEP_ASSERT(lockstep::clock::now().time_since_epoch() == 1200ms);
        sync::chrono::milliseconds waited = sync::chrono::duration_cast<sync::chrono::milliseconds>(
            sync::chrono::steady_clock::now().time_since_epoch());
        LOCKSTEP_ASSERT(waited == 1200ms);
        lk.unlock();

        sync::timed_mutex tm;
        sync::thread holder([&] {
            tm.lock();
            sync::this_thread::sleep_until(std::chrono::steady_clock::now() + 1s);
            tm.unlock();
        });
        const bool got = tm.try_lock_until(std::chrono::steady_clock::now() + 500ms);
        if (got) tm.unlock();
        sync::observe("got", got);
        holder.join();
    });
    CHECK(r.ok());
    CAPTURE(r.describe());
    CHECK(values(r, "got") == std::set<std::string>{"false", "true"});
}

TEST_CASE("thread::id: default is no thread; comparable, hashable, printable; matches this_thread::get_id") {
    const auto r = lockstep::explore([] {
        const sync::thread::id none;
        const sync::thread::id main_id = sync::this_thread::get_id();
        LOCKSTEP_ASSERT(none != main_id);
        sync::thread::id inside;
        sync::thread t(sync::thread_name("worker"), [&] { inside = sync::this_thread::get_id(); });
        const sync::thread::id tid = t.get_id();
        t.join();
        LOCKSTEP_ASSERT(inside == tid && tid != main_id);
        LOCKSTEP_ASSERT(t.get_id() == none, "a joined thread has no id");
        LOCKSTEP_ASSERT((main_id < tid) != (tid < main_id));
        std::unordered_set<sync::thread::id> ids{main_id, tid, none};
        LOCKSTEP_ASSERT(ids.size() == 3);
        std::ostringstream text;
        text << none << ' ' << main_id << ' ' << tid;
        LOCKSTEP_ASSERT(text.str() == "no thread main worker", text.str());
    });
    CHECK(r.ok());
}
