#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::permission {

// The eleven categories a Vast.ai permission document may grant.
const std::vector<std::string>& categories();

// Bounds on one parameter: equal to, at most, at least (any subset, at least one).
struct Constraint {
  std::optional<nlohmann::json> eq;
  std::optional<nlohmann::json> lte;
  std::optional<nlohmann::json> gte;
  friend bool operator==(const Constraint&, const Constraint&);
};

struct EndpointGrant {
  std::map<std::string, Constraint> constraints;  // by parameter name
  friend bool operator==(const EndpointGrant&, const EndpointGrant&) = default;
};

// An empty grant (no endpoints) grants the whole category.
struct CategoryGrant {
  std::map<std::string, EndpointGrant> endpoints;  // by permission name, "api.instance.show"
  friend bool operator==(const CategoryGrant&, const CategoryGrant&) = default;
};

// What a key may do: `{"api": {CATEGORY: {ENDPOINT: {"constraints": {PARAM: {OP: VALUE}}}}}}`.
// Compared by meaning: numbers by value (2 == 2.0), key order irrelevant.
struct Document {
  std::map<std::string, CategoryGrant> categories;

  // Reads a document the schema has already accepted; throws std::invalid_argument naming the
  // JSON pointer of the first node that does not have the document's shape.
  static Document from_json(const nlohmann::json& json);
  nlohmann::json to_json() const;
  friend bool operator==(const Document&, const Document&) = default;
};

struct Decision {
  bool allowed = true;
  std::string reason;  // why not, for a 403 body and for reports
};

// Whether a key with `document` may call `operation` (its category is `x-scope`, its endpoint
// name `x-permission`; an operation without `x-scope` needs no permission) with these parameter
// values (path, query and the top-level fields of a JSON body, already typed). A constrained
// parameter that was not sent, or whose type does not compare with the bound, is refused: the grant
// cannot be proven.
Decision decide(const Document& document, const spec::Operation& operation,
                const std::map<std::string, nlohmann::json>& values);
// The part of decide() that needs no parameter values: category and endpoint. A server can say
// 403 before it reads the request.
Decision decide_scope(const Document& document, const spec::Operation& operation);

// A grant of the document's shape that the description cannot honour: an endpoint name whose
// operation (by `x-permission`) needs another category, or a constraint on a parameter that
// operation does not have. Endpoint names no operation carries are left alone: a description
// may cover only part of an API. `parameters_of` lists an operation's constrainable names.
struct Inconsistency {
  std::string pointer;  // into the document
  std::string message;
};
std::vector<Inconsistency> inconsistencies(
    const Document& document, const spec::Spec& spec,
    const std::function<std::vector<std::string>(const spec::Operation&)>& parameters_of);

}  // namespace conform::permission
