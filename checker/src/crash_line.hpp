#pragma once
// The one line printed to stderr before a model takes the process down (a
// null dereference, abort, std::terminate, exit): without it, a crash in the
// middle of an exploration says nothing of which model, execution, thread and
// step it came from. Written from signal handlers: nothing here allocates.
#include <cstddef>

namespace lockstep::detail {

// "lockstep: <what> in model M, execution N, thread T, after step S at F:L\n"
// when a model runs on this OS thread, else nothing.
void write_crash_line(const char* what) noexcept;

// For the length of an exploration: std::terminate and exit() in a model are
// reported too (a signal handler sees neither). Called at each exploration.
void report_terminate_and_exit() noexcept;

} // namespace lockstep::detail
