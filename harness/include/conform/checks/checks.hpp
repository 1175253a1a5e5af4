#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "conform/core/redactor.hpp"
#include "conform/gen/operation_cases.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/transport/transport.hpp"

namespace conform::checks {

// One way a response breaks the contract.
struct Failure {
  std::string check;    // the named check
  std::string message;  // what was expected and what came back
  std::string pointer;  // into the response body, where a schema says where
  // The message without what varies from case to case (values, excerpts, timings): failures of
  // one cause share it. "" when the message itself is stable.
  std::string reason{};
  // The schema keyword that failed, as the description names it, where a schema says.
  std::string schema_location{};
};

struct CheckOptions {
  double max_response_time_seconds = 0;  // 0: max_response_time is off
  // The run's secrets: a message that quotes the server hides them before it cuts the text.
  core::Redactor secrets;
};

// What a per-response check looks at: the operation, the case that was sent, the answer.
struct CheckInput {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  const spec::Operation& operation;
  const gen::RequestCase& sent;
  const transport::Response& response;
  const CheckOptions& options;
};

// The checks that look at one response (docs/checks.md says what each expects).
std::vector<Failure> not_a_server_error(const CheckInput& in);
std::vector<Failure> status_code_conformance(const CheckInput& in);
std::vector<Failure> content_type_conformance(const CheckInput& in);
std::vector<Failure> response_schema_conformance(const CheckInput& in);
std::vector<Failure> response_headers_conformance(const CheckInput& in);
std::vector<Failure> negative_data_rejection(const CheckInput& in);
std::vector<Failure> positive_data_acceptance(const CheckInput& in);
std::vector<Failure> max_response_time(const CheckInput& in);
// A case without one of its required header parameters must be refused (4XX); the check that
// owns those cases, so that negative_data_rejection does not report them twice.
std::vector<Failure> missing_required_header(const CheckInput& in);
// A 401 must say how to authenticate (RFC 9110: WWW-Authenticate).
std::vector<Failure> www_authenticate(const CheckInput& in);

// The checks that look at a response in a sequence: what it should be, given what came before.
// ignored_auth: a request without (or with a wrong) credential must be refused with 401 or 403.
std::optional<Failure> ignored_auth(const transport::Response& response, std::string_view how);
// use_after_delete: a deleted resource must be gone (404 or 410).
std::optional<Failure> use_after_delete(const transport::Response& response, std::string_view what);
// resource_availability: a created resource must be found (not 404/410) and listed.
std::optional<Failure> resource_availability(const transport::Response& response,
                                             std::string_view what);

// update_reflected: what a successful update (PUT, PATCH) sent, a read of the item afterwards
// shows. Judged on the strings the update changed (`before`, what was sent earlier, against
// `update`, what the update sent, at the same place): one the read still shows as before, and
// not as updated, was lost. A failure when every such string was lost (the update changed
// nothing); `lost` names them either way. A server may store a value in another form (trimmed,
// case folded) or under another name, so a string the read shows in neither form says nothing.
struct UpdateReadBack {
  std::optional<Failure> failure;
  std::vector<std::string> lost;  // "/name: sent 'new', still 'old'"
};
UpdateReadBack update_reflected(const nlohmann::json& before, const nlohmann::json& update,
                                const nlohmann::json& read, std::string_view what);

using ResponseCheck = std::vector<Failure> (*)(const CheckInput&);
struct NamedCheck {
  std::string_view name;
  ResponseCheck check;     // null for the sequence checks
  std::string_view phase;  // where it runs: "responses", "auth", "stateful", "methods", ...
};

// unsupported_method: a method the path does not declare (`request_line`, "PATCH /pets") must
// get 405 with an Allow header listing at least the `declared` methods, or 501 (a method the
// server knows for no resource).
std::optional<Failure> unsupported_method(const transport::Response& response,
                                          std::string_view request_line,
                                          const std::vector<std::string>& declared);

// Every named check, in DESIGN.md's order.
const std::vector<NamedCheck>& catalogue();

// The per-response checks of the catalogue named in `enabled`, over one answer.
std::vector<Failure> check_response(const CheckInput& in, const std::set<std::string>& enabled);
bool is_check_name(std::string_view name);

}  // namespace conform::checks
