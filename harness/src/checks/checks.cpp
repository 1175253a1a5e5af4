#include "conform/checks/checks.hpp"

#include <algorithm>
#include <cstdio>

#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::checks {
namespace {

constexpr std::size_t kMaxViolations = 5;
// The mutation whose refusal missing_required_header checks (docs/mutations.md).
constexpr std::string_view kMissingRequiredHeader = "missing_required_header";

std::string declared_statuses(const spec::Operation& op) {
  std::string out;
  for (const auto& r : op.responses) out += (out.empty() ? "" : ", ") + r.status;
  return out.empty() ? "none" : out;
}

std::string status_text(int status) { return std::to_string(status); }

// The declared media type that the response's Content-Type matches, if any.
const spec::MediaType* matched_media(const CheckInput& in) {
  const spec::Response* declared = in.operation.find_response(in.response.status);
  if (declared == nullptr || declared->content.empty()) return nullptr;
  auto content_type = in.response.header("content-type");
  if (!content_type) return nullptr;
  return spec::match_media_type(declared->content, *content_type);
}

std::string what_was_sent(const gen::RequestCase& sent) {
  std::string text = sent.mutation.empty() ? "a valid request" : sent.mutation;
  if (!sent.where.empty()) text += " at " + sent.where;
  if (!sent.detail.empty()) text += " (" + sent.detail + ")";
  return text;
}

}  // namespace

std::vector<Failure> not_a_server_error(const CheckInput& in) {
  if (in.response.status < 500) return {};
  return {{"not_a_server_error", "the server answered " + status_text(in.response.status), ""}};
}

std::vector<Failure> status_code_conformance(const CheckInput& in) {
  if (in.operation.find_response(in.response.status) != nullptr) return {};
  // OpenAPI does not ask a description to list every status: refusing an invalid request with a
  // 4XX it does not declare is what a correct server does, and a description that declares no
  // response at all says nothing to hold a status to.
  if (in.sent.negative && in.response.status >= 400 && in.response.status < 500) return {};
  if (in.operation.responses.empty()) return {};
  return {{"status_code_conformance",
           "status " + status_text(in.response.status) +
               " is not declared (declared: " + declared_statuses(in.operation) + ")",
           "", "status " + std::to_string(in.response.status) + " is not declared"}};
}

std::vector<Failure> content_type_conformance(const CheckInput& in) {
  const spec::Response* declared = in.operation.find_response(in.response.status);
  if (declared == nullptr || declared->content.empty()) return {};
  std::string accepted;
  for (const auto& m : declared->content) accepted += (accepted.empty() ? "" : ", ") + m.name;
  auto content_type = in.response.header("content-type");
  if (!content_type) {
    if (in.response.body.empty()) return {};
    return {{"content_type_conformance",
             "a " + status_text(in.response.status) +
                 " body came without Content-Type (declared: " + accepted + ")",
             ""}};
  }
  if (matched_media(in) != nullptr) return {};
  return {{"content_type_conformance",
           "Content-Type '" + *content_type + "' is not declared for " +
               status_text(in.response.status) + " (declared: " + accepted + ")",
           ""}};
}

std::vector<Failure> response_schema_conformance(const CheckInput& in) {
  const spec::MediaType* media = matched_media(in);
  if (media == nullptr || !media->schema || !spec::is_json_media_type(media->name)) return {};
  if (in.operation.method == "head") return {};
  auto body = core::parse_json_or_discarded(in.response.body);
  if (body.is_discarded()) {
    return {{"response_schema_conformance",
             "the " + status_text(in.response.status) + " body is not well-formed JSON", ""}};
  }
  std::vector<Failure> failures;
  const auto violations =
      in.schemas.validate(*media->schema, spec::Direction::response, std::move(body));
  for (const auto& v : violations) {
    if (failures.size() == kMaxViolations) {
      // Said, so that a reader does not take the lines shown for all there are.
      std::size_t unlisted = violations.size() - kMaxViolations;
      bool cut_short = violations.back().more_not_listed;
      if (cut_short) --unlisted;
      failures.push_back({"response_schema_conformance",
                          "body: " + std::string(cut_short ? "more than " : "") +
                              std::to_string(unlisted) + " more failures, not listed",
                          "", "more failures, not listed"});
      break;
    }
    const std::string at = "body " + (v.instance_pointer.empty() ? "/" : v.instance_pointer) + ": ";
    failures.push_back({"response_schema_conformance", at + v.message, v.instance_pointer, v.reason,
                        v.keyword_location.empty() ? v.schema_location : v.keyword_location});
  }
  return failures;
}

std::vector<Failure> response_headers_conformance(const CheckInput& in) {
  const spec::Response* declared = in.operation.find_response(in.response.status);
  if (declared == nullptr) return {};
  std::vector<Failure> failures;
  for (const auto& header : declared->headers) {
    std::string name = core::ascii_lower(header.name);
    if (name == "content-type") continue;
    auto value = in.response.header(name);
    if (!value) {
      if (header.required) {
        failures.push_back({"response_headers_conformance",
                            "required header '" + header.name + "' is missing from the " +
                                status_text(in.response.status),
                            ""});
      }
      continue;
    }
    if (!header.schema) continue;
    const auto& document = in.schemas.standalone(*header.schema, spec::Direction::response);
    schema::Flattener flatten(document);
    const nlohmann::json* flat = flatten.try_flatten(document);
    nlohmann::json typed =
        gen::read_parameter_text(*value, flat ? *flat : nlohmann::json::object());
    for (const auto& v : in.schemas.validate(*header.schema, spec::Direction::response, typed)) {
      failures.push_back({"response_headers_conformance",
                          "header '" + header.name + "' = '" + *value + "': " + v.message, "",
                          "header '" + header.name + "': " + v.reason,
                          v.keyword_location.empty() ? v.schema_location : v.keyword_location});
      break;
    }
  }
  return failures;
}

std::vector<Failure> negative_data_rejection(const CheckInput& in) {
  if (!in.sent.negative || in.response.status < 200 || in.response.status >= 300) return {};
  if (in.sent.mutation == kMissingRequiredHeader) return {};  // missing_required_header's
  return {{"negative_data_rejection",
           "invalid input was accepted with " + status_text(in.response.status) + ": " +
               what_was_sent(in.sent),
           "",
           "invalid input was accepted with " + status_text(in.response.status) + ": " +
               (in.sent.mutation + (in.sent.where.empty() ? "" : " at " + in.sent.where))}};
}

std::vector<Failure> positive_data_acceptance(const CheckInput& in) {
  if (in.sent.negative) return {};
  int s = in.response.status;
  if (s != 400 && s != 413 && s != 415 && s != 422) return {};
  // A response the description marks as depending on the server's state (a name in use, an
  // unknown name) is one valid input may get.
  const spec::Response* declared = in.operation.find_response(s);
  if (declared != nullptr && declared->extensions.value("x-conform-state-dependent", false)) {
    return {};
  }
  std::string excerpt =
      core::escape_invalid_utf8(core::utf8_prefix(in.options.secrets(in.response.body), 200));
  return {{"positive_data_acceptance",
           "a valid request was refused with " + status_text(s) + ": " + excerpt, "",
           "a valid request was refused with " + status_text(s)}};
}

std::vector<Failure> missing_required_header(const CheckInput& in) {
  if (in.sent.mutation != kMissingRequiredHeader) return {};
  if (in.response.status < 200 || in.response.status >= 300) return {};
  return {{"missing_required_header",
           "a request without its required " + in.sent.where + " was accepted with " +
               status_text(in.response.status) + " (expected a 4XX)",
           ""}};
}

std::vector<Failure> www_authenticate(const CheckInput& in) {
  if (in.response.status != 401 || in.response.header("www-authenticate")) return {};
  return {{"www_authenticate",
           "a 401 answer without a WWW-Authenticate header (HTTP requires one naming the "
           "authentication scheme: RFC 9110, section 11.6.1)",
           ""}};
}

std::vector<Failure> max_response_time(const CheckInput& in) {
  double limit = in.options.max_response_time_seconds;
  if (limit <= 0 || in.response.seconds <= limit) return {};
  char text[96];
  std::snprintf(text, sizeof text, "the answer took %.0f ms (limit %.0f ms)",
                in.response.seconds * 1000, limit * 1000);
  char limit_text[64];
  std::snprintf(limit_text, sizeof limit_text, "the answer took longer than %.0f ms", limit * 1000);
  return {{"max_response_time", text, "", limit_text}};
}

std::optional<Failure> ignored_auth(const transport::Response& response, std::string_view how) {
  if (response.status == 401 || response.status == 403) return std::nullopt;
  return Failure{"ignored_auth",
                 "a request " + std::string(how) + " was answered " + status_text(response.status) +
                     " (expected 401 or 403)",
                 ""};
}

std::optional<Failure> use_after_delete(const transport::Response& response,
                                        std::string_view what) {
  if (response.status == 404 || response.status == 410) return std::nullopt;
  return Failure{"use_after_delete",
                 std::string(what) + " was answered " + status_text(response.status) +
                     " after the resource was deleted (expected 404 or 410)",
                 ""};
}

std::optional<Failure> resource_availability(const transport::Response& response,
                                             std::string_view what) {
  if (response.status != 404 && response.status != 410) return std::nullopt;
  return Failure{"resource_availability",
                 std::string(what) + " was answered " + status_text(response.status) +
                     " right after the resource was created",
                 ""};
}

std::optional<Failure> unsupported_method(const transport::Response& response,
                                          std::string_view request_line,
                                          const std::vector<std::string>& declared) {
  std::string declared_list;
  for (const auto& m : declared) declared_list += (declared_list.empty() ? "" : ", ") + m;
  if (response.status == 501) return std::nullopt;  // a method the server knows for no resource
  if (response.status != 405) {
    return Failure{"unsupported_method",
                   std::string(request_line) + ", a method the path does not declare, was " +
                       "answered " + status_text(response.status) +
                       " (expected 405 with Allow: " + declared_list + ")",
                   ""};
  }
  auto allow = response.header("allow");
  if (!allow) {
    return Failure{"unsupported_method",
                   std::string(request_line) + " was answered 405 without an Allow header " +
                       "(expected Allow: " + declared_list + ")",
                   ""};
  }
  std::set<std::string> listed;
  for (const auto& token : core::split(*allow, ","))
    listed.insert(core::ascii_lower(core::trim(token)));
  std::string left_out;
  for (const auto& m : declared) {
    if (!listed.contains(core::ascii_lower(m))) left_out += (left_out.empty() ? "" : ", ") + m;
  }
  if (left_out.empty()) return std::nullopt;
  return Failure{"unsupported_method",
                 std::string(request_line) + " was answered 405 with Allow: " + *allow +
                     ", which leaves out the declared " + left_out,
                 ""};
}

namespace {

// Every string inside `value`, with the JSON pointer it is at.
void string_leaves(const nlohmann::json& value, const std::string& at,
                   std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_string()) {
    out.emplace_back(at, value.get<std::string>());
  } else if (value.is_structured()) {
    for (const auto& [key, member] : value.items()) {
      string_leaves(member, at + "/" + core::escape_pointer_token(key), out);
    }
  }
}

std::string quoted_start(const std::string& text) {
  return "'" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + "'";
}

}  // namespace

UpdateReadBack update_reflected(const nlohmann::json& before, const nlohmann::json& update,
                                const nlohmann::json& read, std::string_view what) {
  std::vector<std::pair<std::string, std::string>> sent, earlier, shown;
  string_leaves(update, "", sent);
  string_leaves(before, "", earlier);
  string_leaves(read, "", shown);
  std::set<std::string> sent_values, shown_values;
  for (const auto& [at, text] : sent) sent_values.insert(text);
  for (const auto& [at, text] : shown) shown_values.insert(text);
  UpdateReadBack out;
  int changed = 0;
  for (const auto& leaf_sent : sent) {
    const std::string& at = leaf_sent.first;
    const std::string& text = leaf_sent.second;
    auto old = std::find_if(earlier.begin(), earlier.end(),
                            [&](const auto& leaf) { return leaf.first == at; });
    // Only a string the update changes, whose old value the update does not also send.
    if (old == earlier.end() || old->second.empty() || old->second == text ||
        sent_values.contains(old->second)) {
      continue;
    }
    ++changed;
    if (shown_values.contains(text) || !shown_values.contains(old->second)) continue;
    out.lost.push_back((at.empty() ? "the body" : at) + ": sent " + quoted_start(text) +
                       ", still " + quoted_start(old->second));
  }
  if (changed > 0 && static_cast<int>(out.lost.size()) == changed) {
    std::string list;
    for (const auto& lost : out.lost) list += (list.empty() ? "" : "; ") + lost;
    out.failure =
        Failure{"update_reflected",
                std::string(what) + " shows the item as it was before the update (" + list + ")",
                "", std::string(what) + " shows the item as it was before the update"};
  }
  return out;
}

const std::vector<NamedCheck>& catalogue() {
  static const std::vector<NamedCheck> all = {
      {"not_a_server_error", not_a_server_error, "responses"},
      {"status_code_conformance", status_code_conformance, "responses"},
      {"content_type_conformance", content_type_conformance, "responses"},
      {"response_schema_conformance", response_schema_conformance, "responses"},
      {"response_headers_conformance", response_headers_conformance, "responses"},
      {"negative_data_rejection", negative_data_rejection, "responses"},
      {"positive_data_acceptance", positive_data_acceptance, "responses"},
      {"ignored_auth", nullptr, "auth"},
      {"use_after_delete", nullptr, "stateful"},
      {"resource_availability", nullptr, "stateful"},
      {"permission_enforcement", nullptr, "permissions"},
      {"permission_round_trip", nullptr, "permissions"},
      {"max_response_time", max_response_time, "responses"},
      // After DESIGN.md's: the Arazzo suites' own assertions.
      {"workflow_success_criteria", nullptr, "scenarios"},
      {"unsupported_method", nullptr, "methods"},
      {"missing_required_header", missing_required_header, "responses"},
      {"www_authenticate", www_authenticate, "responses"},
      {"update_reflected", nullptr, "stateful"},
  };
  return all;
}

bool is_check_name(std::string_view name) {
  for (const auto& c : catalogue()) {
    if (c.name == name) return true;
  }
  return false;
}

std::vector<Failure> check_response(const CheckInput& in, const std::set<std::string>& enabled) {
  std::vector<Failure> found;
  // A 5XX is not_a_server_error's to report; saying it again as undeclared adds nothing.
  const bool server_error = in.response.status >= 500 && enabled.contains("not_a_server_error");
  for (const auto& named : catalogue()) {
    if (named.check == nullptr || !enabled.contains(std::string(named.name))) continue;
    if (server_error && named.name == "status_code_conformance") continue;
    for (auto& f : named.check(in)) found.push_back(std::move(f));
  }
  return found;
}

}  // namespace conform::checks
