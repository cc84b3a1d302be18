// The models that measure exhaustive search (REFERENCES.md, "Counting
// executions"): their Mazurkiewicz trace counts are known in closed form.
#include <memory>
#include <vector>

#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

std::function<void()> mutex_counter(int threads, int increments) {
    return [threads, increments] {
        lockstep::mutex m("m");
        int counter = 0;
        std::vector<lockstep::thread> ts;
        ts.reserve(static_cast<std::size_t>(threads));
        for (int t = 0; t < threads; ++t)
            ts.emplace_back([&] {
                for (int k = 0; k < increments; ++k) {
                    m.lock();
                    ++counter;
                    m.unlock();
                }
            });
        for (auto& t : ts) t.join();
        LOCKSTEP_ASSERT(counter == threads * increments);
    };
}

std::function<void()> readers(int n) {
    return [n] {
        lockstep::atomic<int> x(0, "x");
        std::vector<lockstep::thread> ts;
        ts.reserve(static_cast<std::size_t>(n) + 1);
        ts.emplace_back([&] { x.store(1); });
        for (int r = 0; r < n; ++r) ts.emplace_back([&] { (void)x.load(); });
        for (auto& t : ts) t.join();
    };
}

std::function<void()> lastzero(int n) {
    return [n] {
        const auto size = static_cast<std::size_t>(n) + 1;
        std::unique_ptr<lockstep::atomic<int>[]> a(new lockstep::atomic<int>[size]);
        std::vector<lockstep::thread> ts;
        ts.reserve(size);
        ts.emplace_back([&] {
            for (int i = n; a[static_cast<std::size_t>(i)].load() != 0; --i) {
            }
        });
        for (int j = 1; j <= n; ++j)
            ts.emplace_back([&, j] {
                const auto at = static_cast<std::size_t>(j);
                a[at].store(a[at - 1].load() + 1);
            });
        for (auto& t : ts) t.join();
    };
}

} // namespace lockstep::models
