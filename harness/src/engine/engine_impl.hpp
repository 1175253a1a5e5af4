#pragma once
// What the engine's phases share (private to the engine): the run's collaborators, the cases of
// each operation, and sending, checking and recording. Each phase is a file in phases/ with its
// row of the catalogue (phase.hpp).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/engine/session.hpp"
#include "conform/gen/keyword_coverage.hpp"
#include "conform/gen/operation_cases.hpp"
#include "conform/gen/values.hpp"
#include "conform/transport/auth.hpp"

namespace conform::engine {

inline constexpr std::size_t kMaxFailuresPerPhase = 20;

// "fuzzing, invalid: wrong_type at body /name": how a failure names its case.
std::string summary_of(const gen::RequestCase& c);

struct Engine::Impl {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  transport::Transport& transport;
  RunOptions options;
  int fuzzing_started = 0;  // fuzzing phases begun: with --duration, the time left is shared
  Session session{spec, transport, options};
  std::map<std::string, std::unique_ptr<gen::OperationCases>> cases;
  // The fixed cases of each operation, built once: planned() counts them at start-up and run()
  // sends the same ones.
  std::map<std::string, gen::FixedCases> examples_of, coverage_of;
  // Built on first use, by const members too: a cache, not the engine's state.
  mutable std::map<std::string, std::unique_ptr<gen::KeywordCoverage>> keywords_of;

  Impl(const spec::Spec& s, const schema::SpecSchemas& sc, transport::Transport& t, RunOptions o)
      : spec(s), schemas(sc), transport(t), options(std::move(o)) {}

  const gen::FixedCases& examples(const spec::Operation& op) {
    auto it = examples_of.find(op.operation_id);
    if (it == examples_of.end()) {
      it = examples_of.emplace(op.operation_id, cases_for(op).examples()).first;
    }
    return it->second;
  }

  const gen::FixedCases& coverage(const spec::Operation& op) {
    auto it = coverage_of.find(op.operation_id);
    if (it == coverage_of.end()) {
      it = coverage_of.emplace(op.operation_id, cases_for(op).coverage()).first;
    }
    return it->second;
  }

  gen::KeywordCoverage& keywords(const spec::Operation& op) const {
    auto& slot = keywords_of[op.operation_id];
    if (!slot) slot = std::make_unique<gen::KeywordCoverage>(spec, schemas, op);
    return *slot;
  }

  gen::OperationCases& cases_for(const spec::Operation& op) {
    auto& slot = cases[op.operation_id];
    if (!slot) slot = std::make_unique<gen::OperationCases>(spec, schemas, op);
    return *slot;
  }

  transport::Auth auth(const spec::Operation& op) const { return session.credential(op); }

  bool interrupted() const { return options.interrupted != nullptr && options.interrupted->load(); }

  // The enabled per-response checks over one answer.
  std::vector<checks::Failure> check(const spec::Operation& op, const gen::RequestCase& sent,
                                     const transport::Response& response) const {
    return checks::check_response({spec, schemas, op, sent, response, options.check_options},
                                  options.checks);
  }

  FailureRecord record(const checks::Failure& f, const gen::RequestCase& sent,
                       const transport::Response& response, const transport::Auth& credential,
                       std::uint64_t seed) const {
    return with_failure(answer_record(sent, response, credential, seed), f);
  }

  // What every failure of one answer shares: the request as curl, the case, the response excerpt.
  FailureRecord answer_record(const gen::RequestCase& sent, const transport::Response& response,
                              const transport::Auth& credential, std::uint64_t seed) const {
    return {.status = response.status,
            .curl = session.curl(sent.request, credential),
            .case_summary = summary_of(sent),
            .seed = seed,
            .response = response_excerpt(response, session.secrets())};
  }

  static FailureRecord with_failure(FailureRecord answer, const checks::Failure& f) {
    answer.check = f.check;
    answer.message = f.message;
    answer.pointer = f.pointer;
    answer.reason = f.reason;
    answer.schema_location = f.schema_location;
    return answer;
  }

  // False when the phase already holds this failure, or as many as it keeps.
  static bool would_keep(const PhaseResult& result, const std::string& check,
                         const std::string& message) {
    if (result.failures.size() >= kMaxFailuresPerPhase) return false;
    return std::none_of(result.failures.begin(), result.failures.end(), [&](const auto& existing) {
      return existing.check == check && existing.message == message;
    });
  }

  void add_failure(PhaseResult& result, FailureRecord failure) const {
    if (would_keep(result, failure.check, failure.message)) {
      result.failures.push_back(std::move(failure));
    }
  }

  // Sends fixed cases and checks every answer.
  void run_fixed(const spec::Operation& op, const gen::FixedCases& planned_cases,
                 PhaseResult& result) {
    const std::vector<gen::RequestCase>& fixed = planned_cases.cases;
    result.notes = planned_cases.left_out;
    if (fixed.empty()) {
      result.not_tested = planned_cases.left_out.empty() ? "no cases" : "no case could be sent";
      return;
    }
    transport::Auth credential = auth(op);
    std::vector<transport::Outgoing> batch;
    for (const auto& c : fixed) batch.push_back(session.outgoing(op, c.request, credential));
    auto exchanges = session.send(batch);
    int limited = 0;
    for (std::size_t i = 0; i < fixed.size(); ++i) {
      if (!absorb(op, fixed[i], exchanges[i], credential, 0, result)) ++limited;
    }
    if (limited == static_cast<int>(fixed.size())) result.not_tested = "rate-limited throughout";
  }

  // Records an exchange; false when it was rate-limited (neither a pass nor a failure).
  bool absorb(const spec::Operation& op, const gen::RequestCase& sent,
              const transport::Exchange& exchange, const transport::Auth& credential,
              std::uint64_t seed, PhaseResult& result) const {
    if (exchange.problem == transport::Problem::rate_limited ||
        exchange.problem == transport::Problem::interrupted) {
      return false;
    }
    if (!exchange.response) {
      FailureRecord error{.check = "transport",
                          .message = std::string(transport::problem_name(exchange.problem)) + ": " +
                                     exchange.detail,
                          .curl = session.curl(sent.request, credential),
                          .case_summary = summary_of(sent),
                          .seed = seed};
      if (result.errors.size() < kMaxFailuresPerPhase) result.errors.push_back(std::move(error));
      return true;
    }
    count_sent(op, result, sent, *exchange.response);
    // The curl line and the response excerpt are made once per answer, and only for a failure
    // the phase keeps: the excerpt reads the whole body, up to the 10 MB a response may hold.
    std::optional<FailureRecord> answer;
    for (const auto& f : check(op, sent, *exchange.response)) {
      if (!would_keep(result, f.check, f.message)) continue;
      if (!answer) answer = answer_record(sent, *exchange.response, credential, seed);
      result.failures.push_back(with_failure(*answer, f));
    }
    return true;
  }

  void count_sent(const spec::Operation& op, PhaseResult& result, const gen::RequestCase& sent,
                  const transport::Response& response) const {
    ++result.sent;
    ++result.statuses[response.status];
    auto exercised = keywords(op).exercised(sent);
    result.covered_valid.merge(exercised.valid);
    result.covered_invalid.merge(exercised.invalid);
    result.parameters_sent.merge(exercised.parameters);
    ++(sent.negative ? result.invalid_sent : result.valid_sent);
    if (!sent.negative && (response.status == 401 || response.status == 403)) {
      ++result.valid_refused;
    }
  }

  // A phase whose valid requests were all refused (401/403) exercised the credential only.
  void judge_exercise(const spec::Operation& op, PhaseResult& result) const {
    if (result.valid_sent == 0 || result.valid_refused < result.valid_sent) return;
    std::string why = transport::unsatisfiable_security(spec, op, options.token);
    result.not_exercised = "all " + std::to_string(result.valid_sent) +
                           " valid requests were answered 401 or 403: " +
                           (why.empty() ? "the credential was refused" : why);
  }

  // The operation's first example, else one generated valid request (throws when none can be).
  gen::RequestCase valid_case(const spec::Operation& op) {
    const auto& fixed = examples(op).cases;
    if (!fixed.empty()) return fixed.front();
    return gen::sample(cases_for(op).positive(), options.seed, 1).front();
  }
};

}  // namespace conform::engine
