#include "progress.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "estimate.hpp"

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

void progress_meter::update(progress_report report, clock::time_point now) {
    if (now < next_) return;
    report.seconds = std::chrono::duration<double>(now - started_).count();
    const std::string text = line(model_, report);
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

std::string progress_meter::line(std::string_view model, const progress_report& p) {
    const double elapsed = p.seconds, done = static_cast<double>(p.executions);
    const double rate = elapsed > 0 ? done / elapsed : 0;
    std::string text = fmt::format("{}: {} executions", model, p.executions);
    // The executions the run will take, when known: the budget, or an exhaustive
    // search's estimated size when that is smaller.
    double total = static_cast<double>(p.budget);
    const bool estimated = p.estimate > 0 && (total == 0 || p.estimate < total);
    if (p.budget != 0 && estimated)
        text += fmt::format(" ({:.0f}% of {}; an estimated {} in all)", 100.0 * done / total, p.budget,
                            grouped(p.estimate));
    else if (p.budget != 0)
        text += fmt::format(" ({:.0f}% of {})", 100.0 * done / total, p.budget);
    else if (estimated)
        text += fmt::format(" (about {:.0f}% of an estimated {})", 100.0 * done / p.estimate, grouped(p.estimate));
    if (estimated) total = p.estimate;
    text += fmt::format(", {:.0f}/s, {} elapsed", rate, format_duration(elapsed));
    double left = rate > 0 && total >= done ? (total - done) / rate : -1;
    const bool by_time = p.max_seconds > 0 && (left < 0 || p.max_seconds - elapsed < left);
    if (by_time) left = std::max(0.0, p.max_seconds - elapsed);
    if (left >= 0) text += fmt::format(", about {} left{}", format_duration(left), by_time ? " (max_time)" : "");
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
