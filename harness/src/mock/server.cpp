#include "conform/mock/server.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
#include "conform/http/server.hpp"
#include "conform/mock/account.hpp"
#include "conform/mock/account_api.hpp"
#include "conform/mock/rate_limiter.hpp"
#include "conform/mock/resource_store.hpp"
#include "conform/permission/permission.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/spec/media_type.hpp"
#include "conform/spec/router.hpp"

namespace conform::mock {

using http::HttpLimits;
using http::HttpRequest;
using http::HttpResponse;
using http::HttpServer;

namespace {

nlohmann::json vast_error(const std::string& code, const std::string& message) {
  return {{"success", false}, {"error", code}, {"msg", message}};
}

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = body.dump();
  return response;
}

// What the mock is about to send, before the faults have their say.
struct Outgoing {
  Outgoing(int s, std::optional<nlohmann::json> b, std::string type = "application/json")
      : status(s), body(std::move(b)), content_type(std::move(type)) {}

  int status = 200;
  std::optional<nlohmann::json> body;  // JSON, or a string for other media types
  std::string content_type = "application/json";
  const spec::Operation* operation = nullptr;  // the answer's operation (faults apply to it)
  std::map<std::string, std::string> headers;
  // An error the mock made (not an answer the operation gives): shaped as the routed operation
  // declares that status, when it does.
  std::string error_message;
  const spec::Operation* routed = nullptr;
};

Outgoing error_reply(int status, const std::string& code, const std::string& message) {
  Outgoing out{status, vast_error(code, message)};
  out.error_message = message;
  return out;
}

// Members of an error body where the message reads naturally.
constexpr std::array<const char*, 7> kMessageMembers = {"message", "msg",         "detail", "title",
                                                        "error",   "description", "reason"};

// "a=1; b = \"2\"" → {"a": "1", "b": "2"}: the name=value lists of Prefer and Cookie headers.
std::map<std::string, std::string> header_pairs(const std::string& header,
                                                std::string_view separators) {
  auto trim = [](std::string_view text) { return core::trim(text, " \t\""); };
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find_first_of(separators, start);
    if (end == std::string::npos) end = header.size();
    std::string item = header.substr(start, end - start);
    auto equals = item.find('=');
    if (equals != std::string::npos) {
      out[trim(item.substr(0, equals))] = trim(item.substr(equals + 1));
    }
    start = end + 1;
  }
  return out;
}

// Vast.ai writes the threshold as a decimal: "threshold=2.0".
std::string threshold_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds == std::trunc(seconds) ? "%.1f" : "%g", seconds);
  return text;
}

bool has_odd_string(const nlohmann::json& value) {
  if (value.is_string()) {
    auto size = value.get_ref<const std::string&>().size();
    return size == 0 || size > 64;
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (has_odd_string(item)) return true;
    }
  }
  return false;
}

// The fault wrong_response_type: the first scalar found turns into another type.
bool flip_first_scalar(nlohmann::json& value) {
  if (value.is_structured()) {
    for (auto& item : value) {
      if (flip_first_scalar(item)) return true;
    }
    return false;
  }
  if (value.is_string()) {
    value = 12345;
  } else {
    value = "not a " + std::string(value.type_name());
  }
  return true;
}

}  // namespace

struct MockServer::Impl {
  const spec::Spec& spec;
  MockOptions options;
  schema::SpecSchemas schemas;
  std::string base_path;
  Account account;
  AccountApi account_api;
  ResourceStore resources;
  RateLimiter rate_limiter;
  std::mutex log_mutex;
  mutable std::mutex generate_mutex;
  mutable std::map<std::string, nlohmann::json> generated;  // by salt

  Impl(const spec::Spec& s, MockOptions o)
      : spec(s),
        options(std::move(o)),
        schemas(s),
        base_path(options.base_path ? *options.base_path : s.base_path()),
        account(options.root_token, options.state_seed,
                options.faults.contains(Fault::reuses_identifiers), options.max_kept),
        account_api(s, schemas, account, options.faults),
        resources(
            s, schemas, options.faults,
            [this](spec::SchemaId schema, const std::string& salt) {
              return generate(schema, salt, false);
            },
            options.max_kept) {}

  bool has(Fault fault) const { return options.faults.contains(fault); }

  void log(const HttpRequest& request, int status, const std::string& who,
           std::chrono::steady_clock::time_point started) {
    if (!options.log) return;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    // The path only: a query string may carry a credential.
    std::string path = request.target.substr(0, request.target.find('?'));
    std::lock_guard lock(log_mutex);
    std::cerr << request.method << " " << path << " " << status << " " << who << " " << micros
              << "us\n";
  }

  Outgoing handle(const HttpRequest& request, std::string& who) {
    std::string raw_path = request.target.substr(0, request.target.find('?'));
    spec::Route route =
        spec.router().route(request.method, spec::path_below_base(raw_path, base_path));
    if (route.outcome == spec::Route::Outcome::no_such_path) {
      return error_reply(404, "not_found", "no operation at " + raw_path);
    }
    if (route.outcome == spec::Route::Outcome::method_not_allowed) {
      if (has(Fault::undeclared_method_not_found)) {
        return error_reply(404, "not_found", "no operation at " + raw_path);
      }
      std::string allowed;
      for (const auto& m : route.allowed_methods) allowed += (allowed.empty() ? "" : ", ") + m;
      Outgoing out = error_reply(405, "method_not_allowed",
                                 request.method + " is not allowed here; allowed: " + allowed);
      out.headers["Allow"] = allowed;
      return out;
    }
    Outgoing out = handle_routed(request, route, who);
    out.routed = route.operation;
    return out;
  }

  Outgoing handle_routed(const HttpRequest& request, const spec::Route& route, std::string& who) {
    const spec::Operation& op = *route.operation;

    Identity identity;
    std::string refusal;
    if (auto known = authenticate(op, request, refusal)) {
      identity = *known;
    } else if (!has(Fault::ignores_auth)) {
      Outgoing out = error_reply(401, "unauthorized", refusal);
      if (!has(Fault::no_auth_challenge)) out.headers["WWW-Authenticate"] = challenges(op);
      return out;
    }
    who = identity.label();

    if (options.rate_limit) {
      if (auto interval = spec::min_interval_of(op);
          interval && !rate_limiter.admit(op.operation_id, who, *interval)) {
        return {429, nlohmann::json{{"detail", "API requests too frequent endpoint threshold=" +
                                                   threshold_text(*interval)}}};
      }
    }

    std::optional<permission::Document> permissions;
    if (!identity.permissions.is_null() && !has(Fault::permission_not_enforced)) {
      try {
        permissions = permission::Document::from_json(identity.permissions);
      } catch (const std::invalid_argument& e) {
        return error_reply(
            403, "missing_permissions",
            std::string("the key's permission document cannot be read: ") + e.what());
      }
      auto decision = permission::decide_scope(*permissions, op);
      if (!decision.allowed) return error_reply(403, "missing_permissions", decision.reason);
    }

    gen::ReceivedRequest incoming = gen::received_from_wire(request.target, request.headers,
                                                            request.body, route.raw_path_values);
    if (has(Fault::server_error) && carries_odd_string(incoming)) {
      return error_reply(500, "internal_error", "the server failed");
    }
    gen::ReadRequest checked = gen::read_request(op, schemas, incoming);
    if (has(Fault::accepts_missing_header)) {
      std::erase_if(checked.problems, [](const auto& p) {
        return p.where.rfind("header parameter '", 0) == 0 &&
               p.message == "is required but missing";
      });
    }
    if (has(Fault::accepts_invalid_permissions)) {
      std::erase_if(checked.problems,
                    [](const auto& p) { return p.where.rfind("body /permissions", 0) == 0; });
    }
    if (!checked.problems.empty() && !has(Fault::accepts_invalid_input)) {
      std::string message;
      bool about_permissions = false;
      for (const auto& p : checked.problems) {
        message += (message.empty() ? "" : "; ") + p.where + ": " + p.message;
        about_permissions = about_permissions || p.where.rfind("body /permissions", 0) == 0;
      }
      return error_reply(400, about_permissions ? "invalid_permissions" : "invalid_args", message);
    }
    if (has(Fault::rejects_valid_input) &&
        (!request.body.empty() || request.target.find('?') != std::string::npos)) {
      return error_reply(400, "invalid_args", "the request was refused");
    }

    if (permissions) {
      std::map<std::string, nlohmann::json> values = checked.parameters;
      if (checked.body.is_object()) {
        for (const auto& [name, value] : checked.body.items()) values.emplace(name, value);
      }
      auto decision = permission::decide(*permissions, op, values);
      if (!decision.allowed) return error_reply(403, "missing_permissions", decision.reason);
    }

    auto prefer = header_pairs(request.header_or_empty("Prefer"), ",;");
    if (account_api.handles(op) && prefer.empty()) {
      // Invalid requests reach here only under a fault; the account area still answers them.
      Reply reply = account_api.handle(op, identity, checked);
      Outgoing out{reply.status, std::move(reply.body)};
      out.operation = &op;
      return out;
    }
    if (prefer.empty()) {
      std::string path = request.target.substr(0, request.target.find('?'));
      if (auto kept = resources.handle(op, path, checked)) {
        if (kept->status == 404) return error_reply(404, "not_found", kept->not_found);
        Outgoing out{kept->status, std::move(kept->body)};
        out.headers = std::move(kept->headers);
        if (!out.body) out.content_type.clear();
        out.operation = &op;
        return out;
      }
    }
    Outgoing out = respond(op, prefer);
    out.operation = &op;
    return out;
  }

  // The request as received: the raw query is decoded by the same reader conform's generator
  // verifies its cases with, so that the mock and the run read a request alike.
  // The credential a request carries for one security scheme, if it carries one.
  static std::optional<std::string> credential(const spec::SecurityScheme& scheme,
                                               const HttpRequest& request) {
    const std::string http_scheme = core::ascii_lower(scheme.scheme);
    auto authorization = [&](std::string_view prefix) -> std::optional<std::string> {
      std::string value = request.header_or_empty("Authorization");
      if (core::ascii_lower(value.substr(0, prefix.size())) != prefix) return std::nullopt;
      return value.substr(prefix.size());
    };
    if ((scheme.type == "http" && http_scheme == "bearer") || scheme.type == "oauth2" ||
        scheme.type == "openIdConnect") {
      return authorization("bearer ");
    }
    if (scheme.type == "http" && http_scheme == "basic") {
      auto encoded = authorization("basic ");
      if (!encoded) return std::nullopt;
      auto decoded = core::base64_decode(*encoded);
      if (!decoded) return std::string();
      return decoded;
    }
    if (scheme.type == "apiKey" && scheme.in == "header") {
      return request.header(scheme.parameter);
    }
    if (scheme.type == "apiKey" && scheme.in == "query") {
      auto question = request.target.find('?');
      if (question == std::string::npos) return std::nullopt;
      for (const auto& [name, value] :
           gen::decode_query(std::string_view(request.target).substr(question + 1))) {
        if (name == scheme.parameter) return value;
      }
      return std::nullopt;
    }
    if (scheme.type == "apiKey" && scheme.in == "cookie") {
      auto cookies = gen::decode_cookies(request.header_or_empty("Cookie"));
      auto it = cookies.find(scheme.parameter);
      if (it == cookies.end()) return std::nullopt;
      return core::percent_decode(it->second).value_or(it->second);
    }
    return std::nullopt;
  }

  // Schemes the mock checks; others (mutualTLS, digest...) are taken as satisfied.
  static bool checkable(const spec::SecurityScheme& scheme) {
    const std::string http_scheme = core::ascii_lower(scheme.scheme);
    return scheme.type == "apiKey" || scheme.type == "oauth2" || scheme.type == "openIdConnect" ||
           (scheme.type == "http" && (http_scheme == "bearer" || http_scheme == "basic"));
  }

  // Who the request's credentials say it is, when one alternative of the operation's security is
  // satisfied by known keys (the root token, or keys made through the account area); otherwise
  // nothing, with the reason in `refusal`. An operation without security is open to all. Basic
  // credentials are known by their password ("user:<key>") or as a whole.
  // What a 401 says the operation accepts (RFC 9110's WWW-Authenticate): one challenge per
  // scheme. An API key has no registered scheme; "ApiKey" names where it goes.
  std::string challenges(const spec::Operation& op) const {
    std::set<std::string> named;
    for (const auto& alternative : op.security) {
      for (const auto& [name, scopes] : alternative.schemes) {
        auto scheme = spec.security_schemes().find(name);
        if (scheme == spec.security_schemes().end()) continue;
        const spec::SecurityScheme& s = scheme->second;
        if (s.type == "http" && !s.scheme.empty()) {
          std::string token = core::ascii_lower(s.scheme);
          token[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(token[0])));
          named.insert(token + " realm=\"conform mock\"");
        } else if (s.type == "apiKey") {
          named.insert("ApiKey realm=\"conform mock\", in=\"" + s.in + "\", name=\"" + s.parameter +
                       "\"");
        } else {
          named.insert("Bearer realm=\"conform mock\"");
        }
      }
    }
    std::string out;
    for (const auto& challenge : named) out += (out.empty() ? "" : ", ") + challenge;
    return out.empty() ? "Bearer realm=\"conform mock\"" : out;
  }

  std::optional<Identity> authenticate(const spec::Operation& op, const HttpRequest& request,
                                       std::string& refusal) const {
    if (op.security.empty()) return Identity{};
    refusal = "no credential that the operation's security accepts";
    for (const auto& alternative : op.security) {
      if (alternative.schemes.empty()) return Identity{};
      std::optional<Identity> who;
      bool satisfied = true;
      for (const auto& [name, scopes] : alternative.schemes) {
        auto scheme = spec.security_schemes().find(name);
        if (scheme == spec.security_schemes().end() || !checkable(scheme->second)) continue;
        auto secret = credential(scheme->second, request);
        std::optional<Identity> known;
        if (secret) known = account.authenticate(*secret);
        if (secret && !known && core::ascii_lower(scheme->second.scheme) == "basic") {
          auto colon = secret->find(':');
          if (colon != std::string::npos) known = account.authenticate(secret->substr(colon + 1));
        }
        if (!known) {
          if (secret) refusal = "the credential for '" + name + "' is not a known key";
          satisfied = false;
          break;
        }
        if (!who) who = known;
      }
      if (satisfied) return who.value_or(Identity{});
    }
    return std::nullopt;
  }

  static bool carries_odd_string(const gen::ReceivedRequest& incoming) {
    for (const auto& [name, value] : incoming.path_values) {
      if (has_odd_string(core::percent_decode(value).value_or(value))) return true;
    }
    for (const auto& [name, value] : incoming.query) {
      if (has_odd_string(value)) return true;
    }
    auto body = core::parse_json_or_discarded(incoming.body);
    return !incoming.body.empty() && !body.is_discarded() && has_odd_string(body);
  }

  Outgoing respond(const spec::Operation& op, const std::map<std::string, std::string>& prefer) {
    const spec::Response* chosen = nullptr;
    int status = 200;
    if (auto code = prefer.find("code"); code != prefer.end()) {
      status = std::atoi(code->second.c_str());
      chosen = op.find_response(status);
      if (chosen == nullptr || chosen->status == "default") {
        return error_reply(422, "no_such_response",
                           "the operation declares no " + code->second + " response");
      }
    } else {
      for (const auto& r : op.responses) {
        if (r.status.size() == 3 && r.status[0] == '2') {
          chosen = &r;
          status =
              std::isdigit(static_cast<unsigned char>(r.status[1])) ? std::stoi(r.status) : 200;
          break;
        }
      }
      // No 2XX declared (a redirect only, say): the first status the operation declares.
      for (const auto& r : op.responses) {
        if (chosen != nullptr) break;
        if (r.status.size() == 3 && std::isdigit(static_cast<unsigned char>(r.status[0])) &&
            std::isdigit(static_cast<unsigned char>(r.status[1]))) {
          chosen = &r;
          status = std::stoi(r.status);
        } else if (r.status == "default") {
          chosen = &r;
        }
      }
      if (chosen == nullptr) return {204, std::nullopt, ""};
    }
    if (chosen->content.empty()) return {status, std::nullopt, ""};
    const spec::MediaType& media = chosen->content.front();
    std::string content_type =
        media.name.find('*') != std::string::npos ? "application/json" : media.name;
    const spec::Example* example = nullptr;
    if (auto wanted = prefer.find("example"); wanted != prefer.end()) {
      for (const auto& e : media.examples) {
        if (e.name == wanted->second) example = &e;
      }
      if (example == nullptr) {
        return error_reply(422, "no_such_example", "no example named '" + wanted->second + "'");
      }
    } else {
      // The first example that is valid by the schema: one that is not is a finding of the
      // document (lint reports it), not an answer the mock should give as the server's.
      for (const auto& e : media.examples) {
        if (!media.schema || schemas.accepts(*media.schema, spec::Direction::response, e.value)) {
          example = &e;
          break;
        }
      }
    }
    nlohmann::json body;
    if (example != nullptr) {
      body = example->value;
    } else if (media.schema) {
      try {
        body = generate(*media.schema, op.operation_id + chosen->status);
      } catch (const std::exception& e) {
        return error_reply(500, "mock_cannot_generate", e.what());
      }
    }
    return {status, std::move(body), content_type};
  }

  // Generated values depend only on the seed and the salt, so each is made once (`keep`: values
  // of created items differ by salt and are not kept twice). RapidCheck keeps its generation
  // context in globals: generating on several server threads at once corrupts it.
  nlohmann::json generate(spec::SchemaId schema, const std::string& salt, bool keep = true) const {
    std::lock_guard lock(generate_mutex);
    auto cached = generated.find(salt);
    if (cached != generated.end()) return cached->second;
    auto source = gen::source_for(spec, schemas, schema, spec::Direction::response);
    std::uint64_t seed = options.state_seed ^ std::hash<std::string>{}(salt);
    // Every declared property when the schema allows a value with all of them, as a real answer
    // has; otherwise whatever valid value comes.
    gen::ValueOptions complete;
    complete.every_property = true;
    nlohmann::json value;
    try {
      value = gen::sample(gen::positive_values(source, complete), seed, 1).front();
    } catch (const gen::Unsatisfiable&) {
      value = gen::sample(gen::positive_values(source), seed, 1).front();
    }
    if (keep) generated.emplace(salt, value);
    return value;
  }

  // An error the mock made, as the routed operation declares that status: the declared media
  // type, and a body valid by its schema (the message in a member such as `message` when the
  // schema allows it). The Vast.ai-shaped body stays where it is valid or nothing is declared.
  void shape_error(Outgoing& out) const {
    if (out.error_message.empty() || out.routed == nullptr) return;
    const spec::Response* declared = out.routed->find_response(out.status);
    if (declared == nullptr) return;
    if (declared->content.empty()) {
      out.body.reset();
      return;
    }
    const spec::MediaType* media = &declared->content.front();
    for (const auto& m : declared->content) {
      if (spec::is_json_media_type(m.name)) {
        media = &m;
        break;
      }
    }
    out.content_type =
        media->name.find('*') != std::string::npos ? "application/json" : media->name;
    if (!spec::is_json_media_type(out.content_type)) {
      out.body = out.error_message;  // text/plain, text/html...: the message itself
      if (media->schema && !schemas.accepts(*media->schema, spec::Direction::response, *out.body)) {
        out.body = generate(*media->schema, out.routed->operation_id + declared->status);
      }
      return;
    }
    if (!media->schema) return;
    auto valid = [&](const nlohmann::json& value) {
      return schemas.accepts(*media->schema, spec::Direction::response, value);
    };
    if (out.body && valid(*out.body)) return;
    nlohmann::json body =
        !media->examples.empty() && valid(media->examples.front().value)
            ? media->examples.front().value
            : generate(*media->schema, out.routed->operation_id + declared->status);
    if (body.is_object()) {
      for (const char* member : kMessageMembers) {
        if (!body.contains(member) || !body[member].is_string()) continue;
        nlohmann::json with_message = body;
        with_message[member] = out.error_message;
        if (valid(with_message)) {
          body = std::move(with_message);
          break;
        }
      }
    }
    out.body = std::move(body);
  }

  // The headers the description declares for the response being sent.
  void add_declared_headers(const Outgoing& out, HttpResponse& response) const {
    if (out.operation == nullptr) return;
    const spec::Response* declared = out.operation->find_response(out.status);
    if (declared == nullptr) return;
    for (const auto& header : declared->headers) {
      if (!header.schema || core::ascii_lower(header.name) == "content-type") continue;
      if (header.required && has(Fault::missing_response_header)) continue;
      try {
        nlohmann::json value = generate(*header.schema, out.operation->operation_id + header.name);
        response.headers.emplace_back(header.name,
                                      value.is_string() ? value.get<std::string>() : value.dump());
      } catch (const std::exception&) {
        // A header the generator cannot satisfy is left out; lint names such schemas.
      }
    }
  }

  HttpResponse send(Outgoing out) const {
    HttpResponse response;
    shape_error(out);
    for (auto& [name, value] : out.headers) response.headers.emplace_back(name, value);
    bool success = out.status >= 200 && out.status < 300 && out.operation != nullptr;
    if (success && has(Fault::undocumented_status)) {
      for (int candidate = 200; candidate < 300; ++candidate) {
        const auto* declared = out.operation->find_response(candidate);
        if (declared == nullptr || declared->status == "default") {
          out.status = candidate;
          break;
        }
      }
    }
    if (out.body && out.operation != nullptr && has(Fault::wrong_response_type)) {
      flip_first_scalar(*out.body);
    }
    add_declared_headers(out, response);
    response.status = out.status;
    if (!out.body) return response;
    std::string content_type = out.content_type;
    if (spec::is_json_media_type(content_type) && out.operation != nullptr &&
        has(Fault::wrong_content_type)) {
      content_type = "text/plain";
    }
    response.headers.emplace_back("Content-Type", content_type);
    response.body = spec::is_json_media_type(out.content_type) || !out.body->is_string()
                        ? out.body->dump()
                        : out.body->get<std::string>();
    return response;
  }

  HttpResponse serve(const HttpRequest& request) {
    auto started =
        options.log ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    std::string who = "-";
    HttpResponse response;
    try {
      response = send(handle(request, who));
    } catch (const std::exception& e) {
      response = json_response(500, vast_error("mock_error", e.what()));
    }
    if (has(Fault::slow_responses)) response.delay = std::chrono::milliseconds(250);
    log(request, response.status, who, started);
    return response;
  }

  // Requests the HTTP layer refuses before routing (malformed, too large) still get a body of
  // the Vast.ai shape.
  static HttpResponse refuse(int status, const std::string& why) {
    static const std::map<int, std::string> codes = {
        {400, "invalid_args"}, {413, "payload_too_large"}, {431, "headers_too_large"}};
    auto code = codes.find(status);
    return json_response(status,
                         vast_error(code == codes.end() ? "mock_error" : code->second, why));
  }

  static HttpLimits limits(const MockOptions& options) {
    HttpLimits limits;
    limits.max_body_bytes = options.max_body_bytes;
    return limits;
  }

  // Last: it calls into everything above from its threads.
  HttpServer server{limits(options), [this](const HttpRequest& r) { return serve(r); }, refuse};
};

MockServer::MockServer(const spec::Spec& spec, MockOptions options)
    : impl_(std::make_unique<Impl>(spec, std::move(options))) {}

MockServer::~MockServer() { stop(); }

int MockServer::bind() {
  std::string why;
  auto port = impl_->server.bind(impl_->options.host, impl_->options.port, why);
  if (!port) {
    core::fail_input("mock.bind", "", "",
                     "cannot listen on " + impl_->options.host + ":" +
                         std::to_string(impl_->options.port) + ": " + why);
  }
  return *port;
}

void MockServer::serve() {
  unsigned threads = impl_->options.threads;
  impl_->server.serve(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency()));
}

void MockServer::stop() {
  if (impl_) impl_->server.stop();
}

}  // namespace conform::mock
