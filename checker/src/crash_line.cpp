#include "crash_line.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>

#include "execution.hpp"
#include "source_paths.hpp"

namespace lockstep::detail {
namespace {

// A fixed buffer, appended to without allocating.
class line {
public:
    line& operator<<(const char* s) {
        while (s != nullptr && *s != '\0' && at_ < sizeof text_ - 1) text_[at_++] = *s++;
        return *this;
    }
    line& operator<<(std::uint64_t n) {
        char digits[24];
        int k = 0;
        do digits[k++] = static_cast<char>('0' + n % 10);
        while ((n /= 10) != 0);
        while (k > 0 && at_ < sizeof text_ - 1) text_[at_++] = digits[--k];
        return *this;
    }
    void write() {
        text_[at_++] = '\n';
        for (std::size_t done = 0; done < at_;) {
            const ssize_t n = ::write(2, text_ + done, at_ - done);
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    }

private:
    char text_[1024];
    std::size_t at_ = 0;
};

std::terminate_handler previous_terminate = nullptr;

void on_terminate() {
    write_crash_line("std::terminate");
    if (previous_terminate != nullptr) previous_terminate();
    std::abort();
}

std::atomic<bool> exit_reported{false};

void on_exit_called(int status, void*) {
    if (execution::current() == nullptr || exit_reported.exchange(true)) return;
    line what;
    char text[32];
    std::size_t n = 0;
    for (const char* p = "exit("; *p != '\0';) text[n++] = *p++;
    char digits[12];
    int k = 0;
    unsigned u = static_cast<unsigned>(status < 0 ? -status : status);
    do digits[k++] = static_cast<char>('0' + u % 10);
    while ((u /= 10) != 0);
    if (status < 0) text[n++] = '-';
    while (k > 0) text[n++] = digits[--k];
    for (const char* p = ") called"; *p != '\0';) text[n++] = *p++;
    text[n] = '\0';
    write_crash_line(text);
}

} // namespace

void write_crash_line(const char* what) noexcept {
    const execution* ex = execution::current();
    if (ex == nullptr) return;
    const execution::crash_facts f = ex->facts_for_crash();
    line out;
    out << "lockstep: " << what << " in model " << f.model << ", execution " << f.run << ", thread ";
    if (f.thread_name != nullptr && *f.thread_name != '\0') out << f.thread_name;
    else if (f.thread == 0) out << "main";
    else out << "T" << std::uint64_t{f.thread};
    if (f.last.line() == 0) out << ", before its first step";
    else out << ", after step " << std::uint64_t{f.step} << " at "
                 << shown_path(f.last.file_name()).data() << ":" << std::uint64_t{f.last.line()};
    out.write();
}

// exit() runs its handlers newest first: registered again at each exploration,
// the line comes before the destructors of statics made since (one of which
// may hang or crash). Bounded, since each registration stays for the process.
void report_terminate_and_exit() noexcept {
    static std::once_flag once;
    std::call_once(once, [] { previous_terminate = std::set_terminate(&on_terminate); });
    static std::atomic<int> registered{0};
    if (registered.fetch_add(1, std::memory_order_relaxed) < 4096) ::on_exit(&on_exit_called, nullptr);
}

} // namespace lockstep::detail
