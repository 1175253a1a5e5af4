#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "conform/core/diagnostic.hpp"
#include "conform/spec/document_set.hpp"
#include "conform/spec/location.hpp"

namespace conform::spec {

enum class OpenApiVersion { v3_0, v3_1 };

// Which side of the exchange a schema describes: requests leave out `readOnly` properties,
// responses leave out `writeOnly` ones, neutral keeps both (for examples and defaults).
enum class Direction { request, response, neutral };

using SchemaId = std::uint32_t;

// A value written in the document as an example or default of a schema, for `lint`.
struct SchemaExample {
  Location schema;
  Location value;
  std::string keyword;  // "example", "examples" or "default"

  friend auto operator<=>(const SchemaExample&, const SchemaExample&) = default;
};

// Holds every Schema Object the model uses, normalised from OpenAPI 3.0/3.1 into JSON Schema
// draft 7: `nullable`, type arrays, boolean exclusive bounds, `prefixItems`, `dependentRequired`,
// integer formats as ranges, `$ref` siblings (3.1) and references across files. References become
// "#/definitions/s<id>", so a schema and everything it reaches form one standalone draft-7
// document. Keywords that cannot be honoured are reported, never silently dropped.
class SchemaStore {
 public:
  explicit SchemaStore(OpenApiVersion version);

  // Normalises the schema at `location` and everything it references; idempotent.
  SchemaId add(DocumentSet& documents, const Location& location);

  std::size_t size() const { return entries_.size(); }
  const Location& location(SchemaId id) const { return entries_.at(id).location; }
  const nlohmann::json& normalized(SchemaId id) const { return entries_.at(id).schema; }
  std::optional<SchemaId> find(const Location& location) const;
  // The schemas this one's references name directly.
  const std::vector<SchemaId>& references(SchemaId id) const { return entries_.at(id).references; }

  // {"$ref": "#/definitions/s<id>", "definitions": {...every schema it reaches...}} with the
  // properties the direction leaves out removed (from `properties` and from `required`).
  nlohmann::json standalone(SchemaId id, Direction direction) const;

  // Every schema at once: {"definitions": {"s0": ..., "s1": ...}} for the direction. Compiling
  // this once costs the size of the spec; compiling each standalone schema would cost its square.
  nlohmann::json bundle(Direction direction) const;

  const std::set<SchemaExample>& examples() const { return examples_; }
  // What normalisation found: unresolved references, keywords not honoured, invalid keywords.
  const core::Diagnostics& diagnostics() const { return diagnostics_; }

  static std::string definition_name(SchemaId id) { return "s" + std::to_string(id); }

  // How deep a schema may reach through nesting and references together: validators and
  // generators recurse that far, so deeper ones are reported and not used.
  static constexpr int kMaxReach = 500;

 private:
  // A $ref inside an entry: how deep in the entry it stands, and whether the instance stays where
  // it is on the way (allOf, not, ...) or descends (properties, items, ...).
  struct Edge {
    SchemaId target = 0;
    int depth = 0;
    bool in_place = true;
  };
  struct Entry {
    Location location;
    nlohmann::json schema;
    std::vector<SchemaId> references;
    bool read_only = false;
    bool write_only = false;
    std::vector<Edge> edges;
    int reach = -1;  // how deep compiling it recurses, through references; -1 before it is known
  };
  class Normalizer;
  void hide_properties(nlohmann::json& definitions, Direction direction) const;

  OpenApiVersion version_;
  core::Diagnostics diagnostics_;
  std::vector<Entry> entries_;
  std::map<Location, SchemaId> ids_;
  std::set<SchemaExample> examples_;
};

}  // namespace conform::spec
