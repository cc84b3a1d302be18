// S34 (document 002, part 8, asyncio_semaphore_demo): asyncio.Semaphore(3)
// limits concurrent fetches; each fetch sleeps 0.5 s inside `async with
// semaphore` and returns "data from <url>", and gather() collects the results
// in order. Scaled from 10 URLs to 5: at most 3 inside at once, exactly 3 is
// reached, and the results come back in the order of the URLs.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <lockstep/asyncio.hpp>
#include <lockstep/lockstep.hpp>

#include "catalog.hpp"

namespace lockstep::models {

using namespace std::chrono_literals;

model s34_async_semaphore_fetches() {
    model m;
    m.scenario = "S34";
    m.name = "s34_async_semaphore_fetches";
    m.summary = "asyncio.Semaphore(3) over 5 gathered fetches: at most 3 inside, and 3 is reached";
    m.body = [] {
        constexpr int urls = 5;
        asyncio::event_loop loop;
        asyncio::semaphore semaphore(3, "semaphore");
        int inside = 0, most = 0;
        auto fetch = [&](int url) -> asyncio::task<int> {
            auto held = co_await semaphore.scoped();  // async with semaphore:
            ++inside;
            most = std::max(most, inside);
            LOCKSTEP_ASSERT(inside <= 3, "more than 3 fetches inside the semaphore");
            co_await asyncio::sleep(500ms);  // simulate HTTP request
            --inside;
            co_return url;  // "data from <url>"
        };
        auto demo = [&]() -> asyncio::task<std::vector<int>> {
            std::vector<asyncio::task<int>> fetches;
            for (int url = 0; url < urls; ++url) fetches.push_back(fetch(url).named("fetch " + std::to_string(url)));
            co_return co_await asyncio::gather(std::move(fetches));
        };
        const std::vector<int> results = loop.run(demo().named("asyncio_semaphore_demo"));
        for (int url = 0; url < urls; ++url)
            LOCKSTEP_ASSERT(results[static_cast<std::size_t>(url)] == url, "gather() returned results out of order");
        observe("most_inside", most);
    };
    m.expected_outcomes = {{"most_inside", {"3"}}};
    return m;
}

} // namespace lockstep::models
