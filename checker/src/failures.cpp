#include "failures.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>  // program_invocation_short_name
#include <cstdint>
#include <cstdlib>  // getprogname
#include <filesystem>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include <lockstep/export.hpp>

#include "lock_order_history.hpp"
#include "report.hpp"

namespace lockstep::detail {
namespace {

std::uint32_t fnv1a(std::string_view text) {
    std::uint32_t h = 2166136261u;
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
}

bool same_event(const event& a, const event& b) {
    return a.thread == b.thread && a.op.kind == b.op.kind && a.op.object == b.op.object &&
           a.op.location.line() == b.op.location.line() && a.has_value == b.has_value && a.value == b.value;
}

std::string describe_event(const execution& ex, std::span<const event> events, std::size_t i) {
    if (i >= events.size()) return "the execution ended";
    const event& e = events[i];
    std::string text = fmt::format("{} {} {}", ex.thread_label(e.thread), to_string(e.op.kind), ex.object_label(e.op.object));
    if (e.has_value) text += fmt::format(" -> {}", e.value);
    if (e.op.location.line() != 0) text += " at " + where(e.op.location);
    return text;
}

// The running program: argv[0]'s basename.
std::string program_name() {
#if defined(__GLIBC__)
    return program_invocation_short_name;
#elif defined(__APPLE__) || defined(__FreeBSD__)
    return getprogname();
#else
    return "lockstep";
#endif
}

} // namespace

std::string failure_file_name(std::string_view model, std::string_view token) {
    // An unnamed model (a doctest test calling explore) is told apart by its
    // token, so two failing tests of one binary keep both reports.
    std::string file = fmt::format("{}.{}", program_name(),
                                   model.empty() ? fmt::format("model-{:08x}", fnv1a(token)) : std::string(model));
    // Only characters every file system and shell takes as they are.
    for (char& c : file)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
    return file;
}

failure make_failure(const execution& ex, const options& opts) {
    const failure_record& rec = *ex.failure();
    failure f;
    f.kind = rec.kind;
    f.message = rec.message;
    f.location = where(rec.where);
    f.token = encode_token(ex.decisions(), ex.max_steps(), ex.model_fingerprint(), ex.token_flags());
    f.model = opts.name;
    f.replay = replay_command(f.token, opts);
    f.text = render_report(ex, f.token, opts);
    f.traces.push_back(record_trace(ex, ex.events().size(), f.token));
    f.threads = record_threads(ex);
    return f;
}

bool verify(const std::function<void()>& model, execution& ex, failure& f, const options& opts) {
    const std::vector<event> first(ex.events().begin(), ex.events().end());
    const failure_record first_failure = *ex.failure();
    std::uint64_t max_steps = 0;
    auto again = make_replay(f.token, max_steps);
    again->next_execution();
    ex.run(model, *again);

    const auto second = ex.events();
    std::size_t i = 0;
    while (i < first.size() && i < second.size() && same_event(first[i], second[i])) ++i;
    const bool same_failure = ex.failure() && ex.failure()->kind == first_failure.kind &&
                              ex.failure()->message == first_failure.message;
    if (i == first.size() && i == second.size() && same_failure) return true;
    const bool hung_again = ex.failure() && ex.failure()->kind == failure_kind::hang;
    if (first_failure.kind == failure_kind::hang && !hung_again) {
        f.message = fmt::format("an execution was stopped as a hang ({}), but did not hang when replayed: the process "
                                "was probably paused or starved (a debugger, SIGSTOP, a loaded machine), so the model "
                                "is not blamed; the rest of that execution is unexplored, so the search is not "
                                "complete",
                                first_failure.message);
        return false;
    }

    const std::string original = fmt::format("{}: {}", to_string(f.kind), f.message);
    f.kind = failure_kind::nondeterminism;
    f.message = fmt::format("the model is nondeterministic: replaying its failing schedule diverged at step {}", i + 1);
    f.location.clear();
    f.traces.clear();  // the token does not replay them
    f.threads.clear();
    std::string text = fmt::format("lockstep: nondeterminism in {}\n  {}\n", opts.name.empty() ? "model" : opts.name,
                                   f.message);
    text += "  The model depends on something the checker does not control (wall clock, unseeded randomness,\n"
            "  real threads, object addresses), so this failure would not replay:\n";
    text += fmt::format("  first run: {}\n", original);
    text += fmt::format("  step {} in the first run: {}\n", i + 1, describe_event(ex, first, i));
    text += fmt::format("  step {} in the replay:    {}\n", i + 1, describe_event(ex, second, i));
    if (i == first.size() && i == second.size())
        text += fmt::format("  the replay ended with: {}\n",
                            ex.failure() ? fmt::format("{}: {}", to_string(ex.failure()->kind), ex.failure()->message)
                                         : std::string("no failure"));
    f.text = text;
    return true;
}

failure joined_inversion(const std::function<void()>& model, execution& ex, const std::string& token,
                         const options& opts) {
    const std::vector<std::string> parts = token_parts(token);
    const auto replay_part = [&](const std::string& part) {
        std::uint64_t max_steps = 0;
        auto again = make_replay(part, max_steps);
        again->next_execution();
        ex.run(model, *again);
        return !again->problem() && (!ex.failure() || ex.failure()->kind == failure_kind::lock_order_inversion);
    };
    lock_order_history history;
    bool replayed = true;
    for (const std::string& part : parts) {
        replayed = replay_part(part) && replayed;
        history.absorb(ex);
    }
    failure f;
    f.token = token;
    f.model = opts.name;
    f.replay = replay_command(token, opts);
    const std::string model_name = opts.name.empty() ? "model" : opts.name;
    if (!replayed || history.cycle().empty() || history.cycle_token() != token) {
        f.kind = failure_kind::nondeterminism;
        f.message = "the model is nondeterministic: replaying the executions that took locks in a cycle of orders "
                    "did not show the cycle again";
        f.text = fmt::format("lockstep: nondeterminism in {}\n  {}\n", model_name, f.message);
        return f;
    }
    const std::vector<history_edge>& cycle = history.cycle();
    std::vector<edge_text> edges;
    for (const history_edge& e : cycle)
        edges.push_back({e.thread_label, e.from_label, e.to_label, e.from_shared, e.to_shared, e.from_site, e.to_site,
                         parts.size() > 1 ? fmt::format(", in execution {}", e.part + 1) : std::string()});
    f.kind = failure_kind::lock_order_inversion;
    f.message = describe_inversion(edges, parts.size());
    f.location = where(cycle.back().to_site);
    f.text = fmt::format("lockstep: {} in {}\n  {}\n", to_string(f.kind), model_name, f.message);
    if (parts.size() > 1)
        f.text += fmt::format("  No one execution took the locks in all these orders; each did its part:\n");
    for (std::size_t p = 0; p < parts.size(); ++p) {
        std::size_t upto = 0;
        for (const history_edge& e : cycle)
            if (e.part == p) upto = std::max(upto, e.step);
        replay_part(parts[p]);
        f.text += fmt::format("\nexecution {} of {} ({}), up to its last acquisition in the cycle:\n", p + 1,
                              parts.size(), parts[p]);
        f.text += render_trace(ex, upto);
        f.traces.push_back(record_trace(ex, upto, parts[p]));
    }
    f.text += "\n" + replay_line(token, opts) + "\n";
    return f;
}

std::optional<std::string> write_failure_file(const failure& f, const options& opts) {
    if (opts.failure_dir.empty()) return std::nullopt;
    std::error_code ec;
    std::filesystem::create_directories(opts.failure_dir, ec);
    std::string file = failure_file_name(opts.name, f.token);
    const std::filesystem::path base = std::filesystem::path(opts.failure_dir) / file;
    std::string failed;
    const auto write = [&](const std::string& path, const std::string& text) {
        std::ofstream out(path);
        out << text;
        out.close();
        if (!out) failed += (failed.empty() ? "" : ", ") + path;
    };
    write(base.string() + ".txt", f.text);
    write(base.string() + ".json", to_json(f));
    write(base.string() + ".html", to_swimlanes(f));
    if (failed.empty()) return std::nullopt;
    // Said twice: a CI log that drops the result may still show stderr.
    std::string problem = fmt::format("options.failure_dir = \"{}\": the failure report could not be written to {}",
                                      opts.failure_dir, failed);
    std::fprintf(stderr, "lockstep: %s\n", problem.c_str());
    return problem;
}

void settle_inversion(result& r, failure inversion, const options& opts) {
    if (opts.lock_order == lock_order_check::warning && inversion.kind == failure_kind::lock_order_inversion) {
        r.warnings.push_back(std::move(inversion.message));
        return;
    }
    if (auto problem = write_failure_file(inversion, opts)) r.warnings.push_back(std::move(*problem));
    ++r.failed_executions;
    r.failure = std::move(inversion);
}

} // namespace lockstep::detail
