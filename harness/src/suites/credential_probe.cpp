#include "conform/suites/credential_probe.hpp"

namespace conform::suites {

engine::PhaseResult probe_credential(SuiteContext& context,
                                     const std::vector<const spec::Operation*>& operations,
                                     const std::string& token_variable, int probes) {
  engine::PhaseResult result;
  result.operation_id = "Credential";
  result.phase = "probe";
  if (context.options().token.empty()) return result;
  int refused = 0;
  const spec::Operation* last = nullptr;
  gen::Request last_request;
  transport::Exchange last_exchange;
  for (const auto* op : operations) {
    if (result.sent >= probes) break;
    if (op->method != "get" || !context.sends_credential(*op)) continue;
    gen::Request request;
    try {
      request = context.valid_request(*op);
    } catch (const gen::Unsatisfiable&) {
      continue;
    }
    auto exchange = context.send(*op, request);
    if (!exchange.response) continue;
    ++result.sent;
    ++result.valid_sent;
    if (exchange.response->status != 401) return result;  // accepted, or refused for another cause
    ++refused;
    last = op;
    last_request = request;
    last_exchange = exchange;
  }
  if (refused == 0) return result;
  result.failures.push_back(
      {.check = "credential_refused",
       .message = "the credential in $" + token_variable +
                  " was refused by the target (401 on every request: " + std::to_string(refused) +
                  " of " + std::to_string(refused) + "); the run stopped before sending the rest",
       .status = 401,
       .curl = context.curl(*last, last_request),
       .case_summary = "credential probe",
       .response = context.excerpt(last_exchange)});
  return result;
}

}  // namespace conform::suites
