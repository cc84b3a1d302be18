#pragma once
// The runner's progress display for long runs: executions, rate, elapsed time
// and, when a budget or an estimate of the space is known, how much is done and
// the time left. On a terminal it
// redraws one line in place; elsewhere (a CI log) it prints a line now and then.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include <lockstep/options.hpp>

namespace lockstep::detail {

class progress_meter {
public:
    using clock = std::chrono::steady_clock;

    // tty: redraw in place, first after `every` and then four times as often;
    // otherwise one line per `every`.
    progress_meter(std::ostream& out, bool tty, std::chrono::duration<double> every);

    void start(std::string_view model, clock::time_point now = clock::now());
    // After each execution (options::progress); prints when it is time to.
    // The report's seconds are replaced by the meter's own clock.
    void update(progress_report report, clock::time_point now = clock::now());
    // The model is done: a terminal's line is cleared.
    void finish();

    // "s02: 1200 executions (12% of 10000), 600/s, 2.0 s elapsed, about 15 s left"
    // "s02: 1200 executions (about 12% of an estimated 10,000), 600/s, 2.0 s elapsed, about 15 s left"
    // "s02: 1200 executions, 600/s, 2.0 s elapsed, about 5.0 s left (max_time)"
    static std::string line(std::string_view model, const progress_report& report);

private:
    std::ostream& out_;
    bool tty_;
    std::chrono::duration<double> every_;
    std::string model_;
    clock::time_point started_{}, next_{};
    bool drawn_ = false;
};

// "0.4 s", "12 s", "3 min 04 s", "2 h 05 min"
std::string format_duration(double seconds);

} // namespace lockstep::detail
