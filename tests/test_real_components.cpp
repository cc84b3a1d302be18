// The real_* models check open-source components as Debian ships them: each
// adapted header differs from Debian's by the one line the README promises
// (`namespace std = ::lockstep::std_names;`), and a bug variant by its injected
// bug besides. Nothing else of the component may change unnoticed.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read ", path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

struct line_diff {
    std::vector<std::string> added, removed;
};

// Lines only in `from` and only in `to`, by a longest common subsequence.
line_diff diff(const std::vector<std::string>& from, const std::vector<std::string>& to) {
    const std::size_t n = from.size(), m = to.size();
    std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = from[i] == to[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    line_diff d;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && from[i] == to[j]) ++i, ++j;
        else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) d.added.push_back(to[j++]);
        else d.removed.push_back(from[i++]);
    }
    return d;
}

line_diff adapted(const std::string& debian, const std::string& ours) {
    return diff(lines_of(debian), lines_of(std::string(LOCKSTEP_REAL_DIR) + "/" + ours));
}

bool is_std_names_line(const std::string& line) {
    return line.starts_with("namespace std = ::lockstep::std_names;");
}

} // namespace

TEST_CASE("real components: one line added to Debian's headers, and the injected bugs") {
    const std::string rwq = "/usr/include/readerwriterqueue/", pool = "/usr/include/thread_pool/thread_pool.hpp";
    for (const char* variant : {"correct", "missing_fence"}) {
        CAPTURE(variant);
        const line_diff atomics = adapted(rwq + "atomicops.h", std::string(variant) + "/atomicops.h");
        REQUIRE(atomics.added.size() == 1);
        CHECK(is_std_names_line(atomics.added[0]));
        CHECK(atomics.removed.empty());
    }
    const line_diff queue = adapted(rwq + "readerwriterqueue.h", "correct/readerwriterqueue.h");
    CHECK(queue.added.empty());
    CHECK(queue.removed.empty());
    const line_diff unfenced = adapted(rwq + "readerwriterqueue.h", "missing_fence/readerwriterqueue.h");
    REQUIRE(unfenced.removed.size() == 1);
    CHECK(unfenced.removed[0].find("fence(memory_order_release);") != std::string::npos);
    CHECK(unfenced.added.size() == 1);

    const line_diff correct_pool = adapted(pool, "correct/thread_pool.hpp");
    REQUIRE(correct_pool.added.size() == 1);
    CHECK(is_std_names_line(correct_pool.added[0]));
    CHECK(correct_pool.removed.empty());
    const line_diff unlocked = adapted(pool, "unlocked_done/thread_pool.hpp");
    CHECK(unlocked.added.size() == 1);
    REQUIRE(unlocked.removed.size() == 1);
    CHECK(unlocked.removed[0].find("std::unique_lock<std::mutex> lock(mutex);") != std::string::npos);
}
