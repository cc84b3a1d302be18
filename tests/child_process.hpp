#pragma once
// Runs a test's body in a forked child, for what may kill a process (a crash,
// a signal's default action) or needs one stopped from outside (SIGSTOP).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

namespace lockstep::testing {

struct child_outcome {
    int status = 0;       // as waitpid gives it
    std::string errors;   // what the child wrote to stderr
    bool exited(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
    bool killed_by(int sig) const { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
};

// `body` returns the child's exit code. `while_running` runs in the parent
// with the child's pid, before the parent waits for it.
inline child_outcome run_in_child(const std::function<int()>& body,
                                  const std::function<void(pid_t)>& while_running = {}) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return {-1, "pipe failed"};
    const pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        dup2(pipe_fds[1], 2);
        if (FILE* null = std::fopen("/dev/null", "w")) dup2(fileno(null), 1);  // the child's doctest reports nothing
        int code = 99;
        try {
            code = body();
        } catch (...) {
            code = 98;
        }
        _exit(code);  // no atexit handlers, no doctest teardown
    }
    close(pipe_fds[1]);
    if (while_running) while_running(pid);
    child_outcome out;
    char buffer[4096];
    for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) out.errors.append(buffer, static_cast<std::size_t>(n));
    close(pipe_fds[0]);
    waitpid(pid, &out.status, 0);
    return out;
}

} // namespace lockstep::testing
