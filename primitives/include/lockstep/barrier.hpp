#pragma once
// lockstep::barrier: a reusable rendezvous of `expected` threads, as std::barrier
// (and Python's threading.Barrier with an action). When the last thread of a
// phase arrives it runs the completion function (once per phase, on that
// thread), then every waiter of the phase is released and the next phase begins.
#include <cstddef>
#include <limits>
#include <cstdint>
#include <source_location>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <lockstep/detail/runtime.hpp>

namespace lockstep {

struct no_completion {
    void operator()() noexcept {}
};

template <class CompletionFunction = no_completion>
class barrier {
public:
    class arrival_token {
    public:
        arrival_token(arrival_token&&) = default;
        arrival_token& operator=(arrival_token&&) = default;

    private:
        friend class barrier;
        explicit arrival_token(std::uint64_t phase) : phase_(phase) {}
        std::uint64_t phase_;
    };

    explicit barrier(std::ptrdiff_t expected, CompletionFunction completion = CompletionFunction(),
                     std::string_view name = {}, std::source_location created = std::source_location::current())
        : id_(detail::add_object(detail::object_kind::barrier, name, created)),
          expected_(expected),
          completion_(std::move(completion)) {
        if (expected < 0)
            detail::fail(failure_kind::misuse,
                         fmt::format("{} created with a negative count {}", detail::object_label(id_), expected),
                         created);
    }
    barrier(const barrier&) = delete;
    barrier& operator=(const barrier&) = delete;

    static constexpr std::ptrdiff_t max() noexcept { return std::numeric_limits<std::ptrdiff_t>::max(); }

    [[nodiscard]] arrival_token arrive(std::ptrdiff_t n = 1,
                                       std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::arrive, id_, where, detail::sync::none});
        return arrival_token(count(n, 0, where));
    }
    void wait(arrival_token&& token, std::source_location where = std::source_location::current()) const {
        const std::uint64_t phase = token.phase_;
        detail::schedule({detail::op_kind::wait, id_, where, detail::sync::none}, detail::until([this, phase] { return phase_ != phase; }));
        detail::synchronize(id_, phase % 2, detail::sync::observe);
    }
    void arrive_and_wait(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::arrive_and_wait, id_, where, detail::sync::none});
        const std::uint64_t phase = count(1, 0, where);
        if (phase_ != phase) return;  // the last to arrive: the phase is over
        wait(arrival_token(phase), where);
    }
    void arrive_and_drop(std::source_location where = std::source_location::current()) {
        detail::schedule({detail::op_kind::arrive_and_drop, id_, where, detail::sync::none});
        count(1, 1, where);
    }

    // How many phases have completed.
    std::uint64_t phase() const noexcept { return phase_; }
    detail::object_id object() const noexcept { return id_; }

private:
    // Counts n arrivals (of which `dropping` leave for good); returns the phase they arrived in.
    std::uint64_t count(std::ptrdiff_t n, std::ptrdiff_t dropping, std::source_location where) {
        const std::uint64_t phase = phase_;
        if (n <= 0 || arrived_ + n > expected_)
            detail::fail(failure_kind::misuse,
                         fmt::format("thread {} arrives at {} {} time(s) when {} of the {} expected arrivals of "
                                     "phase {} already happened (undefined behaviour)",
                                     detail::thread_label(detail::self()), detail::object_label(id_), n, arrived_,
                                     expected_, phase_),
                         where);
        arrived_ += n;
        dropped_ += dropping;
        detail::annotate(static_cast<std::int64_t>(phase));
        // Happens-before by phase: an arrival publishes into its phase's clock; the
        // last one, and every waiter released, observes it. Phases alternate between
        // two clocks, so a waiter of phase p never sees arrivals of phase p+1.
        detail::synchronize(id_, phase % 2, arrived_ == expected_ ? detail::sync::both : detail::sync::publish);
        if (arrived_ == expected_) {
            completion_();  // the last arriving thread runs it, before anyone is released
            expected_ -= dropped_;
            arrived_ = 0;
            dropped_ = 0;
            ++phase_;
        }
        return phase;
    }

    detail::object_id id_;
    std::ptrdiff_t expected_;
    std::ptrdiff_t arrived_ = 0;
    std::ptrdiff_t dropped_ = 0;
    std::uint64_t phase_ = 0;
    CompletionFunction completion_;
};

} // namespace lockstep
