#include "conform/mock/server.hpp"

#include <httplib.h>

#include <functional>
#include <iostream>
#include <mutex>

#include "conform/core/error.hpp"
#include "conform/gen/values.hpp"
#include "conform/mock/request_check.hpp"
#include "conform/mock/router.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::mock {
namespace {

nlohmann::json vast_error(const std::string& code, const std::string& message) {
  return {{"success", false}, {"error", code}, {"msg", message}};
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

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

bool requires_bearer(const spec::Spec& spec, const spec::Operation& op) {
  if (op.security.empty()) return false;
  for (const auto& alternative : op.security) {
    if (alternative.schemes.empty()) return false;  // anonymous access is one of the options
  }
  for (const auto& alternative : op.security) {
    for (const auto& [name, scopes] : alternative.schemes) {
      auto scheme = spec.security_schemes().find(name);
      if (scheme != spec.security_schemes().end() && scheme->second.type == "http" &&
          scheme->second.scheme == "bearer") {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

struct MockServer::Impl {
  const spec::Spec& spec;
  MockOptions options;
  schema::SpecSchemas schemas;
  Router router;
  httplib::Server server;
  std::mutex log_mutex;

  Impl(const spec::Spec& s, MockOptions o)
      : spec(s), options(std::move(o)), schemas(s), router(s) {}

  void log(const httplib::Request& request, int status) {
    if (!options.log) return;
    std::lock_guard lock(log_mutex);
    std::cerr << request.method << " " << request.target << " " << status << "\n";
  }

  void handle(const httplib::Request& request, httplib::Response& response) {
    std::string raw_path = request.target.substr(0, request.target.find('?'));
    Route route = router.route(request.method, raw_path);
    if (route.outcome == Route::Outcome::no_such_path) {
      return send_json(response, 404, vast_error("not_found", "no operation at " + raw_path));
    }
    if (route.outcome == Route::Outcome::method_not_allowed) {
      std::string allowed;
      for (const auto& m : route.allowed_methods) allowed += (allowed.empty() ? "" : ", ") + m;
      response.set_header("Allow", allowed);
      return send_json(response, 405,
                       vast_error("method_not_allowed", request.method +
                                                            " is not allowed here; "
                                                            "allowed: " +
                                                            allowed));
    }
    const spec::Operation& op = *route.operation;
    if (requires_bearer(spec, op)) {
      std::string authorization = request.get_header_value("Authorization");
      constexpr std::string_view kBearer = "Bearer ";
      if (authorization.rfind(kBearer, 0) != 0) {
        return send_json(response, 401, vast_error("unauthorized", "a bearer token is required"));
      }
      if (authorization.substr(kBearer.size()) != options.root_token) {
        return send_json(response, 401, vast_error("unauthorized", "unknown API key"));
      }
    }
    IncomingRequest incoming;
    incoming.path_values = route.path_values;
    for (const auto& [name, value] : request.params) incoming.query.emplace(name, value);
    for (const auto& [name, value] : request.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      incoming.headers[lower] = value;
    }
    incoming.cookies = header_pairs(request.get_header_value("Cookie"), ";");
    if (request.has_header("Content-Type")) {
      incoming.content_type = request.get_header_value("Content-Type");
    }
    incoming.body = request.body;
    auto problems = check_request(op, schemas, incoming);
    if (!problems.empty()) {
      std::string message;
      for (const auto& p : problems)
        message += (message.empty() ? "" : "; ") + p.where + ": " + p.message;
      return send_json(response, 400, vast_error("invalid_args", message));
    }
    respond(op, request, response);
  }

  void respond(const spec::Operation& op, const httplib::Request& request,
               httplib::Response& response) {
    auto prefer = header_pairs(request.get_header_value("Prefer"), ",;");
    const spec::Response* chosen = nullptr;
    int status = 200;
    if (auto code = prefer.find("code"); code != prefer.end()) {
      status = std::atoi(code->second.c_str());
      chosen = op.find_response(status);
      if (chosen == nullptr || chosen->status == "default") {
        return send_json(response, 422,
                         vast_error("no_such_response",
                                    "the operation declares no " + code->second + " response"));
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
      if (chosen == nullptr) {
        response.status = 204;
        return;
      }
    }
    response.status = status;
    if (chosen->content.empty()) return;
    const spec::MediaType& media = chosen->content.front();
    std::string content_type =
        media.name.find('*') != std::string::npos ? "application/json" : media.name;
    const spec::Example* example = nullptr;
    if (auto wanted = prefer.find("example"); wanted != prefer.end()) {
      for (const auto& e : media.examples) {
        if (e.name == wanted->second) example = &e;
      }
      if (example == nullptr) {
        return send_json(
            response, 422,
            vast_error("no_such_example", "no example named '" + wanted->second + "'"));
      }
    } else if (!media.examples.empty()) {
      example = &media.examples.front();
    }
    nlohmann::json body;
    if (example != nullptr) {
      body = example->value;
    } else if (media.schema) {
      try {
        auto source = gen::source_for(spec, schemas, *media.schema, spec::Direction::response);
        std::uint64_t seed =
            options.state_seed ^ std::hash<std::string>{}(op.operation_id + chosen->status);
        body = gen::sample(gen::positive_values(source), seed, 1).front();
      } catch (const std::exception& e) {
        return send_json(response, 500, vast_error("mock_cannot_generate", e.what()));
      }
    }
    if (spec::is_json_media_type(content_type) || body.is_structured() || !body.is_string()) {
      response.set_content(body.dump(), content_type);
    } else {
      response.set_content(body.get<std::string>(), content_type);
    }
  }
};

MockServer::MockServer(const spec::Spec& spec, MockOptions options)
    : impl_(std::make_unique<Impl>(spec, std::move(options))) {
  impl_->server.set_payload_max_length(impl_->options.max_body_bytes);
  impl_->server.set_read_timeout(5, 0);
  impl_->server.set_write_timeout(5, 0);
  // One handler for every path and method (the router decides); registered per method because
  // httplib reads request bodies only for handlers, not before routing.
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    try {
      impl_->handle(request, response);
    } catch (const std::exception& e) {
      send_json(response, 500, vast_error("mock_error", e.what()));
    }
    impl_->log(request, response.status);
  };
  const std::string everything = ".*";
  impl_->server.Get(everything, handler);
  impl_->server.Post(everything, handler);
  impl_->server.Put(everything, handler);
  impl_->server.Patch(everything, handler);
  impl_->server.Delete(everything, handler);
  impl_->server.Options(everything, handler);
  impl_->server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 413) {
      send_json(response, 413, vast_error("payload_too_large", "the request body is too large"));
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
