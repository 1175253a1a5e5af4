#include "conform/mock/server.hpp"

#include <httplib.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
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
namespace {

nlohmann::json vast_error(const std::string& code, const std::string& message) {
  return {{"success", false}, {"error", code}, {"msg", message}};
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
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
  auto trim = [](std::string text) {
    text.erase(0, text.find_first_not_of(" \t\""));
    text.erase(text.find_last_not_of(" \t\"") + 1);
    return text;
  };
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

constexpr std::size_t kWorkerThreads = 512;

struct MockServer::Impl {
  const spec::Spec& spec;
  MockOptions options;
  schema::SpecSchemas schemas;
  std::string base_path;
  Account account;
  AccountApi account_api;
  ResourceStore resources;
  RateLimiter rate_limiter;
  httplib::Server server;
  std::mutex log_mutex;
  mutable std::mutex generate_mutex;
  mutable std::map<std::string, nlohmann::json> generated;  // by salt

  Impl(const spec::Spec& s, MockOptions o)
      : spec(s),
        options(std::move(o)),
        schemas(s),
        base_path(options.base_path ? *options.base_path : s.base_path()),
        account(options.root_token, options.state_seed),
        account_api(s, schemas, account, options.faults),
        resources(s, schemas, options.faults,
                  [this](spec::SchemaId schema, const std::string& salt) {
                    return generate(schema, salt, false);
                  }) {}

  bool has(Fault fault) const { return options.faults.contains(fault); }

  void log(const httplib::Request& request, int status, const std::string& who,
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

  Outgoing handle(const httplib::Request& request, std::string& who) {
    std::string raw_path = request.target.substr(0, request.target.find('?'));
    // The description's paths start at the base path ("/v1"); a path without it is routed as it
    // is, so that clients written against either form are served.
    std::string routed_path = raw_path;
    if (!base_path.empty() && routed_path.rfind(base_path, 0) == 0 &&
        (routed_path.size() == base_path.size() || routed_path[base_path.size()] == '/')) {
      routed_path = routed_path.substr(base_path.size());
      if (routed_path.empty()) routed_path = "/";
    }
    spec::Route route = spec.router().route(request.method, routed_path);
    if (route.outcome == spec::Route::Outcome::no_such_path) {
      return error_reply(404, "not_found", "no operation at " + raw_path);
    }
    if (route.outcome == spec::Route::Outcome::method_not_allowed) {
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

  Outgoing handle_routed(const httplib::Request& request, const spec::Route& route,
                         std::string& who) {
    const spec::Operation& op = *route.operation;

    Identity identity;
    std::string refusal;
    if (auto known = authenticate(op, request, refusal)) {
      identity = *known;
    } else if (!has(Fault::ignores_auth)) {
      return error_reply(401, "unauthorized", refusal);
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

    gen::ReceivedRequest incoming = incoming_request(request, route);
    if (has(Fault::server_error) && carries_odd_string(incoming)) {
      return error_reply(500, "internal_error", "the server failed");
    }
    gen::ReadRequest checked = gen::read_request(op, schemas, incoming);
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
    if (has(Fault::rejects_valid_input) && (!request.body.empty() || !request.params.empty())) {
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

    auto prefer = header_pairs(request.get_header_value("Prefer"), ",;");
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
                                               const httplib::Request& request) {
    const std::string http_scheme = core::ascii_lower(scheme.scheme);
    auto authorization = [&](std::string_view prefix) -> std::optional<std::string> {
      std::string value = request.get_header_value("Authorization");
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
      if (!request.has_header(scheme.parameter)) return std::nullopt;
      return request.get_header_value(scheme.parameter);
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
      auto cookies = gen::decode_cookies(request.get_header_value("Cookie"));
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
  std::optional<Identity> authenticate(const spec::Operation& op, const httplib::Request& request,
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

  static gen::ReceivedRequest incoming_request(const httplib::Request& request,
                                               const spec::Route& route) {
    gen::ReceivedRequest incoming;
    incoming.path_values = route.raw_path_values;
    auto question = request.target.find('?');
    if (question != std::string::npos) {
      incoming.query = gen::decode_query(std::string_view(request.target).substr(question + 1));
    }
    for (const auto& [name, value] : request.headers)
      incoming.headers[core::ascii_lower(name)] = value;
    incoming.cookies = gen::decode_cookies(request.get_header_value("Cookie"));
    if (request.has_header("Content-Type")) {
      incoming.content_type = request.get_header_value("Content-Type");
    }
    incoming.body = request.body;
    if (incoming.body.empty() && request.is_multipart_form_data() && incoming.content_type) {
      // cpp-httplib parses multipart bodies itself and keeps only the parts: written out again
      // with the request's own boundary, the shared reader reads them as sent.
      auto at = incoming.content_type->find("boundary=");
      std::string boundary =
          at == std::string::npos ? "conform" : incoming.content_type->substr(at + 9);
      boundary = boundary.substr(0, boundary.find(';'));
      if (boundary.size() >= 2 && boundary.front() == '"') {
        boundary = boundary.substr(1, boundary.size() - 2);
      }
      for (const auto& [name, part] : request.files) {
        incoming.body +=
            "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
        if (!part.filename.empty()) incoming.body += "; filename=\"" + part.filename + "\"";
        incoming.body += "\r\n";
        if (!part.content_type.empty()) {
          incoming.body += "Content-Type: " + part.content_type + "\r\n";
        }
        incoming.body += "\r\n" + part.content + "\r\n";
      }
      if (!request.files.empty()) incoming.body += "--" + boundary + "--\r\n";
    }
    return incoming;
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
        if (!media.schema ||
            schemas.validate(*media.schema, spec::Direction::response, e.value).empty()) {
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
      if (media->schema &&
          !schemas.validate(*media->schema, spec::Direction::response, *out.body).empty()) {
        out.body = generate(*media->schema, out.routed->operation_id + declared->status);
      }
      return;
    }
    if (!media->schema) return;
    auto valid = [&](const nlohmann::json& value) {
      return schemas.validate(*media->schema, spec::Direction::response, value).empty();
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
  void add_declared_headers(const Outgoing& out, httplib::Response& response) const {
    if (out.operation == nullptr) return;
    const spec::Response* declared = out.operation->find_response(out.status);
    if (declared == nullptr) return;
    for (const auto& header : declared->headers) {
      if (!header.schema || core::ascii_lower(header.name) == "content-type") continue;
      if (header.required && has(Fault::missing_response_header)) continue;
      try {
        nlohmann::json value = generate(*header.schema, out.operation->operation_id + header.name);
        response.set_header(header.name,
                            value.is_string() ? value.get<std::string>() : value.dump());
      } catch (const std::exception&) {
        // A header the generator cannot satisfy is left out; lint names such schemas.
      }
    }
  }

  void send(Outgoing out, httplib::Response& response) const {
    shape_error(out);
    for (const auto& [name, value] : out.headers) response.set_header(name, value);
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
    if (!out.body) return;
    std::string content_type = out.content_type;
    if (spec::is_json_media_type(content_type) && out.operation != nullptr &&
        has(Fault::wrong_content_type)) {
      content_type = "text/plain";
    }
    if (spec::is_json_media_type(out.content_type) || !out.body->is_string()) {
      response.set_content(out.body->dump(), content_type);
    } else {
      response.set_content(out.body->get<std::string>(), content_type);
    }
  }
};

MockServer::MockServer(const spec::Spec& spec, MockOptions options)
    : impl_(std::make_unique<Impl>(spec, std::move(options))) {
  auto& server = impl_->server;
  server.set_payload_max_length(impl_->options.max_body_bytes);
  // A client that sends nothing, or a byte now and then, holds a worker: idle and slow clients
  // are dropped after two seconds of silence, idle keep-alive connections after one.
  server.set_read_timeout(2, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(1);
  // Headers and body go out in separate writes: without TCP_NODELAY each answer waits for the
  // client's delayed ACK (40 ms).
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  // cpp-httplib gives each open connection a thread while it is kept alive, so the pool bounds
  // how many clients are served at once; idle or stalled ones are dropped after the timeouts.
  // 512 threads cost about 20 MB: 300 clients stalled mid-request no longer delay the others.
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  // One handler for every path and method (the router decides); registered per method because
  // httplib reads request bodies only for handlers, not before routing.
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    auto started = std::chrono::steady_clock::now();
    std::string who = "-";
    try {
      impl_->send(impl_->handle(request, who), response);
    } catch (const std::exception& e) {
      send_json(response, 500, vast_error("mock_error", e.what()));
    }
    if (impl_->has(Fault::slow_responses)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    impl_->log(request, response.status, who, started);
  };
  // Bodies are read here, chunk by chunk, so that the size limit holds for chunked bodies too
  // (cpp-httplib applies it to Content-Length only): past it the answer is 413 and the connection
  // is closed with the rest unread.
  const std::size_t max_body = impl_->options.max_body_bytes;
  auto reading = [handler, max_body](const httplib::Request& request, httplib::Response& response,
                                     const httplib::ContentReader& content_reader) {
    httplib::Request whole = request;
    std::size_t total = 0;
    auto within = [&](std::size_t more) {
      total += more;
      return total <= max_body;
    };
    bool complete = false;
    if (request.is_multipart_form_data()) {
      auto last = whole.files.end();
      complete = content_reader(
          [&](const httplib::MultipartFormData& part) {
            last = whole.files.emplace(part.name, part);
            return within(part.name.size() + part.filename.size());
          },
          [&](const char* data, std::size_t length) {
            if (!within(length) || last == whole.files.end()) return false;
            last->second.content.append(data, length);
            return true;
          });
    } else {
      complete = content_reader([&](const char* data, std::size_t length) {
        if (!within(length)) return false;
        whole.body.append(data, length);
        return true;
      });
    }
    // A declared length past the limit is refused by cpp-httplib before any byte is read.
    bool declared_too_large =
        request.has_header("Content-Length") &&
        std::strtoull(request.get_header_value("Content-Length").c_str(), nullptr, 10) > max_body;
    if (total > max_body || declared_too_large) {
      send_json(response, 413, vast_error("payload_too_large", "the request body is too large"));
      response.set_header("Connection", "close");
      return;
    }
    if (!complete) {
      send_json(response, 400, vast_error("invalid_args", "the request body could not be read"));
      response.set_header("Connection", "close");
      return;
    }
    handler(whole, response);
  };
  // Every path, control characters included (a decoded %0A is a newline, which "." does not match).
  const std::string everything = R"([\s\S]*)";
  server.Get(everything, handler);
  server.Post(everything, reading);
  server.Put(everything, reading);
  server.Patch(everything, reading);
  server.Delete(everything, reading);
  server.Options(everything, handler);
  // Requests the HTTP layer refuses before routing (malformed, too large) still get a body of the
  // Vast.ai shape.
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 413) {
      send_json(response, 413, vast_error("payload_too_large", "the request body is too large"));
    } else if (response.status == 400) {
      send_json(response, 400,
                vast_error("invalid_args",
                           "the request is not well-formed HTTP/1.1 (a body needs Content-Length "
                           "or chunked encoding)"));
    }
  });
}

MockServer::~MockServer() { stop(); }

int MockServer::bind() {
  int port = impl_->options.port == 0
                 ? impl_->server.bind_to_any_port(impl_->options.host)
                 : (impl_->server.bind_to_port(impl_->options.host, impl_->options.port)
                        ? impl_->options.port
                        : -1);
  if (port < 0) {
    core::fail_input("mock.bind", "", "",
                     "cannot listen on " + impl_->options.host + ":" +
                         std::to_string(impl_->options.port) + " (in use, or not an address here)");
  }
  return port;
}

void MockServer::serve() { impl_->server.listen_after_bind(); }

void MockServer::stop() {
  if (impl_) impl_->server.stop();
}

}  // namespace conform::mock
