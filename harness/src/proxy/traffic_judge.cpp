#include "conform/proxy/traffic_judge.hpp"

#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/spec/router.hpp"
#include "conform/transport/auth.hpp"

namespace conform::proxy {
namespace {

// The request as conform's reports show a request: the pieces a curl line is made of.
gen::Request request_of(const Exchange& exchange) {
  gen::Request request;
  request.method = exchange.method;
  auto question = exchange.target.find('?');
  request.path = exchange.target.substr(0, question);
  if (question != std::string::npos) {
    for (const std::string& pair :
         core::split(std::string_view(exchange.target).substr(question + 1), "&")) {
      if (pair.empty()) continue;
      auto equals = pair.find('=');
      request.query.emplace_back(pair.substr(0, equals),
                                 equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
  }
  for (const auto& [name, value] : exchange.request_headers) {
    if (transport::is_hop_by_hop(name, exchange.request_headers)) continue;
    if (core::ascii_lower(name) == "content-type") {
      request.content_type = value;
    } else {
      request.headers.emplace_back(name, value);
    }
  }
  if (!exchange.request_body.empty()) request.body = exchange.request_body;
  return request;
}

transport::Response response_of(const Exchange& exchange) {
  transport::Response response;
  response.status = exchange.status;
  for (const auto& [name, value] : exchange.response_headers) {
    response.headers.emplace_back(core::ascii_lower(name), value);
  }
  response.body = exchange.response_body;
  response.seconds = exchange.seconds;
  return response;
}

std::string request_line(const Exchange& exchange) {
  return exchange.method + " " + exchange.target.substr(0, exchange.target.find('?'));
}

// What a client's traffic meets that conform's own requests are chosen not to, and that the
// description may leave unsaid without being wrong: shown as an advisory, never failing.
//  - A valid request refused with a status the operation declares: a rule the server applies
//    and the schema does not state (a name in use, a rule between fields). A test suite checks
//    such refusals on purpose.
//  - An undeclared status that answers for the server's state or the credential, not for the
//    request's shape: 404, 409, 410 (a resource that is gone, or in use), and 401 or 403 to an
//    operation that asks for credentials. OpenAPI does not expect a description to list every
//    status, and a client's requests, unlike conform's, reach resources that do not exist and
//    send credentials that do not work.
bool only_advisory(const checks::Failure& failure, const spec::Operation& operation, int status) {
  if (failure.check == "positive_data_acceptance") {
    return operation.find_response(status) != nullptr;
  }
  if (failure.check != "status_code_conformance") return false;
  if (status == 404 || status == 409 || status == 410) return true;
  bool asks_for_credentials = false;
  for (const spec::SecurityRequirement& requirement : operation.security) {
    asks_for_credentials = asks_for_credentials || !requirement.schemes.empty();
  }
  return (status == 401 || status == 403) && asks_for_credentials;
}

std::string plural(std::size_t count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

TrafficJudge::TrafficJudge(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                           const Credentials& credentials, JudgeOptions options)
    : spec_(spec), schemas_(schemas), credentials_(credentials), options_(std::move(options)) {}

void TrafficJudge::judge(const Exchange& raw) { judge(raw, credentials_.masked(raw)); }

void TrafficJudge::judge(const Exchange& raw, const Exchange& shown) {
  const core::Redactor secrets = credentials_.redactor();
  const gen::Request shown_request = request_of(shown);
  const transport::Response response = response_of(raw);
  const spec::Route route = spec_.router().route(
      raw.method,
      spec::path_below_base(raw.target.substr(0, raw.target.find('?')), options_.base_path));
  const std::string curl = transport::curl_line(options_.target, shown_request, {});

  std::vector<checks::Failure> found;
  gen::RequestCase sent;
  bool uncertain = false;
  const bool judged = raw.status != 0 && raw.problem == transport::Problem::none;
  if (route.operation != nullptr && judged) {
    const gen::ReadRequest read =
        gen::read_request(*route.operation, schemas_,
                          gen::received_from_wire(raw.target, raw.request_headers, raw.request_body,
                                                  route.raw_path_values));
    uncertain = !read.uncertain.empty();
    sent.phase = "proxy";
    sent.request = shown_request;
    if (!read.problems.empty()) {
      sent.negative = true;
      sent.mutation = "a request the description does not allow";
      sent.where = read.problems.front().where;
      sent.detail = read.problems.front().message;
    }
    std::set<std::string> enabled = options_.checks;
    // A request whose reading servers disagree on is neither valid nor invalid.
    if (uncertain) {
      enabled.erase("negative_data_rejection");
      enabled.erase("positive_data_acceptance");
    }
    if (raw.truncated) enabled.erase("response_schema_conformance");
    checks::CheckOptions options;
    options.max_response_time_seconds = options_.max_response_time_seconds;
    options.secrets = secrets;
    found = checks::check_response({spec_, schemas_, *route.operation, sent, response, options},
                                   enabled);
  }

  // Only a failure or an advisory shows the answer: an excerpt of a large body costs a parse of it.
  const bool shown_in_report = !found.empty() || route.operation == nullptr;
  const std::string excerpt =
      judged && shown_in_report ? engine::response_excerpt(response, secrets) : "";
  const std::string summary =
      route.operation == nullptr
          ? "proxied, matching no operation"
          : (uncertain ? "proxied, read differently by different servers"
                       : (sent.negative ? "proxied, invalid: " + sent.where : "proxied, valid"));
  std::lock_guard lock(mutex_);
  const std::string key =
      route.operation != nullptr ? route.operation->operation_id : kUnmatchedSuite;
  Tally& tally = tallies_[key];
  engine::PhaseResult& result = tally.result;
  result.operation_id = key;
  result.phase = "proxy";
  result.seconds += raw.seconds;
  if (raw.abandoned) {
    ++tally.abandoned;
    return;
  }
  if (raw.status == 0) {
    result.errors.push_back({.check = "target_unreachable",
                             .message = "the target did not answer " + request_line(shown) + " (" +
                                        std::string(transport::problem_name(raw.problem)) + ": " +
                                        shown.detail + "); the client got 502",
                             .curl = curl,
                             .case_summary = summary,
                             .reason = "the target did not answer: " +
                                       std::string(transport::problem_name(raw.problem))});
    return;
  }
  if (!judged) {
    result.errors.push_back({.check = "answer_cut_short",
                             .message = "the target's answer to " + request_line(shown) +
                                        " (status " + std::to_string(raw.status) + ") broke off: " +
                                        std::string(transport::problem_name(raw.problem)) + ": " +
                                        shown.detail,
                             .status = raw.status,
                             .curl = curl,
                             .case_summary = summary,
                             .reason = "the target's answer broke off: " +
                                       std::string(transport::problem_name(raw.problem))});
    return;
  }
  ++result.sent;
  ++result.statuses[raw.status];
  if (route.operation == nullptr) {
    const bool no_path = route.outcome == spec::Route::Outcome::no_such_path;
    result.advisories.push_back(
        {.check = "undocumented_request",
         .message = request_line(shown) + " matches no operation of the description (" +
                    (no_path ? "no such path" : "the path has no " + raw.method) + "); answered " +
                    std::to_string(raw.status),
         .status = raw.status,
         .curl = curl,
         .case_summary = summary,
         .response = excerpt,
         .reason = no_path ? "a path the description does not have"
                           : "a method the description does not declare for the path"});
    return;
  }
  if (uncertain) ++tally.uncertain;
  if (raw.truncated) ++tally.truncated;
  if (sent.negative) {
    ++result.invalid_sent;
  } else if (!uncertain) {
    ++result.valid_sent;
    if (raw.status == 401 || raw.status == 403) ++result.valid_refused;
  }
  for (const checks::Failure& f : found) {
    auto& kept =
        only_advisory(f, *route.operation, raw.status) ? result.advisories : result.failures;
    if (kept.size() >= options_.max_failures_per_operation) {
      ++tally.failures_dropped;
      continue;
    }
    kept.push_back({.check = f.check,
                    .message = f.message,
                    .pointer = f.pointer,
                    .status = raw.status,
                    .curl = curl,
                    .case_summary = summary,
                    .response = excerpt,
                    .reason = f.reason,
                    .schema_location = f.schema_location});
  }
}

void TrafficJudge::refused(int status, const std::string& why) {
  std::lock_guard lock(mutex_);
  engine::PhaseResult& result = tallies_[kRefusedSuite].result;
  result.operation_id = kRefusedSuite;
  result.phase = "proxy";
  if (result.errors.size() >= options_.max_failures_per_operation) return;
  result.errors.push_back(
      {.check = "not_passed_on",
       .message = "the proxy answered " + std::to_string(status) +
                  " itself and did not pass the request on: " + why,
       .status = status,
       .reason = "the proxy refused a request (" + std::to_string(status) + ")"});
}

report::RunResults TrafficJudge::results(double seconds, bool interrupted) const {
  report::RunResults results;
  results.spec_file = spec_.file();
  results.target = options_.target;
  results.seconds = seconds;
  results.interrupted = interrupted;
  const core::Redactor secrets = credentials_.redactor();
  std::lock_guard lock(mutex_);
  auto add = [&](const std::string& key, const Tally& tally) {
    report::TestRecord test{key, "proxy", tally.result};
    engine::PhaseResult& result = test.result;
    if (tally.uncertain > 0) {
      result.notes.push_back(
          plural(static_cast<std::size_t>(tally.uncertain), "request was", "requests were") +
          " read differently by different servers (docs/generation.md): "
          "not held to being accepted or refused");
    }
    if (tally.truncated > 0) {
      result.notes.push_back(plural(static_cast<std::size_t>(tally.truncated), "answer's body was",
                                    "answers' bodies were") +
                             " larger than --max-response-bytes (" +
                             std::to_string(options_.max_response_bytes) +
                             " bytes): passed on whole, their schema not checked");
    }
    if (tally.abandoned > 0) {
      result.notes.push_back(
          plural(static_cast<std::size_t>(tally.abandoned), "answer was", "answers were") +
          " not judged: the client left, or the proxy stopped, before it "
          "was passed on whole");
    }
    if (tally.failures_dropped > 0) {
      result.notes.push_back(std::to_string(tally.failures_dropped) +
                             " more failures were found and not kept (at most " +
                             std::to_string(options_.max_failures_per_operation) +
                             " per operation)");
    }
    if (result.valid_sent > 0 && result.valid_refused == result.valid_sent) {
      result.not_exercised = "every valid request (" + std::to_string(result.valid_sent) +
                             ") was answered 401 or 403: the traffic tested the credential, "
                             "not the operation";
    }
    engine::redact(result, secrets);
    results.tests.push_back(std::move(test));
  };
  for (const spec::Operation& operation : spec_.operations()) {
    if (auto found = tallies_.find(operation.operation_id); found != tallies_.end()) {
      add(found->first, found->second);
    }
  }
  for (const char* apart : {kUnmatchedSuite, kRefusedSuite}) {
    if (auto found = tallies_.find(apart); found != tallies_.end())
      add(found->first, found->second);
  }
  for (const spec::Operation& operation : spec_.operations()) {
    if (tallies_.contains(operation.operation_id)) continue;
    report::TestRecord test{operation.operation_id, "proxy", {}};
    test.result.operation_id = operation.operation_id;
    test.result.phase = "proxy";
    test.result.not_tested = "no request reached it through the proxy";
    results.tests.push_back(std::move(test));
  }
  return results;
}

}  // namespace conform::proxy
