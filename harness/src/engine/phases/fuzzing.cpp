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

void run_fuzzing(Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
  auto& operation_cases = e.cases_for(op);
  auto positive = operation_cases.positive();
  auto negative = operation_cases.negative();
  const int count = e.options.max_examples;
  std::uint64_t op_seed = gen::mix_seed(e.options.seed ^ std::hash<std::string>{}(op.operation_id));

  struct Drawn {
    rc::Shrinkable<gen::RequestCase> shrinkable;
    gen::RequestCase value;
    std::uint64_t seed;
    bool negative;
  };
  std::vector<Drawn> drawn;
  // Why a kind of case could not be drawn, with how often: said in the phase's notes.
  std::map<std::string, int> shortfall;
  int negative_misses = 0, negative_hits = 0;
  for (int i = 0; i < count; ++i) {
    std::uint64_t seed = gen::mix_seed(op_seed + static_cast<std::uint64_t>(i));
    int size = count > 1 ? i * rc::kNominalSize / (count - 1) : rc::kNominalSize;
    // After three misses and no hit, the operation has nothing to break as sent: valid cases
    // take the invalid ones' turns (and the notes say so).
    bool negatives = negative_hits > 0 || negative_misses < 3;
    bool want_negative = i % 2 == 1;
    for (bool neg : {want_negative, false}) {
      if (neg && !negatives) {
        ++shortfall["invalid case not drawn: earlier draws found nothing to break"];
        continue;
      }
      try {
        auto shrinkable = (neg ? negative : positive)(rc::Random(seed), size);
        gen::RequestCase value = shrinkable.value();
        drawn.push_back({std::move(shrinkable), std::move(value), seed, neg});
        (neg ? negative_hits : negative_misses) += neg ? 1 : 0;
        break;
      } catch (const gen::Unsatisfiable& error) {
        if (neg) ++negative_misses;
        ++shortfall[std::string(neg ? "invalid" : "valid") + " case not drawn: " + error.what()];
      } catch (const rc::GenerationFailure& error) {
        if (neg) ++negative_misses;
        ++shortfall[std::string(neg ? "invalid" : "valid") + " case not drawn: " + error.what()];
      }
    }
  }
  for (const auto& [reason, times] : shortfall) {
    result.notes.push_back(std::to_string(times) + " × " + reason);
  }
  if (drawn.empty()) {
    result.not_tested = "no request can be generated for this operation";
    return;
  }
  transport::Auth credential = e.auth(op);
  std::vector<transport::Outgoing> batch;
  for (const auto& d : drawn) batch.push_back(e.session.outgoing(op, d.value.request, credential));
  auto exchanges = e.session.send(batch);

  // The first failing case of each e.check, to shrink.
  std::map<std::string, std::size_t> first_failure;
  std::map<std::string, checks::Failure> first_found;  // what the first send of each showed
  int limited = 0;
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const auto& exchange = exchanges[i];
    if (exchange.problem == transport::Problem::rate_limited) {
      ++limited;
      continue;
    }
    if (!exchange.response) {
      e.absorb(op, drawn[i].value, exchange, credential, drawn[i].seed, result);
      continue;
    }
    e.count_sent(op, result, drawn[i].value, *exchange.response);
    for (const auto& f : e.check(op, drawn[i].value, *exchange.response)) {
      if (first_failure.try_emplace(f.check, i).second) first_found.emplace(f.check, f);
    }
  }
  if (limited == static_cast<int>(drawn.size())) result.not_tested = "rate-limited throughout";
  for (const auto& [name, index] : first_failure) {
    if (e.interrupted()) break;
    if (!repeatable(op)) {
      // Sent again, a POST, PATCH or DELETE is not the same request (the first one changed the
      // state it meets): the failure is reported as its first send saw it, unshrunk.
      FailureRecord first = e.record(first_found.at(name), drawn[index].value,
                                     *exchanges[index].response, credential, drawn[index].seed);
      first.message += " (not shrunk: " + core::ascii_lower(op.method) +
                       " is not repeatable without changing what it acts on)";
      e.add_failure(result, std::move(first));
      continue;
    }
    e.add_failure(result,
                  shrink(e, op, name, drawn[index].shrinkable, drawn[index].seed, credential));
  }
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
