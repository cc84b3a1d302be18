#include "program_generator.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include <lockstep/lockstep.hpp>

namespace lockstep::testing {
namespace {

// splitmix64: the same numbers on every platform and standard library.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

private:
    std::uint64_t state_;
};

struct order_triple {
    std::memory_order load, store, rmw;
};

order_triple orders(int order) {
    switch (order) {
    case 0: return {std::memory_order_relaxed, std::memory_order_relaxed, std::memory_order_relaxed};
    case 1: return {std::memory_order_acquire, std::memory_order_release, std::memory_order_release};
    case 2: return {std::memory_order_acquire, std::memory_order_release, std::memory_order_acq_rel};
    default: return {std::memory_order_seq_cst, std::memory_order_seq_cst, std::memory_order_seq_cst};
    }
}

int cost(const instr& i) {
    switch (i.kind) {
    case instr_kind::lock_increment: return 2;
    case instr_kind::nested_lock: return 4;
    case instr_kind::wait_flag: return 3;
    case instr_kind::raise_flag: return 3;
    case instr_kind::choose: return i.b;
    case instr_kind::check: return 0;
    case instr_kind::timed_lock: return 2;
    default: return 1;
    }
}

std::string_view name(instr_kind k) {
    switch (k) {
    case instr_kind::lock_increment: return "lock_increment";
    case instr_kind::nested_lock: return "nested_lock";
    case instr_kind::load: return "load";
    case instr_kind::store: return "store";
    case instr_kind::fetch_add: return "fetch_add";
    case instr_kind::exchange: return "exchange";
    case instr_kind::compare_exchange: return "compare_exchange";
    case instr_kind::release: return "release";
    case instr_kind::acquire: return "acquire";
    case instr_kind::try_acquire: return "try_acquire";
    case instr_kind::wait_flag: return "wait_flag";
    case instr_kind::raise_flag: return "raise_flag";
    case instr_kind::choose: return "choose";
    case instr_kind::check: return "check";
    case instr_kind::sleep: return "sleep";
    case instr_kind::timed_lock: return "timed_lock";
    case instr_kind::read_plain: return "read_plain";
    case instr_kind::write_plain: return "write_plain";
    }
    return "?";
}

} // namespace

std::string program::describe() const {
    std::string text = fmt::format("program {} (semaphore {}):", seed, semaphore_initial);
    for (std::size_t t = 0; t < threads.size(); ++t) {
        text += fmt::format(" T{}[", t + 1);
        for (std::size_t k = 0; k < threads[t].size(); ++k) {
            const instr& i = threads[t][k];
            text += fmt::format("{}{}{}({},{})", k ? " " : "", i.fence == 1 ? "F_sc;" : i.fence == 2 ? "F_acqrel;" : "",
                                name(i.kind), i.a, i.b);
            if (i.order != 3) text += fmt::format("/{}", i.order);
        }
        text += "]";
    }
    return text;
}

program generate_program(std::uint64_t seed) {
    rng r(seed * 7919 + 17);
    program p;
    p.seed = seed;
    p.semaphore_initial = r.below(2);
    const int threads = 2 + r.below(3);
    // Keep the interleavings few enough for dfs to exhaust: fewer steps with more threads.
    // Atomics under weak memory multiply the executions by the stores each load may read.
    const bool weak = seed % 2 == 0;
    const int budget = weak ? (threads == 2 ? 5 : threads == 3 ? 3 : 2) : threads == 2 ? 7 : threads == 3 ? 5 : 3;
    int total = 0;
    p.threads.resize(static_cast<std::size_t>(threads));
    for (auto& code : p.threads) {
        const int ops = 1 + r.below(3);
        for (int k = 0; k < ops; ++k) {
            instr i;
            // Even seeds: atomics only, where weak memory shows.
            const int pick = weak ? 28 + r.below(28) : r.below(108);
            if (pick < 12) i = {instr_kind::lock_increment, r.below(2), 0};
            else if (pick < 16) i = {instr_kind::nested_lock, r.below(2), r.below(2)};
            else if (pick < 28) i = {instr_kind::load, r.below(2), 0};
            else if (pick < 38) i = {instr_kind::store, r.below(2), 1 + r.below(2)};
            else if (pick < 46) i = {instr_kind::fetch_add, r.below(2), 0};
            else if (pick < 51) i = {instr_kind::exchange, r.below(2), 1 + r.below(3)};
            else if (pick < 56) i = {instr_kind::compare_exchange, r.below(2), r.below(2)};
            else if (pick < 63) i = {instr_kind::release, 0, 0};
            else if (pick < 69) i = {instr_kind::acquire, 0, 0};
            else if (pick < 73) i = {instr_kind::try_acquire, 0, 0};
            else if (pick < 80) i = {instr_kind::wait_flag, 1 + r.below(2), 0};
            else if (pick < 88) i = {instr_kind::raise_flag, r.below(2), r.below(2)};
            else if (pick < 95) i = {instr_kind::choose, 2 + r.below(2), r.below(2)};
            else if (pick < 100) i = {instr_kind::check, r.below(3), 0};
            else if (pick < 104) i = {instr_kind::sleep, 1 + r.below(2), 0};
            else i = {instr_kind::timed_lock, 1 + r.below(2), 0};
            if (total + cost(i) > budget) continue;
            total += cost(i);
            code.push_back(i);
        }
        if (code.empty()) code.push_back({instr_kind::load, r.below(2), 0});
    }
    // Orders from a generator of their own, so odd seeds are the programs they always were.
    if (weak) {
        rng orders(seed * 104729 + 3);
        for (auto& code : p.threads)
            for (instr& i : code) {
                i.order = std::max(0, orders.below(6) - 2);  // half of them relaxed
                i.fence = orders.below(5) == 0 ? 1 + orders.below(2) : 0;
            }
    }
    return p;
}

program generate_shared_data_program(std::uint64_t seed) {
    rng r(seed * 6007 + 29);
    program p;
    p.seed = seed;
    p.semaphore_initial = r.below(2);
    const int threads = 2 + r.below(2);
    const int budget = threads == 2 ? 7 : 4;
    int total = 0;
    p.threads.resize(static_cast<std::size_t>(threads));
    for (auto& code : p.threads) {
        const int ops = 2 + r.below(3);
        for (int k = 0; k < ops; ++k) {
            instr i;
            const int pick = r.below(20);
            if (pick < 5) i = {instr_kind::read_plain, r.below(2), 0};
            else if (pick < 10) i = {instr_kind::write_plain, r.below(2), 1 + r.below(2)};
            else if (pick < 12) i = {instr_kind::lock_increment, r.below(2), 0};
            else if (pick < 14) i = {instr_kind::load, r.below(2), 0};
            else if (pick < 16) i = {instr_kind::store, r.below(2), 1 + r.below(2)};
            else if (pick < 17) i = {instr_kind::fetch_add, r.below(2), 0};
            else if (pick < 18) i = {instr_kind::release, 0, 0};
            else if (pick < 19) i = {instr_kind::try_acquire, 0, 0};
            else i = {instr_kind::choose, 2, 0};
            if (total + cost(i) > budget) continue;
            total += cost(i);
            code.push_back(i);
        }
        if (code.empty()) code.push_back({instr_kind::write_plain, r.below(2), 1});
    }
    return p;
}

std::function<void()> make_model(const program& prog) {
    auto shared = std::make_shared<const program>(prog);
    return [shared] {
        const program& p = *shared;
        lockstep::mutex m0("m0"), m1("m1");
        lockstep::mutex* locks[2] = {&m0, &m1};
        lockstep::atomic<int> x(0, "x"), y(0, "y");
        lockstep::atomic<int>* atomics[2] = {&x, &y};
        lockstep::counting_semaphore<4> sem(p.semaphore_initial, "sem");
        lockstep::condition_variable cv("cv");
        lockstep::timed_mutex tm("tm");
        // Plain data as lockstep::var (always under a lock): logged steps that
        // are not scheduling points, between the ones that are.
        lockstep::var<int> plain0(0, "plain0"), plain1(0, "plain1"), timed(0, "timed");
        lockstep::var<int>* plain[2] = {&plain0, &plain1};
        int flag = 0;
        std::vector<int> regs(p.threads.size(), 0);

        auto body = [&](std::size_t t) {
            int reg = 0;
            for (const instr& i : p.threads[t]) {
                const auto [load_order, store_order, rmw_order] = orders(i.order);
                if (i.fence == 1) lockstep::atomic_thread_fence(std::memory_order_seq_cst);
                if (i.fence == 2) lockstep::atomic_thread_fence(std::memory_order_acq_rel);
                switch (i.kind) {
                case instr_kind::lock_increment: {
                    lockstep::lock_guard g(*locks[i.a]);
                    ++*plain[i.a];
                    break;
                }
                case instr_kind::nested_lock: {
                    // b = 1: the order depends on what the thread has read, so it can
                    // differ between executions (joined lock-order cycles).
                    const int first = (i.a + (i.b == 1 ? reg : 0)) % 2;
                    lockstep::lock_guard g1(*locks[first]);
                    lockstep::lock_guard g2(*locks[1 - first]);
                    ++*plain[0];
                    break;
                }
                case instr_kind::load: reg += atomics[i.a]->load(load_order); break;
                case instr_kind::store: atomics[i.a]->store(i.b, store_order); break;
                case instr_kind::fetch_add: reg += atomics[i.a]->fetch_add(1, rmw_order); break;
                case instr_kind::exchange: reg += atomics[i.a]->exchange(i.b, rmw_order); break;
                case instr_kind::compare_exchange: {
                    int expected = i.b;
                    reg += atomics[i.a]->compare_exchange_strong(expected, i.b + 1, rmw_order) ? 1 : 0;
                    break;
                }
                case instr_kind::release: sem.release(); break;
                case instr_kind::acquire: sem.acquire(); break;
                case instr_kind::try_acquire: reg += sem.try_acquire() ? 1 : 0; break;
                case instr_kind::wait_flag: {
                    lockstep::unique_lock<lockstep::mutex> lk(m0);
                    cv.wait(lk, [&] { return flag >= i.a; });
                    reg += flag;
                    break;
                }
                case instr_kind::raise_flag: {
                    lockstep::unique_lock<lockstep::mutex> lk(m0);
                    ++flag;
                    if (i.a == 1) lk.unlock();
                    if (i.b == 0) cv.notify_one();
                    else cv.notify_all();
                    break;
                }
                case instr_kind::choose: {
                    const auto v = static_cast<int>(lockstep::choose(static_cast<std::size_t>(i.a)));
                    reg += 10 * v;
                    if (i.b == 1 && v == 1) x.fetch_add(1);
                    break;
                }
                case instr_kind::check: LOCKSTEP_ASSERT(reg != i.a, "a generated check"); break;
                case instr_kind::sleep: lockstep::this_thread::sleep_for(std::chrono::milliseconds(i.a)); break;
                case instr_kind::timed_lock:
                    if (tm.try_lock_for(std::chrono::milliseconds(i.a))) {
                        ++reg;
                        ++timed;
                        tm.unlock();
                    }
                    break;
                case instr_kind::read_plain: reg += plain[i.a]->get(); break;
                case instr_kind::write_plain: *plain[i.a] = reg + i.b; break;
                }
            }
            regs[t] = reg;
        };

        std::vector<lockstep::thread> threads;
        threads.reserve(p.threads.size());
        for (std::size_t t = 0; t < p.threads.size(); ++t) threads.emplace_back(body, t);
        for (auto& t : threads) t.join();
        std::string state = fmt::format("x={} y={} p={},{},{} flag={} regs=", x.load(), y.load(), plain0.get(), plain1.get(), timed.get(), flag);
        for (int reg : regs) state += fmt::format("{};", reg);
        lockstep::observe("final", state);
    };
}

} // namespace lockstep::testing
