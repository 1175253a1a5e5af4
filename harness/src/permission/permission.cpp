#include "conform/permission/permission.hpp"

#include <algorithm>
#include <stdexcept>

#include "conform/core/json_pointer.hpp"
#include "conform/spec/extensions.hpp"

namespace conform::permission {
namespace {

bool same_value(const std::optional<nlohmann::json>& a, const std::optional<nlohmann::json>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  if (a->is_number() && b->is_number()) return a->get<double>() == b->get<double>();
  return *a == *b;
}

[[noreturn]] void malformed(const std::string& pointer, const std::string& expected) {
  throw std::invalid_argument(pointer + ": expected " + expected);
}

const nlohmann::json& object_at(const nlohmann::json& node, const std::string& pointer) {
  if (!node.is_object()) malformed(pointer, "an object");
  return node;
}

// -1, 0, 1 as value compares with bound; nullopt when they are not comparable.
std::optional<int> compare(const nlohmann::json& value, const nlohmann::json& bound) {
  if (value.is_number() && bound.is_number()) {
    double a = value.get<double>();
    double b = bound.get<double>();
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  if (value.is_string() && bound.is_string()) {
    int c = value.get_ref<const std::string&>().compare(bound.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& categories() {
  static const std::vector<std::string> all = {
      "instance_read", "instance_write", "user_read", "user_write", "billing_read", "billing_write",
      "machine_read",  "machine_write",  "misc",      "team_read",  "team_write"};
  return all;
}

bool operator==(const Constraint& a, const Constraint& b) {
  return same_value(a.eq, b.eq) && same_value(a.lte, b.lte) && same_value(a.gte, b.gte);
}

Document Document::from_json(const nlohmann::json& json) {
  Document document;
  object_at(json, "");
  auto api = json.find("api");
  if (api == json.end()) malformed("", "a member 'api'");
  for (const auto& [category, grant] : object_at(*api, "/api").items()) {
    std::string category_pointer = core::append_pointer("/api", category);
    CategoryGrant& out = document.categories[category];
    for (const auto& [endpoint, endpoint_grant] : object_at(grant, category_pointer).items()) {
      std::string endpoint_pointer = core::append_pointer(category_pointer, endpoint);
      EndpointGrant& granted = out.endpoints[endpoint];
      const auto& node = object_at(endpoint_grant, endpoint_pointer);
      auto constraints = node.find("constraints");
      if (constraints == node.end()) continue;
      std::string constraints_pointer = endpoint_pointer + "/constraints";
      for (const auto& [parameter, bounds] : object_at(*constraints, constraints_pointer).items()) {
        std::string bounds_pointer = core::append_pointer(constraints_pointer, parameter);
        Constraint& constraint = granted.constraints[parameter];
        for (const auto& [op, value] : object_at(bounds, bounds_pointer).items()) {
          if (!value.is_number() && !value.is_string()) {
            malformed(core::append_pointer(bounds_pointer, op), "a number or a string");
          }
          if (op == "eq") {
            constraint.eq = value;
          } else if (op == "lte") {
            constraint.lte = value;
          } else if (op == "gte") {
            constraint.gte = value;
          } else {
            malformed(core::append_pointer(bounds_pointer, op), "one of eq, lte, gte");
          }
        }
      }
    }
  }
  return document;
}

nlohmann::json Document::to_json() const {
  nlohmann::json api = nlohmann::json::object();
  for (const auto& [category, grant] : categories) {
    nlohmann::json endpoints = nlohmann::json::object();
    for (const auto& [endpoint, granted] : grant.endpoints) {
      nlohmann::json node = nlohmann::json::object();
      if (!granted.constraints.empty()) {
        nlohmann::json constraints = nlohmann::json::object();
        for (const auto& [parameter, c] : granted.constraints) {
          nlohmann::json bounds = nlohmann::json::object();
          if (c.eq) bounds["eq"] = *c.eq;
          if (c.lte) bounds["lte"] = *c.lte;
          if (c.gte) bounds["gte"] = *c.gte;
          constraints[parameter] = std::move(bounds);
        }
        node["constraints"] = std::move(constraints);
      }
      endpoints[endpoint] = std::move(node);
    }
    api[category] = std::move(endpoints);
  }
  return {{"api", std::move(api)}};
}

namespace {

// The endpoint grant that applies, or the refusal; nullptr with allowed: the whole category.
std::pair<Decision, const EndpointGrant*> find_grant(const Document& document,
                                                     const spec::Operation& operation) {
  auto scope = spec::scope_of(operation);
  if (!scope) return {{}, nullptr};
  auto category = document.categories.find(*scope);
  if (category == document.categories.end()) {
    return {{false, "the key's permissions do not grant " + *scope}, nullptr};
  }
  if (category->second.endpoints.empty()) return {{}, nullptr};
  auto name = spec::permission_name_of(operation);
  auto endpoint = name ? category->second.endpoints.find(*name) : category->second.endpoints.end();
  if (endpoint == category->second.endpoints.end()) {
    return {{false, "the key's permissions grant only some endpoints of " + *scope + ", not " +
                        (name ? *name : operation.operation_id)},
            nullptr};
  }
  return {{}, &endpoint->second};
}

}  // namespace

Decision decide_scope(const Document& document, const spec::Operation& operation) {
  return find_grant(document, operation).first;
}

Decision decide(const Document& document, const spec::Operation& operation,
                const std::map<std::string, nlohmann::json>& values) {
  auto [decision, grant] = find_grant(document, operation);
  if (!decision.allowed || grant == nullptr) return decision;
  for (const auto& entry : grant->constraints) {
    // Named, not a structured binding: lambdas cannot capture those before clang 16.
    const std::string& parameter = entry.first;
    const Constraint& constraint = entry.second;
    auto value = values.find(parameter);
    if (value == values.end()) {
      return {false, "the key is constrained on '" + parameter + "', which was not sent"};
    }
    auto check = [&](const std::optional<nlohmann::json>& bound, const char* op,
                     auto&& holds) -> std::optional<Decision> {
      if (!bound) return std::nullopt;
      auto order = compare(value->second, *bound);
      if (!order || !holds(*order)) {
        return Decision{false, "'" + parameter + "' = " + value->second.dump() +
                                   " is outside the key's constraint " + op + " " + bound->dump()};
      }
      return std::nullopt;
    };
    if (auto d = check(constraint.eq, "eq", [](int o) { return o == 0; })) return *d;
    if (auto d = check(constraint.lte, "lte", [](int o) { return o <= 0; })) return *d;
    if (auto d = check(constraint.gte, "gte", [](int o) { return o >= 0; })) return *d;
  }
  return {};
}

std::vector<Inconsistency> inconsistencies(
    const Document& document, const spec::Spec& spec,
    const std::function<std::vector<std::string>(const spec::Operation&)>& parameters_of) {
  std::map<std::string, const spec::Operation*> by_name;
  for (const auto& operation : spec.operations()) {
    if (auto name = spec::permission_name_of(operation)) by_name.emplace(*name, &operation);
  }
  std::vector<Inconsistency> found;
  for (const auto& [category, grant] : document.categories) {
    std::string category_pointer = core::append_pointer("/api", category);
    for (const auto& [endpoint, granted] : grant.endpoints) {
      auto operation = by_name.find(endpoint);
      if (operation == by_name.end()) continue;
      std::string endpoint_pointer = core::append_pointer(category_pointer, endpoint);
      auto scope = spec::scope_of(*operation->second);
      if (scope && *scope != category) {
        found.push_back(
            {endpoint_pointer, endpoint + " belongs to " + *scope + ", not " + category});
        continue;
      }
      auto names = parameters_of(*operation->second);
      for (const auto& [parameter, constraint] : granted.constraints) {
        if (std::find(names.begin(), names.end(), parameter) == names.end()) {
          found.push_back({core::append_pointer(endpoint_pointer + "/constraints", parameter),
                           endpoint + " has no parameter '" + parameter + "'"});
        }
      }
    }
  }
  return found;
}

}  // namespace conform::permission
