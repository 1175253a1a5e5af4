#include <algorithm>

#include "../phase.hpp"
#include "conform/gen/values.hpp"

namespace conform::engine {
namespace {

// Whether sending a request again repeats it: safe and idempotent methods only (RFC 9110).
bool repeatable(const spec::Operation& op) {
  return op.method == "get" || op.method == "head" || op.method == "options" || op.method == "put";
}

// Walks RapidCheck's shrink tree while the same check keeps failing.
FailureRecord shrink(Engine::Impl& e, const spec::Operation& op, const std::string& check_name,
                     rc::Shrinkable<gen::RequestCase> current, std::uint64_t seed,
                     const transport::Auth& credential) {
  auto failing = [&](const gen::RequestCase& c,
                     const transport::Exchange& exchange) -> std::optional<checks::Failure> {
    if (!exchange.response) return std::nullopt;
    for (auto& f : e.check(op, c, *exchange.response)) {
      if (f.check == check_name) return f;
    }
    return std::nullopt;
  };
  gen::RequestCase value = current.value();
  auto exchange = e.session.send(e.session.outgoing(op, value.request, credential));
  auto failure = failing(value, exchange);
  int status = exchange.response ? exchange.response->status : 0;
  if (!failure || !exchange.response) {  // flaky: report what the first send saw
    return {.check = check_name,
            .message = "failed once, then passed when sent again (the server is not deterministic)",
            .status = status,
            .curl = e.session.curl(value.request, credential),
            .case_summary = summary_of(value),
            .seed = seed};
  }
  transport::Response last = *exchange.response;
  auto still_fails = [&](const rc::Shrinkable<gen::RequestCase>& next) {
    gen::RequestCase candidate;
    try {
      candidate = next.value();
    } catch (const std::exception&) {
      return false;
    }
    auto answer = e.session.send(e.session.outgoing(op, candidate.request, credential));
    auto f = failing(candidate, answer);
    if (!f) return false;
    value = std::move(candidate);
    failure = std::move(f);
    last = *answer.response;
    return true;
  };
  bool shrunk = gen::shrink_while(std::move(current), e.options.max_shrink_sends, still_fails, [&] {
                  return e.interrupted();
                }).second;
  FailureRecord out = e.record(*failure, value, last, credential, seed);
  out.shrunk = shrunk;
  return out;
}

// Cases are drawn, sent and checked at most this many at a time: memory holds one window,
// whatever --max-examples or --duration ask for.
constexpr int kWindow = 64;
// And a window holds about this many bytes of answers: it starts at kFirstWindow cases and grows
// only as far as the largest answer seen lets it (answers of 10 MiB, the most kept by default,
// go six at a time).
constexpr std::size_t kWindowBytes = 64 * 1024 * 1024;
constexpr int kFirstWindow = 4;
// With --duration, fuzzing goes in rounds of this many cases (fewer when --max-examples is
// smaller), each from a fresh seed, with sizes growing from small to large.
constexpr int kRoundSize = 100;

struct Drawn {
  rc::Shrinkable<gen::RequestCase> shrinkable;
  gen::RequestCase value;
  std::uint64_t seed;
  bool negative;
};

// The first failing case of each check, kept to be shrunk when the phase ends.
struct FirstFailure {
  Drawn drawn;
  transport::Response response;
  checks::Failure found;
  std::string round;  // "" in the first round, else how to replay it
};

// One operation's fuzzing: rounds of cases drawn and sent a window at a time, until
// --max-examples cases were sent or, with --duration, the operation's share of the time is up.
class Fuzzing {
 public:
  Fuzzing(Engine::Impl& e, const spec::Operation& op, PhaseResult& result)
      : e_(e),
        op_(op),
        result_(result),
        cases_(e.cases_for(op)),
        positive_(cases_.positive()),
        negative_(cases_.negative()),
        credential_(e.auth(op)) {}

  void run() {
    const RunOptions& o = e_.options;
    const bool timed = o.fuzzing_deadline.has_value();
    // Without --duration: one round of --max-examples. With it: rounds until the time is up,
    // and --max-examples, when given, caps the cases in all.
    const long long cap = !timed || o.max_examples_given ? o.max_examples : -1;
    const auto until = timed ? share_of_time() : std::chrono::steady_clock::time_point::max();
    long long drawn_in_all = 0;
    for (int round = 0;; ++round) {
      const std::uint64_t run_seed =
          round == 0 ? o.seed : gen::mix_seed(o.seed + static_cast<std::uint64_t>(round));
      const int size = timed ? kRoundSize : o.max_examples;
      const long long left = cap < 0 ? size : std::min<long long>(size, cap - drawn_in_all);
      if (left <= 0) break;
      if (round > 0) {
        // Round R's cases are the first round's of another seed: a run with it replays them.
        round_label_ = "round " + std::to_string(round + 1) + " of --duration: --seed " +
                       std::to_string(run_seed) + " --max-examples " + std::to_string(left) +
                       " replays it";
      }
      drawn_in_all += play_round(run_seed, static_cast<int>(left), until);
      if (!timed || stopped(until)) break;
    }
    finish();
  }

 private:
  // The part of the run's time left for this operation: what is left, over the fuzzing phases
  // still to run (this one included).
  std::chrono::steady_clock::time_point share_of_time() {
    const auto now = std::chrono::steady_clock::now();
    const auto deadline = *e_.options.fuzzing_deadline;
    if (now >= deadline) return now;
    const int remaining = std::max(1, e_.options.fuzzing_operations - e_.fuzzing_started);
    ++e_.fuzzing_started;
    return now + (deadline - now) / remaining;
  }

  bool stopped(std::chrono::steady_clock::time_point until) const {
    return e_.interrupted() || std::chrono::steady_clock::now() >= until;
  }

  // Draws and sends `count` cases of one round, a window at a time; returns how many it drew.
  int play_round(std::uint64_t run_seed, int count, std::chrono::steady_clock::time_point until) {
    const std::uint64_t op_seed =
        gen::mix_seed(run_seed ^ std::hash<std::string>{}(op_.operation_id));
    int drawn_count = 0;
    for (int first = 0, end = 0; first < count; first = end) {
      if (first > 0 && stopped(until)) break;
      end = std::min(count, first + window_);  // send() sizes the next window
      std::vector<Drawn> window;
      for (int i = first; i < end; ++i) {
        std::uint64_t seed = gen::mix_seed(op_seed + static_cast<std::uint64_t>(i));
        int size = count > 1 ? i * rc::kNominalSize / (count - 1) : rc::kNominalSize;
        if (auto drawn = draw(seed, size, i % 2 == 1)) window.push_back(std::move(*drawn));
      }
      drawn_count += static_cast<int>(window.size());
      send(window);
    }
    return drawn_count;
  }

  std::optional<Drawn> draw(std::uint64_t seed, int size, bool want_negative) {
    // After three misses and no hit, the operation has nothing to break as sent: valid cases
    // take the invalid ones' turns (and the notes say so).
    bool negatives = negative_hits_ > 0 || negative_misses_ < 3;
    for (bool neg : {want_negative, false}) {
      if (neg && !negatives) {
        // Counted with the misses when they all said why: one note, not two.
        ++shortfall_[negative_miss_.empty()
                         ? "invalid case not drawn: earlier draws found nothing to break"
                         : negative_miss_];
        continue;
      }
      try {
        auto shrinkable = (neg ? negative_ : positive_)(rc::Random(seed), size);
        gen::RequestCase value = shrinkable.value();
        if (neg) ++negative_hits_;
        return Drawn{std::move(shrinkable), std::move(value), seed, neg};
      } catch (const gen::Unsatisfiable& error) {
        missed(neg, error.what());
      } catch (const rc::GenerationFailure& error) {
        missed(neg, error.what());
      }
    }
    return std::nullopt;
  }

  void missed(bool neg, const std::string& why) {
    std::string note = std::string(neg ? "invalid" : "valid") + " case not drawn: " + why;
    ++shortfall_[note];
    if (!neg) return;
    negative_miss_ = negative_misses_ == 0 || negative_miss_ == note ? note : std::string();
    ++negative_misses_;
  }

  void send(std::vector<Drawn>& window) {
    if (window.empty()) return;
    any_drawn_ = true;
    std::vector<transport::Outgoing> batch;
    for (const auto& d : window)
      batch.push_back(e_.session.outgoing(op_, d.value.request, credential_));
    auto exchanges = e_.session.send(batch);
    std::size_t largest = 0;
    for (const auto& exchange : exchanges) {
      if (exchange.response) largest = std::max(largest, exchange.response->body.size());
    }
    const auto by_bytes = static_cast<int>(std::clamp<std::size_t>(
        kWindowBytes / std::max<std::size_t>(largest, 1), 1, static_cast<std::size_t>(kWindow)));
    window_ = std::min({kWindow, window_ * 2, by_bytes});
    for (std::size_t i = 0; i < window.size(); ++i) {
      const auto& exchange = exchanges[i];
      ++attempted_;
      if (exchange.problem == transport::Problem::rate_limited) {
        ++limited_;
        continue;
      }
      if (!exchange.response) {
        e_.absorb(op_, window[i].value, exchange, credential_, window[i].seed, result_);
        continue;
      }
      e_.count_sent(op_, result_, window[i].value, *exchange.response);
      for (auto& f : e_.check(op_, window[i].value, *exchange.response)) {
        if (first_.contains(f.check)) continue;
        std::string name = f.check;
        first_.emplace(name,
                       FirstFailure{window[i], *exchange.response, std::move(f), round_label_});
      }
    }
  }

  void finish() {
    for (const auto& [reason, times] : shortfall_) {
      result_.notes.push_back(std::to_string(times) + " × " + reason);
    }
    if (!any_drawn_) {
      result_.not_tested = "no request can be generated for this operation";
      return;
    }
    if (limited_ == attempted_) result_.not_tested = "rate-limited throughout";
    for (auto& [name, first] : first_) {
      if (e_.interrupted()) break;
      FailureRecord record;
      if (!repeatable(op_)) {
        // Sent again, a POST, PATCH or DELETE is not the same request (the first one changed the
        // state it meets): the failure is reported as its first send saw it, unshrunk.
        record = e_.record(first.found, first.drawn.value, first.response, credential_,
                           first.drawn.seed);
        record.message += " (not shrunk: " + core::ascii_lower(op_.method) +
                          " is not repeatable without changing what it acts on)";
      } else {
        record = shrink(e_, op_, name, first.drawn.shrinkable, first.drawn.seed, credential_);
      }
      if (!first.round.empty()) record.case_summary += " (" + first.round + ")";
      e_.add_failure(result_, std::move(record));
    }
  }

  Engine::Impl& e_;
  const spec::Operation& op_;
  PhaseResult& result_;
  gen::OperationCases& cases_;
  rc::Gen<gen::RequestCase> positive_, negative_;
  transport::Auth credential_;
  // Why a kind of case could not be drawn, with how often: said in the phase's notes.
  std::map<std::string, int> shortfall_;
  std::string negative_miss_;  // why every invalid draw so far missed, when they agree
  int negative_misses_ = 0, negative_hits_ = 0;
  long long attempted_ = 0, limited_ = 0;
  bool any_drawn_ = false;
  int window_ = kFirstWindow;  // cases drawn and sent together; see kWindowBytes
  std::string round_label_;
  std::map<std::string, FirstFailure> first_;
};

void run_fuzzing(Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
  Fuzzing(e, op, result).run();
}

}  // namespace

const PhaseRow& fuzzing_phase() {
  static const PhaseRow row = {
      {"fuzzing", "--max-examples generated requests, valid and invalid, failures shrunk"},
      [](Engine::Impl& e, const spec::Operation&) { return e.options.max_examples; },
      [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
        run_fuzzing(e, op, result);
        e.judge_exercise(op, result);
      }};
  return row;
}

}  // namespace conform::engine
