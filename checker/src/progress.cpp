#include "progress.hpp"

#include <cmath>
#include <ostream>

#include <fmt/format.h>

namespace lockstep::detail {

progress_meter::progress_meter(std::ostream& out, bool tty, std::chrono::duration<double> every)
    : out_(out), tty_(tty), every_(every) {}

void progress_meter::start(std::string_view model, clock::time_point now) {
    model_ = model;
    started_ = now;
    // Short runs print nothing: the first line comes after one interval.
    next_ = now + std::chrono::duration_cast<clock::duration>(every_);
    drawn_ = false;
}

void progress_meter::update(std::uint64_t executions, std::uint64_t budget, clock::time_point now) {
    if (now < next_) return;
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const std::string text = line(model_, executions, budget, elapsed);
    // A terminal's line is redrawn ("\r", then erase to its end); a log gets whole lines.
    if (tty_) out_ << '\r' << text << "\x1b[K" << std::flush;
    else out_ << text << '\n' << std::flush;
    drawn_ = true;
    next_ = now + std::chrono::duration_cast<clock::duration>(tty_ ? every_ / 4 : every_);
}

void progress_meter::finish() {
    if (tty_ && drawn_) out_ << "\r\x1b[K" << std::flush;
    drawn_ = false;
}

std::string progress_meter::line(std::string_view model, std::uint64_t executions, std::uint64_t budget,
                                 double elapsed) {
    const double rate = elapsed > 0 ? static_cast<double>(executions) / elapsed : 0;
    std::string text = fmt::format("{}: {} executions", model, executions);
    if (budget != 0)
        text += fmt::format(" ({:.0f}% of {})", 100.0 * static_cast<double>(executions) / static_cast<double>(budget),
                            budget);
    text += fmt::format(", {:.0f}/s, {} elapsed", rate, format_duration(elapsed));
    // The estimate needs a budget: an exhaustive search's size is unknown until it ends.
    if (budget != 0 && rate > 0 && executions <= budget)
        text += fmt::format(", about {} left", format_duration(static_cast<double>(budget - executions) / rate));
    return text;
}

std::string format_duration(double seconds) {
    if (seconds < 10) return fmt::format("{:.1f} s", seconds);
    const auto s = static_cast<std::uint64_t>(std::llround(seconds));
    if (s < 60) return fmt::format("{} s", s);
    if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
    return fmt::format("{} h {:02} min", s / 3600, s % 3600 / 60);
}

} // namespace lockstep::detail
