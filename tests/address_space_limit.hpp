#pragma once
// Caps the process's address space for a scope, so a test can tell "decodes
// a forged token in a few bytes" from "reserves 16 GiB and gets away with it
// because of overcommit": with the cap, the huge reservation throws bad_alloc.
#include <sys/resource.h>

#include <fstream>

namespace lockstep::testing {

class address_space_limit {
public:
    explicit address_space_limit(std::size_t headroom) {
        std::size_t pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        if (getrlimit(RLIMIT_AS, &old_) != 0) return;
        rlimit capped = old_;
        capped.rlim_cur = pages * 4096 + headroom;
        if (old_.rlim_cur != RLIM_INFINITY && old_.rlim_cur < capped.rlim_cur) return;
        active_ = setrlimit(RLIMIT_AS, &capped) == 0;
    }
    ~address_space_limit() {
        if (active_) setrlimit(RLIMIT_AS, &old_);
    }
    address_space_limit(const address_space_limit&) = delete;
    address_space_limit& operator=(const address_space_limit&) = delete;

private:
    rlimit old_{};
    bool active_ = false;
};

} // namespace lockstep::testing
