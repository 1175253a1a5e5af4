#include <array>

#include "../phase.hpp"
#include "conform/checks/checks.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/router.hpp"

namespace conform::engine {
namespace {

// The methods a probe may use, the one that cannot change anything first. A write method goes
// only to a path where the selection already writes: a server with an undocumented DELETE must
// not get one where the user allowed none.
constexpr std::array<const char*, 5> kProbeMethods = {"GET", "PATCH", "PUT", "POST", "DELETE"};

bool is_write(std::string_view method) { return method != "GET"; }

// The path's operations the selection calls, in the description's order.
std::vector<const spec::Operation*> callable_at(const Engine::Impl& e, const std::string& path) {
  std::vector<const spec::Operation*> out;
  for (const auto& op : e.spec.operations()) {
    if (op.path == path && e.options.may_call(op)) out.push_back(&op);
  }
  return out;
}

bool declares(const spec::Spec& spec, const std::string& path, std::string_view method) {
  for (const auto& op : spec.operations()) {
    if (op.path == path && core::ascii_upper(op.method) == method) return true;
  }
  return false;
}

// The probe belongs to the path's first selected operation, so that each path gets one.
bool owns_path(const Engine::Impl& e, const spec::Operation& op) {
  auto at = callable_at(e, op.path);
  return !at.empty() && at.front() == &op;
}

bool any_undeclared(const spec::Spec& spec, const std::string& path) {
  for (const char* method : kProbeMethods) {
    if (!declares(spec, path, method)) return true;
  }
  return false;
}

void run_methods(Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
  bool writes_here = false;
  for (const auto* other : callable_at(e, op.path)) {
    writes_here = writes_here || is_write(core::ascii_upper(other->method));
  }
  gen::RequestCase base;
  try {
    base = e.valid_case(op);
  } catch (const gen::Unsatisfiable& error) {
    result.not_tested = std::string("no valid request to take the path from: ") + error.what();
    return;
  }
  // The first undeclared method the router also refuses (a twin template with a final '/' may
  // declare it) and the selection lets go there.
  // Routed as the server receives the path: a fragment ("/schema#add", how some descriptions
  // overload a path) never travels.
  const std::string received = base.request.path.substr(0, base.request.path.find('#'));
  std::optional<spec::Route> refused;
  std::string method;
  for (const char* candidate : kProbeMethods) {
    if (declares(e.spec, op.path, candidate) || (is_write(candidate) && !writes_here)) continue;
    spec::Route route = e.spec.router().route(candidate, received);
    if (route.outcome != spec::Route::Outcome::method_not_allowed) continue;
    refused = std::move(route);
    method = candidate;
    break;
  }
  if (!refused) {
    result.not_tested =
        "every method this path leaves undeclared writes, and the selection writes nothing here";
    return;
  }
  gen::RequestCase probe = base;
  probe.phase = "methods";
  probe.request.method = method;
  probe.request.body.reset();
  probe.request.content_type.reset();
  probe.where = "method " + method;
  transport::Auth credential = e.auth(op);
  transport::Exchange exchange = e.session.send(e.session.outgoing(op, probe.request, credential));
  if (exchange.problem == transport::Problem::rate_limited) {
    result.not_tested = "rate-limited throughout";
    return;
  }
  if (!exchange.response) {
    e.absorb(op, probe, exchange, credential, 0, result);
    return;
  }
  ++result.sent;
  const transport::Response& response = *exchange.response;
  if (response.status == 401 || response.status == 403) {
    result.not_exercised = method + " " + op.path + " was answered " +
                           std::to_string(response.status) +
                           ": refused before routing, so the method was not judged";
    return;
  }
  std::string request_line = method + " " + op.path;
  if (auto f = checks::unsupported_method(response, request_line, refused->allowed_methods)) {
    e.add_failure(result, {.check = f->check,
                           .message = f->message,
                           .status = response.status,
                           .curl = e.session.curl(probe.request, credential),
                           .case_summary = "methods: " + method + ", undeclared",
                           .response = e.session.excerpt(exchange)});
  }
}

}  // namespace

const PhaseRow& methods_phase() {
  static const PhaseRow row = {{"methods", "a method the path does not declare, once per path"},
                               [](Engine::Impl& e, const spec::Operation& op) {
                                 return e.options.checks.contains("unsupported_method") &&
                                                owns_path(e, op) && any_undeclared(e.spec, op.path)
                                            ? 1
                                            : 0;
                               },
                               run_methods};
  return row;
}

}  // namespace conform::engine
