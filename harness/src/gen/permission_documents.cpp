#include "conform/gen/permission_documents.hpp"

#include "conform/core/json_pointer.hpp"
#include "conform/gen/draw.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/extensions.hpp"

namespace conform::gen {
namespace {

const std::vector<std::string> kCategories = {
    "instance_read", "instance_write", "user_read", "user_write", "billing_read", "billing_write",
    "machine_read",  "machine_write",  "misc",      "team_read",  "team_write"};

// A bound for a parameter of this type: small numbers, so that they meet real identifiers.
nlohmann::json bound(const std::string& type) {
  if (type == "string") return draw::text(0, 6);
  if (type == "number") return static_cast<double>(draw::integer(-2, 3000)) / 2;
  return draw::integer(0, 3000);
}

nlohmann::json constraint_for(const PermissionGrammar::Parameter& parameter) {
  nlohmann::json constraint = nlohmann::json::object();
  // eq alone, a one-sided or two-sided range (which may be empty), or all three.
  switch (draw::choice(5)) {
    case 0:
      constraint["eq"] = bound(parameter.type);
      break;
    case 1:
      constraint["lte"] = bound(parameter.type);
      break;
    case 2:
      constraint["gte"] = bound(parameter.type);
      break;
    case 3:
      constraint["gte"] = bound(parameter.type);
      constraint["lte"] = bound(parameter.type);
      break;
    default:
      constraint["eq"] = bound(parameter.type);
      constraint["gte"] = bound(parameter.type);
      constraint["lte"] = bound(parameter.type);
  }
  return constraint;
}

nlohmann::json endpoint_grant(const PermissionGrammar::Endpoint& endpoint) {
  nlohmann::json grant = nlohmann::json::object();
  if (endpoint.parameters.empty() || draw::choice(2) == 0) return grant;
  nlohmann::json constraints = nlohmann::json::object();
  for (const auto& parameter : endpoint.parameters) {
    if (draw::choice(2) == 1) constraints[parameter.name] = constraint_for(parameter);
  }
  if (constraints.empty()) {
    const auto& first = endpoint.parameters.front();
    constraints[first.name] = constraint_for(first);
  }
  grant["constraints"] = std::move(constraints);
  return grant;
}

nlohmann::json valid_document(const PermissionGrammar& grammar) {
  nlohmann::json api = nlohmann::json::object();
  for (const auto& category : grammar.categories) {
    if (draw::choice(3) != 2) continue;  // about a third of the categories; shrinks to none
    nlohmann::json grant = nlohmann::json::object();
    auto known = grammar.endpoints.find(category);
    if (known != grammar.endpoints.end() && !known->second.empty() && draw::choice(2) == 1) {
      for (const auto& endpoint : known->second) {
        if (draw::choice(2) == 1) grant[endpoint.name] = endpoint_grant(endpoint);
      }
      if (grant.empty()) {
        const auto& first = known->second[draw::index(known->second.size())];
        grant[first.name] = endpoint_grant(first);
      }
    }
    api[category] = std::move(grant);
  }
  return {{"api", std::move(api)}};
}

// Some endpoint of the grammar, with its category; nullopt when the grammar has none.
std::optional<std::pair<std::string, PermissionGrammar::Endpoint>> some_endpoint(
    const PermissionGrammar& grammar) {
  std::vector<std::pair<std::string, PermissionGrammar::Endpoint>> all;
  for (const auto& [category, endpoints] : grammar.endpoints) {
    for (const auto& e : endpoints) all.emplace_back(category, e);
  }
  if (all.empty()) return std::nullopt;
  return all[draw::index(all.size())];
}

InvalidPermissionDocument break_document(const PermissionGrammar& grammar,
                                         nlohmann::json document) {
  const auto& breakages = permission_breakages();
  std::string how = breakages[draw::index(breakages.size())];
  nlohmann::json& api = document["api"];
  auto endpoint = some_endpoint(grammar);
  if (!endpoint && (how == "foreign_parameter" || how == "wrong_category"))
    how = "unknown_category";

  if (how == "missing_api") {
    document.erase("api");
    if (draw::coin()) document["apis"] = nlohmann::json::object();
    return {document, how, ""};
  }
  if (how == "unknown_category") {
    std::string name = grammar.categories[draw::index(grammar.categories.size())] + "_extra";
    api[name] = nlohmann::json::object();
    return {document, how, core::append_pointer("/api", name)};
  }
  if (how == "non_object") {
    std::string category = grammar.categories[draw::index(grammar.categories.size())];
    static const std::vector<nlohmann::json> not_objects = {3, "all", nlohmann::json::array(), true,
                                                            nullptr};
    if (draw::choice(4) == 0) {
      document["api"] = not_objects[draw::index(not_objects.size())];
      return {document, how, "/api"};
    }
    api[category] = not_objects[draw::index(not_objects.size())];
    return {document, how, core::append_pointer("/api", category)};
  }
  if (how == "bad_endpoint_name") {
    std::string category = grammar.categories[draw::index(grammar.categories.size())];
    static const std::vector<std::string> names = {"API.Instance", "api",     "instance.show",
                                                   "api..x",       "api.x y", ""};
    std::string name = names[draw::index(names.size())];
    api[category] = {{name, nlohmann::json::object()}};
    return {document, how, core::append_pointer(core::append_pointer("/api", category), name)};
  }
  if (how == "wrong_category") {
    std::string other;
    do {
      other = grammar.categories[draw::index(grammar.categories.size())];
    } while (other == endpoint->first);
    api[other] = {{endpoint->second.name, nlohmann::json::object()}};
    return {document, how,
            core::append_pointer(core::append_pointer("/api", other), endpoint->second.name)};
  }
  // The rest break a constraint of a known endpoint (or of a made-up one under misc).
  std::string category = endpoint ? endpoint->first : "misc";
  std::string name = endpoint ? endpoint->second.name : "api.misc.anything";
  std::string parameter = endpoint && !endpoint->second.parameters.empty()
                              ? endpoint->second.parameters.front().name
                              : "id";
  nlohmann::json constraint = {{"eq", 1}};
  if (how == "foreign_parameter") {
    parameter = "zz_not_a_parameter";
  } else if (how == "unknown_operator") {
    static const std::vector<std::string> operators = {"ne", "lt", "gt", "in", "EQ", ""};
    constraint = {{operators[draw::index(operators.size())], 1}};
  } else if (how == "wrong_value_type") {
    static const std::vector<nlohmann::json> values = {nlohmann::json::array({1}), true, nullptr,
                                                       nlohmann::json::object()};
    constraint = {{"eq", values[draw::index(values.size())]}};
  } else {  // too_deep
    nlohmann::json deep = 1;
    for (int i = 0; i < 300; ++i) deep = nlohmann::json::array({deep});
    constraint = {{"eq", deep}};
  }
  api[category] = {{name, {{"constraints", {{parameter, constraint}}}}}};
  std::string pointer = core::append_pointer(
      core::append_pointer(core::append_pointer(core::append_pointer("/api", category), name),
                           "constraints"),
      parameter);
  return {document, how, pointer};
}

}  // namespace

PermissionGrammar permission_grammar(const spec::Spec& spec, const schema::SpecSchemas& schemas) {
  PermissionGrammar grammar;
  grammar.categories = kCategories;
  for (const auto& op : spec.operations()) {
    auto category = spec::scope_of(op);
    auto name = spec::permission_name_of(op);
    if (!category || !name) continue;
    PermissionGrammar::Endpoint endpoint{*name, {}};
    for (const auto& p : op.parameters) {
      if ((p.in != "path" && p.in != "query") || !p.schema) continue;
      const auto& document = schemas.standalone(*p.schema, spec::Direction::request);
      schema::Flattener flatten(document);
      const nlohmann::json* flat = flatten.try_flatten(document);
      std::string type = flat ? primary_type(*flat) : "";
      if (type == "integer" || type == "number" || type == "string") {
        endpoint.parameters.push_back({p.name, type});
      }
    }
    grammar.endpoints[*category].push_back(std::move(endpoint));
  }
  return grammar;
}

rc::Gen<nlohmann::json> valid_permission_documents(const PermissionGrammar& grammar) {
  return rc::gen::exec([grammar] { return valid_document(grammar); });
}

rc::Gen<InvalidPermissionDocument> invalid_permission_documents(const PermissionGrammar& grammar) {
  return rc::gen::exec([grammar] { return break_document(grammar, valid_document(grammar)); });
}

const std::vector<std::string>& permission_breakages() {
  static const std::vector<std::string> all = {
      "missing_api",       "unknown_category",  "unknown_operator",
      "wrong_value_type",  "foreign_parameter", "wrong_category",
      "bad_endpoint_name", "non_object",        "too_deep"};
  return all;
}

}  // namespace conform::gen
