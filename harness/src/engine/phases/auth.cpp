#include "../phase.hpp"
#include "conform/checks/checks.hpp"

namespace conform::engine {
namespace {

// Sent as a credential the target cannot know.
constexpr const char* kWrongCredential = "conform-invalid-credential";

void run_auth(Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
  gen::RequestCase base;
  try {
    base = e.valid_case(op);
  } catch (const gen::Unsatisfiable& error) {
    result.not_tested = std::string("no valid request to send: ") + error.what();
    return;
  }
  base.phase = "auth";
  transport::Auth wrong = e.auth(op);
  wrong.secret = kWrongCredential;
  std::vector<std::pair<std::string, transport::Auth>> attempts = {
      {"without credentials", transport::Auth{}}, {"with an unknown credential", wrong}};
  std::vector<transport::Outgoing> batch;
  for (const auto& [how, credential] : attempts)
    batch.push_back(e.session.outgoing(op, base.request, credential));
  auto exchanges = e.session.send(batch);
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    const auto& exchange = exchanges[i];
    if (exchange.problem == transport::Problem::rate_limited) continue;
    if (!exchange.response) {
      e.absorb(op, base, exchange, attempts[i].second, 0, result);
      continue;
    }
    ++result.sent;
    ++result.statuses[exchange.response->status];
    std::vector<checks::Failure> found;
    if (auto f = checks::ignored_auth(*exchange.response, attempts[i].first)) found.push_back(*f);
    // A refusal is a 401 that must say how to authenticate.
    if (e.options.checks.contains("www_authenticate")) {
      for (auto& f : checks::www_authenticate(
               {e.spec, e.schemas, op, base, *exchange.response, e.options.check_options})) {
        found.push_back(std::move(f));
      }
    }
    for (const auto& f : found) {
      // The unknown credential is not a secret: it is shown as sent.
      e.add_failure(result,
                    {.check = f.check,
                     .message = f.message,
                     .status = exchange.response->status,
                     .curl = e.session.curl(transport::with_auth(base.request, attempts[i].second),
                                            transport::Auth{}),
                     .case_summary = "auth",
                     .response = e.session.excerpt(exchange)});
    }
  }
}

}  // namespace

const PhaseRow& auth_phase() {
  static const PhaseRow row = {
      {"auth", "a valid request without credentials, and with an unknown one"},
      [](Engine::Impl& e, const spec::Operation& op) {
        return e.options.checks.contains("ignored_auth") &&
                       e.auth(op).kind != transport::Auth::Kind::none
                   ? 2
                   : 0;
      },
      run_auth};
  return row;
}

}  // namespace conform::engine
