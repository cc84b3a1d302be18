// The command-line runner: a table of verdicts for a catalogue of models.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <ostream>
#include <string_view>

#include <unistd.h>  // isatty

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <lockstep/explore.hpp>
#include <lockstep/export.hpp>
#include <lockstep/model.hpp>

#include "budget.hpp"
#include "estimate.hpp"
#include "junit.hpp"
#include "lock_order_history.hpp"
#include "progress.hpp"
#include "token.hpp"

namespace lockstep {
namespace {

// Follows "usage: <program>".
constexpr std::string_view usage = R"( [options] [model or scenario ...]
  Runs the models (all by default) and prints a table of verdicts; exits 0 when
  every verdict is the expected one.
  --list                      list the models and their expected verdicts
  --list-names                one line per model: its name, a tab, its expected verdict
                              (what lockstep_discover_models reads)
  --strategy dfs|dpor|random|pct
                              override each model's own strategy
  --seed N                    seed for random and pct (default 0)
  --pct-depth N               pct: the bug depth searched for (default 3)
  --max-executions N          stop each model after N executions
  --max-time DURATION         stop each model after DURATION (30s, 5m, 1h, 1h30m, 500ms); a line
                              says how much of the space the search covered
  --estimate                  no search: estimate each model's executions and the time they take,
                              dfs from random probes, dpor from its first executions
                              (--max-executions of them, default 1000)
  --max-steps N               livelock bound per execution
  --step-time-limit MS        a model thread running this long without a lockstep operation is
                              a hang (default 10000; 0 = never)
  --workers N                 random search: OS threads running executions (0 = one per core;
                              default 1); the verdicts and failures are those of one thread
  --preemption-bound N        dfs/dpor: at most N preemptions per execution
  --iterative                 dfs/dpor: rounds of dfs with preemption bound 0, 1, 2, ... (up to
                              --preemption-bound): the failure found has the fewest preemptions
  --spin-reduction            a thread whose wait-loop turn only read and yielded waits until
                              something it read changes (options.spin_reduction: only for wait
                              loops without other effects; see the README)
  --details                   after the table, print every model's full result
  --markdown                  print the table as Markdown
  --readme                    print the README table: scenario, verdict, executions, finding
  --failures-dir DIR          where failure reports are written (default lockstep-failures), as
                              <program>.<model>.txt, .json and .html
  --junit FILE                also write the verdicts as JUnit XML, one testcase per model
  --progress                  show progress on stderr (the default when it is a terminal)
  --progress-every SECONDS    a progress line every SECONDS (default 10; on a terminal the line
                              is redrawn from 1 s on)
  --replay MODEL TOKEN        replay one failure of MODEL and print its full report
  --format text|json|html     how --replay prints it: the report, JSON, or an HTML page of
                              swimlanes (one column per thread); failures found by a run are
                              written in all three to the failures directory
Environment (wins over the options above and the models' own settings):
  LOCKSTEP_STRATEGY, LOCKSTEP_SEED, LOCKSTEP_MAX_EXECUTIONS, LOCKSTEP_MAX_TIME, LOCKSTEP_ESTIMATE,
  LOCKSTEP_PREEMPTION_BOUND, LOCKSTEP_WORKERS, LOCKSTEP_MEMORY_MODEL (rc11|sc),
  LOCKSTEP_TASK_ORDER (any|fifo), LOCKSTEP_SPIN_REDUCTION (0|1), LOCKSTEP_FAILURE_DIR
)";

// argv[0]'s basename: usage text and replay lines name the binary that runs.
std::string program_of(int argc, const char* const* argv) {
    if (argc < 1 || argv[0] == nullptr || *argv[0] == '\0') return "lockstep-models";
    const std::string_view path = argv[0];
    return std::string(path.substr(path.find_last_of('/') + 1));
}

// Whether `err` is the process's stderr and that is a terminal.
bool is_terminal(const std::ostream& err) { return &err == &std::cerr && ::isatty(STDERR_FILENO) == 1; }

bool is_exhaustive(strategy s) { return s == strategy::dfs || s == strategy::dpor; }

std::optional<strategy> parse_strategy(std::string_view s) {
    if (s == "dfs") return strategy::dfs;
    if (s == "dpor") return strategy::dpor;
    if (s == "random") return strategy::random;
    if (s == "pct") return strategy::pct;
    return std::nullopt;
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string expected_text(const model& m) {
    return m.expected_failure ? fmt::format("FAIL {}", to_string(*m.expected_failure)) : std::string("PASS");
}

// For a deadlock, the report's wait-for cycle ("T1 holds a, waits for b; ...").
std::string deadlock_summary(const failure& f) {
    if (f.kind != failure_kind::deadlock) return {};
    constexpr std::string_view marker = "\ncycle: ";
    const auto at = f.text.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return ": " + f.text.substr(start, f.text.find('\n', start) - start);
}

// The README section "What the checker finds in the documents' examples": one
// Markdown row per model; the finding is the summary, plus the failure message
// for a failure and the per-lock contention where a lock was contended.
template <class Rows>
std::string readme_table(const Rows& rows) {
    // One line: an indented continuation line becomes "; next" (or " next" after a colon).
    auto cell = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '|') {
                out += "\\|";
            } else if (text[i] == '\n') {
                while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
                out += !out.empty() && out.back() == ':' ? " " : "; ";
            } else {
                out += text[i];
            }
        }
        return out;
    };
    std::string out = "| scenario | model | verdict | executions | finding |\n|---|---|---|---:|---|\n";
    std::vector<const typename Rows::value_type*> sorted;
    for (const auto& x : rows) sorted.push_back(&x);
    std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->m->scenario < b->m->scenario; });
    for (const auto* row : sorted) {
        const auto& x = *row;
        std::string finding = x.m->summary;
        if (x.r.failure) finding += ". Found: " + x.r.failure->message + deadlock_summary(*x.r.failure);
        std::vector<std::string> contended;  // S32 is the contention profile
        for (const auto& [lock, times] : x.r.contention) contended.push_back(fmt::format("{} {} times", lock, times));
        if (x.m->scenario == "S32")
            finding += contended.empty() ? std::string(". No thread ever waited for a lock")
                                         : fmt::format(". Threads had to wait for: {}", fmt::join(contended, ", "));
        std::string verdict = x.v.actual;
        if (!x.r.failure && x.r.complete) verdict += " (all executions)";
        if (!x.v.as_expected) verdict += fmt::format(" (expected {})", x.v.expected);
        out += fmt::format("| {} | {} | {} | {} | {} |\n", x.m->scenario, x.m->name, verdict, x.r.executions,
                           cell(finding));
    }
    return out;
}

// One model's <testcase>: a failure when the verdict is not the expected one,
// with the report (which ends with the replay line); an expected failure keeps
// its replay line in system-out.
detail::junit_case junit_case_of(const model& m, const result& r, const verdict& v, std::string_view program) {
    detail::junit_case c;
    c.name = m.name;
    c.seconds = r.seconds;
    const std::string replay =
        r.failure ? fmt::format("replay: {} --replay {} {}\n", program, m.name, r.failure->token) : std::string();
    if (!v.as_expected) {
        c.failure_message = r.failure ? fmt::format("{}: {}", v.problem, r.failure->message) : v.problem;
        c.failure_type = v.actual;
        c.failure_text = r.failure ? r.failure->report() : r.describe();
        if (r.failure && c.failure_text.find(replay) == std::string::npos) c.failure_text += replay;
    } else if (r.failure) {
        c.system_out = fmt::format("{} as expected: {}\n{}", v.actual, r.failure->message, replay);
    }
    return c;
}

} // namespace

verdict judge(const model& m, const result& r) {
    verdict v;
    v.expected = expected_text(m);
    v.actual = r.failure ? fmt::format("FAIL {}", to_string(r.failure->kind)) : std::string("PASS");
    if (v.expected != v.actual) {
        v.problem = fmt::format("expected {}, got {}", v.expected, v.actual);
        return v;
    }
    if (!m.expected_failure && is_exhaustive(m.settings.strategy) && !r.complete) {
        v.problem = "PASS without covering the whole space: not a proof";
        return v;
    }
    for (const auto& [name, values] : m.expected_outcomes) {
        if (!r.complete) break;  // a partial search need not see every outcome
        std::vector<std::string> seen;
        if (auto it = r.outcomes.find(name); it != r.outcomes.end())
            for (const auto& [value, count] : it->second) seen.push_back(value);
        std::vector<std::string> want = values;
        std::sort(want.begin(), want.end(), outcome_order{});
        if (seen != want) {
            v.problem = fmt::format("outcome {}: expected {{{}}}, saw {{{}}}", name, fmt::join(want, ","),
                                    fmt::join(seen, ","));
            return v;
        }
    }
    v.as_expected = true;
    return v;
}

namespace {
// Which of `models` a token replayed on `tried` was recorded on, when the token
// says and it is another: its name, and the command that replays it there.
std::string origin_of(std::string_view token, std::span<const model> models, std::string_view tried,
                      std::string_view program) {
    std::uint32_t recorded = detail::unnamed_model;
    try {
        recorded = detail::decode_token(detail::token_parts(token).front()).model;
    } catch (const token_error&) {
        return {};
    }
    if (recorded == detail::unnamed_model || recorded == detail::model_fingerprint(tried)) return {};
    for (const model& m : models)
        if (detail::model_fingerprint(m.name) == recorded)
            return fmt::format("; it was recorded on model {}: {} --replay {} {}", m.name, program, m.name, token);
    return "; it was recorded on none of this program's models";
}
} // namespace

result run_model(const model& m, const options& overrides, bool strategy_given, std::string_view program,
                 std::string_view project_root) {
    options o = m.settings;
    if (strategy_given) o.strategy = overrides.strategy;
    o.seed = overrides.seed;
    if (overrides.max_executions) o.max_executions = overrides.max_executions;
    if (overrides.max_time.count() > 0) o.max_time = overrides.max_time;
    if (overrides.estimate_only) o.estimate_only = true;
    if (overrides.max_steps != options{}.max_steps) o.max_steps = overrides.max_steps;
    if (overrides.preemption_bound != options{}.preemption_bound) o.preemption_bound = overrides.preemption_bound;
    if (overrides.iterative_preemption_bound) o.iterative_preemption_bound = true;
    if (overrides.spin_reduction) o.spin_reduction = true;
    if (overrides.pct_depth != options{}.pct_depth) o.pct_depth = overrides.pct_depth;
    o.workers = overrides.workers;
    o.step_time_limit = overrides.step_time_limit;
    o.name = m.name;
    o.replay_command = fmt::format("{} --replay {}", program, m.name);
    o.failure_dir = overrides.failure_dir;
    o.progress = overrides.progress;
    return explore(m.body, o, project_root);
}

int run_models(std::span<const model> models, int argc, const char* const* argv, std::ostream& out,
               std::ostream& err, std::string_view project_root) {
    const std::string program = program_of(argc, argv);
    options overrides;
    overrides.failure_dir = "lockstep-failures";
    bool strategy_given = false, details = false, markdown = false, list = false, readme = false, names = false;
    const bool terminal = is_terminal(err);
    bool progress = terminal;
    double progress_every = terminal ? 1 : 10;  // a redrawn line can come early; a log's lines should not
    std::optional<std::string> junit;
    std::vector<std::string_view> wanted;
    std::optional<std::pair<std::string_view, std::string_view>> replay_request;  // model, token
    std::string_view format = "text";
    auto find = [&](std::string_view name) -> const model* {
        for (const model& m : models)
            if (m.name == name) return &m;
        return nullptr;
    };

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string_view(argv[++i]);
        };
        auto number = [&](std::uint64_t& into) {
            const auto v = value();
            const auto n = v ? parse_number(*v) : std::nullopt;
            if (!n) {
                err << fmt::format("{}: {} needs a number\n", program, arg);
                return false;
            }
            into = *n;
            return true;
        };
        if (arg == "--help" || arg == "-h") {
            out << "usage: " << program << usage;
            return 0;
        } else if (arg == "--list") {
            list = true;
        } else if (arg == "--list-names") {
            names = true;
        } else if (arg == "--progress") {
            progress = true;
        } else if (arg == "--progress-every") {
            const auto v = value();
            double seconds = 0;
            const auto [end, ec] = v ? std::from_chars(v->data(), v->data() + v->size(), seconds)
                                     : std::from_chars_result{nullptr, std::errc::invalid_argument};
            if (ec != std::errc() || end != v->data() + v->size() || !(seconds > 0)) {
                err << fmt::format("{}: --progress-every needs a number of seconds above 0\n", program);
                return 2;
            }
            progress = true;
            progress_every = seconds;
        } else if (arg == "--junit") {
            const auto v = value();
            if (!v) {
                err << fmt::format("{}: --junit needs a file name\n", program);
                return 2;
            }
            junit = std::string(*v);
        } else if (arg == "--details") {
            details = true;
        } else if (arg == "--markdown") {
            markdown = true;
        } else if (arg == "--readme") {
            readme = true;
        } else if (arg == "--strategy") {
            const auto v = value();
            const auto s = v ? parse_strategy(*v) : std::nullopt;
            if (!s) {
                err << fmt::format("{}: --strategy takes dfs, dpor, random or pct\n", program);
                return 2;
            }
            overrides.strategy = *s;
            strategy_given = true;
        } else if (arg == "--seed") {
            if (!number(overrides.seed)) return 2;
        } else if (arg == "--max-executions") {
            if (!number(overrides.max_executions)) return 2;
        } else if (arg == "--max-time") {
            const auto v = value();
            const auto d = v ? detail::parse_duration(*v) : std::nullopt;
            if (!d) {
                err << fmt::format("{}: --max-time needs a duration such as 30s, 5m, 1h or 1h30m\n", program);
                return 2;
            }
            overrides.max_time = *d;
        } else if (arg == "--estimate") {
            overrides.estimate_only = true;
        } else if (arg == "--max-steps") {
            if (!number(overrides.max_steps)) return 2;
        } else if (arg == "--preemption-bound") {
            if (!number(overrides.preemption_bound)) return 2;
        } else if (arg == "--step-time-limit") {
            std::uint64_t ms = 0;
            if (!number(ms)) return 2;
            overrides.step_time_limit = std::chrono::milliseconds(ms);
        } else if (arg == "--workers") {
            std::uint64_t n = 0;
            if (!number(n)) return 2;
            overrides.workers = static_cast<unsigned>(n);
        } else if (arg == "--pct-depth") {
            if (!number(overrides.pct_depth)) return 2;
        } else if (arg == "--spin-reduction") {
            overrides.spin_reduction = true;
        } else if (arg == "--iterative") {
            overrides.iterative_preemption_bound = true;
        } else if (arg == "--failures-dir") {
            const auto v = value();
            if (!v) {
                err << fmt::format("{}: --failures-dir needs a directory\n", program);
                return 2;
            }
            overrides.failure_dir = std::string(*v);
        } else if (arg == "--replay") {
            const auto name = value();
            const auto token = value();
            if (!name || !token) {
                err << fmt::format("{}: --replay needs a model name and a token\n", program);
                return 2;
            }
            replay_request = {*name, *token};
        } else if (arg == "--format") {
            const auto v = value();
            if (!v || (*v != "text" && *v != "json" && *v != "html")) {
                err << fmt::format("{}: --format takes text, json or html\n", program);
                return 2;
            }
            format = *v;
        } else if (arg.starts_with("-")) {
            err << fmt::format("{0}: unknown option {1}\nusage: {0}{2}", program, arg, usage);
            return 2;
        } else {
            wanted.push_back(arg);
        }
    }

    if (replay_request) {
        const auto [name, token] = *replay_request;
        const model* m = find(name);
        if (m == nullptr) {
            err << fmt::format("{}: no model named '{}' (--list shows them)\n", program, name);
            return 2;
        }
        options o = m->settings;
        o.name = m->name;
        o.replay_command = fmt::format("{} --replay {}", program, m->name);
        try {
            const result r = replay(m->body, token, o, project_root);
            if (!r.failure) out << "the replayed execution did not fail\n";
            else if (format == "json") out << to_json(*r.failure);
            else if (format == "html") out << to_swimlanes(*r.failure);
            else out << r.failure->report();
            return r.failure ? 1 : 0;
        } catch (const token_error& e) {
            err << program << ": " << e.what() << origin_of(token, models, m->name, program) << "\n";
            return 2;
        }
    }

    std::vector<const model*> selected;
    for (const model& m : models)
        if (wanted.empty() || std::find(wanted.begin(), wanted.end(), m.name) != wanted.end() ||
            std::find(wanted.begin(), wanted.end(), m.scenario) != wanted.end())
            selected.push_back(&m);
    for (std::string_view w : wanted)
        if (std::none_of(models.begin(), models.end(), [&](const model& m) { return m.name == w || m.scenario == w; })) {
            err << fmt::format("{}: no model or scenario '{}' (--list shows them)\n", program, w);
            return 2;
        }

    if (list) {
        for (const model* m : selected)
            out << fmt::format("{:<4} {:<34} {:<20} {}\n", m->scenario, m->name, expected_text(*m), m->summary);
        return 0;
    }
    if (names) {
        for (const model* m : selected) out << fmt::format("{}\t{}\n", m->name, expected_text(*m));
        return 0;
    }

    struct row {
        const model* m;
        result r;
        verdict v;
    };
    std::vector<row> rows;
    std::vector<detail::junit_case> cases;
    std::size_t mismatches = 0;
    detail::progress_meter meter(err, terminal, std::chrono::duration<double>(progress_every));
    if (progress) overrides.progress = [&](const progress_report& p) { meter.update(p); };
    for (const model* m : selected) {
        result r;
        meter.start(m->name);
        try {
            r = run_model(*m, overrides, strategy_given, program, project_root);
        } catch (const std::exception& e) {
            meter.finish();
            // LOCKSTEP_REPLAY replays its token on every model run: say which one it fits.
            const char* token = std::getenv("LOCKSTEP_REPLAY");
            const std::string origin = token != nullptr && *token != '\0' && dynamic_cast<const token_error*>(&e)
                                           ? origin_of(token, models, m->name, program)
                                           : std::string();
            err << fmt::format("{}: {}: {}{}\n", program, m->name, e.what(), origin);
            detail::junit_case c;
            c.name = m->name;
            c.error_message = e.what();
            cases.push_back(std::move(c));
            ++mismatches;
            continue;
        }
        meter.finish();
        verdict v = judge(*m, r);
        if (!v.as_expected) ++mismatches;
        cases.push_back(junit_case_of(*m, r, v, program));
        rows.push_back({m, std::move(r), std::move(v)});
    }
    if (junit) {
        std::ofstream file(*junit);
        file << detail::to_junit(program, cases);
        if (!file.flush()) {
            err << fmt::format("{}: cannot write the JUnit file {}\n", program, *junit);
            return 2;
        }
    }

    const char* estimating = std::getenv("LOCKSTEP_ESTIMATE");
    if (overrides.estimate_only || (estimating != nullptr && std::string_view(estimating) == "1")) {  // no verdicts
        for (const row& x : rows)
            if (x.r.estimate)
                out << fmt::format("{}: {}\n", x.m->name,
                                   detail::estimate_line(*x.r.estimate, x.r.seconds > 0 ? x.r.executions / x.r.seconds : 0));
        return rows.size() == selected.size() ? 0 : 1;
    }
    if (readme) {
        out << readme_table(rows);
        return mismatches == 0 ? 0 : 1;
    }
    const char* header[] = {"scenario", "model", "expected", "actual", "executions", "complete", "seconds", "replay"};
    std::vector<std::array<std::string, 8>> cells;
    for (const row& x : rows)
        cells.push_back({x.m->scenario, x.m->name, x.v.expected,
                         x.v.as_expected ? x.v.actual : x.v.actual + " (!)", fmt::format("{}", x.r.executions),
                         x.r.complete ? "yes" : "no", fmt::format("{:.2f}", x.r.seconds),
                         x.r.failure ? x.r.failure->token : std::string()});
    if (markdown) {
        out << fmt::format("| {} |\n|---|---|---|---|---:|---|---:|---|\n", fmt::join(header, " | "));
        for (const auto& c : cells) out << fmt::format("| {} |\n", fmt::join(c, " | "));
    } else {
        std::size_t w[8];
        for (int i = 0; i < 8; ++i) w[i] = std::string_view(header[i]).size();
        for (const auto& c : cells)
            for (int i = 0; i < 8; ++i) w[i] = std::max(w[i], c[i].size());
        auto line = [&](auto get) {
            std::string s;
            for (int i = 0; i < 8; ++i)
                s += (i == 4 || i == 6) ? fmt::format("{:>{}}  ", get(i), w[i]) : fmt::format("{:<{}}  ", get(i), w[i]);
            while (!s.empty() && s.back() == ' ') s.pop_back();
            return s + "\n";
        };
        out << line([&](int i) { return std::string(header[i]); });
        for (const auto& c : cells) out << line([&](int i) { return c[i]; });
    }
    bool first_failure = true;
    for (const row& x : rows) {
        if (!x.r.failure) continue;
        if (std::exchange(first_failure, false)) out << "\n";
        out << fmt::format("replay {}: {} --replay {} {}\n", x.m->name, program, x.m->name, x.r.failure->token);
    }
    for (const row& x : rows)  // a budget cut the search: how far it got
        if (x.r.stopped == stop_reason::max_time || (x.r.stopped == stop_reason::max_executions && x.r.estimate))
            out << fmt::format("{}: {}\n", x.m->name, detail::stop_line(x.r));
    for (const row& x : rows)
        if (!x.v.as_expected) out << fmt::format("\n{}: {}\n", x.m->name, x.v.problem);
    if (details)
        for (const row& x : rows) {
            out << fmt::format("\n== {} {} ==\n{}", x.m->scenario, x.m->name, x.r.describe());
            for (const auto& [lock, times] : x.r.contention)
                out << fmt::format("contention {}: a thread had to wait for it {} times\n", lock, times);
        }
    out << fmt::format("\n{} models, {} as expected, {} not\n", selected.size(), selected.size() - mismatches,
                       mismatches);
    return mismatches == 0 ? 0 : 1;
}

} // namespace lockstep
