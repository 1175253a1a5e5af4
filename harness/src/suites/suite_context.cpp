#include "conform/suites/suite_context.hpp"

#include <stdexcept>

#include "conform/checks/checks.hpp"
#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::suites {
namespace {

// The flattened schema of a parameter, for reading its text as its type.
nlohmann::json flat_schema(const schema::SpecSchemas& schemas, const spec::Parameter& p) {
  if (!p.schema) return nlohmann::json::object();
  const auto& document = schemas.standalone(*p.schema, spec::Direction::request);
  schema::Flattener flatten(document);
  const nlohmann::json* flat = flatten.try_flatten(document);
  return flat ? *flat : nlohmann::json::object();
}

const spec::Operation* by_permission(const spec::Spec& spec, const char* name) {
  for (const auto& op : spec.operations()) {
    if (spec::permission_name_of(op) == name) return &op;
  }
  return nullptr;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

SuiteContext::SuiteContext(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                           transport::Transport& transport, const engine::RunOptions& options)
    : spec_(spec), schemas_(schemas), options_(options), session_(spec, transport, options) {}

gen::Request SuiteContext::valid_request(const spec::Operation& operation) {
  auto& slot = cases_[operation.operation_id];
  if (!slot) slot = std::make_unique<gen::OperationCases>(spec_, schemas_, operation);
  auto examples = slot->examples();
  for (const auto& e : examples.cases) {
    if (!e.negative) return e.request;
  }
  return gen::sample(slot->positive(), options_.seed, 1).front().request;
}

bool SuiteContext::description_refuses(const spec::Operation& operation,
                                       const gen::Request& request) const {
  gen::Judgement judgement = gen::judge(spec_, schemas_, operation, request);
  return !judgement.routed || !judgement.read.problems.empty();
}

bool SuiteContext::vast_rules_apply(const spec::Operation& operation) const {
  return options_.enforce_vast_rules || spec::permission_name_of(operation).has_value();
}

void SuiteContext::record(engine::PhaseResult& result, engine::FailureRecord failure,
                          bool vast_rule, const spec::Operation& operation) const {
  if (vast_rule && !vast_rules_apply(operation)) {
    failure.message +=
        " (a Vast.ai rule the description does not state: an advisory; "
        "--enforce-vast-rules makes it a failure)";
    result.advisories.push_back(std::move(failure));
  } else {
    result.failures.push_back(std::move(failure));
  }
}

transport::Auth SuiteContext::auth(const spec::Operation& operation,
                                   const std::string& token) const {
  return session_.credential(operation, token);
}

bool SuiteContext::sends_credential(const spec::Operation& operation) const {
  return auth(operation, {}).kind != transport::Auth::Kind::none;
}

transport::Exchange SuiteContext::send(const spec::Operation& operation,
                                       const gen::Request& request, const std::string& token,
                                       bool cleanup) {
  return session_.send(operation, request, token, cleanup);
}

std::string SuiteContext::curl(const spec::Operation& operation, const gen::Request& request,
                               const std::string& token) const {
  // A key the suite made is as secret as the run's own token.
  return session_.curl(request, auth(operation, token), token);
}

std::map<std::string, nlohmann::json> SuiteContext::values_of(const spec::Operation& operation,
                                                              const gen::Request& request) const {
  std::map<std::string, nlohmann::json> values;
  auto path = gen::path_values(operation.path, request.path);
  for (const auto& p : operation.parameters) {
    if (p.in == "path") {
      if (auto it = path.find(p.name); it != path.end()) {
        values[p.name] = gen::read_parameter_text(it->second, flat_schema(schemas_, p));
      }
    } else if (p.in == "query") {
      for (const auto& [name, value] : request.query) {
        if (core::percent_decode(name) != p.name) continue;
        auto text = core::percent_decode(value);
        if (text) values[p.name] = gen::read_parameter_text(*text, flat_schema(schemas_, p));
      }
    }
  }
  if (request.body) {
    auto body = core::parse_json_or_discarded(*request.body);
    if (body.is_object()) {
      for (const auto& [name, value] : body.items()) values.emplace(name, value);
    }
  }
  return values;
}

gen::Request SuiteContext::with_value(const spec::Operation& operation, gen::Request request,
                                      const std::string& name, const nlohmann::json& value) const {
  std::string text = gen::parameter_text(value);
  for (const auto& p : operation.parameters) {
    if (p.name != name) continue;
    if (p.in == "path") {
      request.path = gen::with_path_value(operation.path, request.path, name, text);
      return request;
    }
    if (p.in == "query") {
      std::erase_if(request.query,
                    [&](const auto& pair) { return core::percent_decode(pair.first) == name; });
      request.query.emplace_back(gen::percent_encode(name), gen::percent_encode(text));
      return request;
    }
  }
  if (request.body) {
    auto body = core::parse_json_or_discarded(*request.body);
    if (body.is_object()) {
      body[name] = value;
      request.body = body.dump();
    }
  }
  return request;
}

bool SuiteContext::allows(const spec::Operation& operation, const gen::Request& request,
                          const std::string& name, const nlohmann::json& value) const {
  for (const auto& p : operation.parameters) {
    if (p.name != name || (p.in != "path" && p.in != "query")) continue;
    return !p.schema || schemas_.accepts(*p.schema, spec::Direction::request, value);
  }
  if (!operation.request_body || !request.body) return true;
  auto body = core::parse_json_or_discarded(*with_value(operation, request, name, value).body);
  for (const auto& media : operation.request_body->content) {
    if (!media.schema || !spec::is_json_media_type(media.name)) continue;
    return schemas_.accepts(*media.schema, spec::Direction::request, body);
  }
  return true;
}

std::string SuiteContext::excerpt(const transport::Exchange& exchange,
                                  const std::string& token) const {
  return session_.excerpt(exchange, token);
}

std::string SuiteContext::schema_problems(const spec::Operation& operation,
                                          const transport::Response& response) const {
  gen::RequestCase sent;
  checks::CheckInput input{spec_, schemas_, operation, sent, response, options_.check_options};
  std::string problems;
  for (auto check : {checks::status_code_conformance, checks::content_type_conformance,
                     checks::response_schema_conformance}) {
    for (const auto& f : check(input)) problems += (problems.empty() ? "" : "; ") + f.message;
  }
  return problems;
}

std::optional<KeyOperations> key_operations(const spec::Spec& spec) {
  KeyOperations keys{by_permission(spec, "api.apikey.create"),
                     by_permission(spec, "api.apikey.list"),
                     by_permission(spec, "api.apikey.delete")};
  for (const auto& op : spec.operations()) {
    std::string path = op.path;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (ends_with(path, "/apikeys")) {
      if (op.method == "post" && keys.create == nullptr) keys.create = &op;
      if (op.method == "get" && keys.list == nullptr) keys.list = &op;
    }
    if (op.method == "delete" && keys.remove == nullptr &&
        path.find("/apikeys/{") != std::string::npos) {
      keys.remove = &op;
    }
  }
  if (keys.create == nullptr || keys.list == nullptr || keys.remove == nullptr) return std::nullopt;
  return keys;
}

std::string left_out(const KeyOperations& operations, const engine::RunOptions& options) {
  std::vector<std::string> names;
  for (const auto* op : {operations.create, operations.list, operations.remove}) {
    if (!options.may_call(*op)) names.push_back(op->operation_id);
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return text;
}

}  // namespace conform::suites
