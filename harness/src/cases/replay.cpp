#include "conform/cases/replay.hpp"

#include <chrono>

#include "conform/checks/checks.hpp"
#include "conform/core/redactor.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/spec/router.hpp"

namespace conform::cases {
namespace {

constexpr const char* kPlaceholder = "${CONFORM_TOKEN}";

std::string with_token(std::string text, const std::string& token) {
  for (auto at = text.find(kPlaceholder); at != std::string::npos;
       at = text.find(kPlaceholder, at + token.size())) {
    text.replace(at, std::string(kPlaceholder).size(), token);
  }
  return text;
}

// The case's request with the credential put back.
gen::Request request_of(const SavedCase& saved, const std::string& token) {
  gen::Request request = saved.request;
  for (auto& [name, value] : request.headers) value = with_token(value, token);
  for (auto& [name, value] : request.cookies) value = with_token(value, token);
  // Query values were sent percent-encoded, the token among them.
  for (auto& [name, value] : request.query) value = with_token(value, gen::percent_encode(token));
  if (request.body) request.body = with_token(*request.body, token);
  return request;
}

std::string stem_of(const std::string& file) {
  std::string name = std::filesystem::path(file).filename().string();
  return name.size() > 5 && name.ends_with(".json") ? name.substr(0, name.size() - 5) : name;
}

}  // namespace

gen::RequestCase case_of_summary(const std::string& summary) {
  gen::RequestCase sent;
  const std::string invalid = ", invalid: ";
  auto at = summary.find(invalid);
  if (at == std::string::npos) {
    sent.phase = summary.substr(0, summary.find(','));
    return sent;
  }
  sent.phase = summary.substr(0, at);
  sent.negative = true;
  std::string rest = summary.substr(at + invalid.size());
  auto where = rest.find(" at ");
  sent.mutation = rest.substr(0, where);
  if (where != std::string::npos) sent.where = rest.substr(where + 4);
  return sent;
}

report::RunResults replay(const std::vector<SavedCase>& cases, const spec::Spec& spec,
                          const schema::SpecSchemas& schemas, transport::Transport& transport,
                          const std::string& token, std::ostream& out) {
  report::RunResults results;
  results.spec_file = spec.file();
  results.target = transport.redact(transport.options().base_url);
  const auto started = std::chrono::steady_clock::now();
  checks::CheckOptions options;
  options.secrets.add(token, kPlaceholder);
  int fixed = 0, still = 0, skipped = 0;
  const spec::Router router(spec);
  for (const SavedCase& saved : cases) {
    report::TestRecord test{saved.operation, stem_of(saved.file), {}};
    engine::PhaseResult& result = test.result;
    result.operation_id = saved.operation;
    result.phase = "replay";
    const spec::Operation* operation = spec.find_operation(saved.operation);
    const checks::NamedCheck* named = nullptr;
    for (const auto& c : checks::catalogue()) {
      if (c.name == saved.check) named = &c;
    }
    if (operation == nullptr) {
      // A suite's failure (the permission suite's, a workflow's) is the suite's own judgement of
      // several answers, even where it names a per-response check: re-checking one answer
      // could call it fixed when it is not.
      bool routed = router.route(saved.request.method, saved.request.path).operation != nullptr;
      result.not_tested = routed ? "found by the suite '" + saved.operation +
                                       "', whose judgement is its own: rerun it "
                                       "(--gtest_filter=" +
                                       saved.operation + "." + saved.test + ", --seed " +
                                       std::to_string(saved.run_seed) + ")"
                                 : "the description has no operation '" + saved.operation + "'";
    } else if (named == nullptr || (named->check == nullptr && saved.check != "ignored_auth")) {
      result.not_tested = "'" + saved.check +
                          "' judges a sequence of requests, not one answer: rerun the test "
                          "that found it (" +
                          saved.test + ", --seed " + std::to_string(saved.run_seed) + ")";
    }
    if (!result.not_tested.empty()) {
      ++skipped;
      out << "SKIPPED        " << test.name << ": " << result.not_tested << "\n";
      results.tests.push_back(std::move(test));
      continue;
    }
    transport::Auth auth;
    if (!saved.basic.empty()) {
      auth.kind = transport::Auth::Kind::basic;
      auth.secret = with_token(saved.basic, token);
    }
    gen::RequestCase sent = case_of_summary(saved.case_summary);
    sent.request = request_of(saved, token);
    const auto begun = std::chrono::steady_clock::now();
    transport::Exchange exchange =
        transport.send(transport::Outgoing{sent.request, auth, saved.operation, 0, false});
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
    if (!exchange.response) {
      result.errors.push_back({.check = "transport",
                               .message = std::string(transport::problem_name(exchange.problem)) +
                                          ": " + exchange.detail,
                               .curl = saved.curl,
                               .case_summary = saved.case_summary});
      out << "ERROR          " << test.name << ": " << result.errors.back().message << "\n";
      results.tests.push_back(std::move(test));
      continue;
    }
    const transport::Response& response = *exchange.response;
    ++result.sent;
    ++result.statuses[response.status];
    // A refused credential re-checks nothing: never a FIXED.
    bool refused_now = response.status == 401 || response.status == 403;
    bool refused_then = saved.status == 401 || saved.status == 403;
    if (refused_now && !refused_then && saved.check != "ignored_auth" &&
        saved.check != "www_authenticate") {
      result.not_exercised = "answered " + std::to_string(response.status) +
                             ", where the run got " + std::to_string(saved.status) +
                             ": the credential was refused";
      result.errors.push_back({.check = "credential_refused",
                               .message = result.not_exercised + "; nothing was re-checked",
                               .status = response.status,
                               .curl = saved.curl,
                               .case_summary = saved.case_summary});
      out << "NOT EXERCISED  " << test.name << ": " << result.not_exercised << "\n";
      results.tests.push_back(std::move(test));
      continue;
    }
    std::vector<checks::Failure> found;
    if (named->check != nullptr) {
      found = checks::check_response({spec, schemas, *operation, sent, response, options},
                                     {saved.check});
    } else if (auto f = checks::ignored_auth(response, "without its credential")) {
      found.push_back(*f);
    }
    for (const checks::Failure& f : found) {
      result.failures.push_back({.check = f.check,
                                 .message = f.message,
                                 .pointer = f.pointer,
                                 .status = response.status,
                                 .curl = saved.curl,
                                 .case_summary = saved.case_summary,
                                 .seed = saved.seed,
                                 .response = engine::response_excerpt(response, options.secrets),
                                 .reason = f.reason,
                                 .schema_location = f.schema_location});
    }
    if (found.empty()) {
      ++fixed;
      out << "FIXED          " << test.name << " (" << saved.operation << ", " << saved.check
          << ", status " << response.status << ")\n";
    } else {
      ++still;
      out << "STILL FAILING  " << test.name << ": " << found.front().message << "\n";
    }
    engine::redact(result, options.secrets);
    results.tests.push_back(std::move(test));
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int other = static_cast<int>(cases.size()) - fixed - still - skipped;
  out << "\n"
      << cases.size() << " cases: " << fixed << " fixed, " << still << " still failing, " << skipped
      << " skipped, " << other << " not re-checked (no answer, or a refused credential)\n";
  return results;
}

}  // namespace conform::cases
