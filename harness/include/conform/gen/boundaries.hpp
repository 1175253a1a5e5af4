#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "conform/gen/mutations.hpp"
#include "conform/gen/schema_source.hpp"

namespace conform::gen {

// The coverage phase's deterministic values: each bound, each length and item-count limit, each
// enum member and each anyOf/oneOf branch as valid values; one step past each bound as negative
// values. Applied at the top of the schema and to each property and item of a base value, each
// verified by the validator like every other generated value.
struct Boundaries {
  std::vector<nlohmann::json> positive;
  std::vector<NegativeValue> negative;
};

Boundaries boundary_values(const SchemaSource& source);

}  // namespace conform::gen
