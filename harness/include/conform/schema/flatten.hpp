#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace conform::schema {

// A schema that cannot be flattened: a reference that is not local, dangles or never ends,
// `allOf` holding `false`, or `allOf` and `$ref` nested too deep.
struct CannotFlatten : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The types a schema allows: its `type`, or without one, those its keywords imply ("minLength"
// a string, "items" an array...), or every type.
std::set<std::string> types_of(const nlohmann::json& schema);

// Merges `from` into `into` as `allOf` would, best effort: the stricter bound, types and enums
// intersected, properties combined (both schemas under an allOf where each has one), required
// names joined; anything else keeps `into`'s value (the validator checks the whole anyway).
void merge_into(nlohmann::json& into, const nlohmann::json& from);

// `schema` with its local `$ref`s followed, within `document`. Throws CannotFlatten.
const nlohmann::json& resolve(const nlohmann::json& document, const nlohmann::json& schema);

// `schema` with $ref followed and allOf merged into one schema. Returns a reference into the
// document when there is nothing to merge, and keeps each merge it makes, so that walking a large
// schema copies nothing twice. Merges are kept by the schema's address: a schema given to it must
// outlive the Flattener.
class Flattener {
 public:
  explicit Flattener(const nlohmann::json& document) : document_(document) {}
  // Throws CannotFlatten.
  const nlohmann::json& operator()(const nlohmann::json& schema, int depth = 0);
  // The same, or null where the schema cannot be flattened.
  const nlohmann::json* try_flatten(const nlohmann::json& schema) noexcept;

 private:
  const nlohmann::json& document_;
  std::map<const nlohmann::json*, nlohmann::json> merged_;
};

}  // namespace conform::schema
