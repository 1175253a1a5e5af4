#pragma once

#include <rapidcheck.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "conform/gen/schema_source.hpp"
#include "conform/gen/values.hpp"

namespace conform::gen {

// A value that breaks exactly one declared constraint: which one (the mutation's name), where
// (a JSON pointer into the value) and how.
struct NegativeValue {
  nlohmann::json value;
  std::string mutation;
  std::string pointer;
  std::string detail;
  std::string expected_at;  // where the validator must object (the parent, for a removal)

  friend bool operator==(const NegativeValue&, const NegativeValue&) = default;
};

struct MutationInfo {
  std::string_view name;
  std::string_view breaks;   // one line for people
  std::string_view keyword;  // the schema keyword it breaks ("required" for a missing part); ""
                             // for a mutation of the request's form (malformed JSON, media type)
};

// Every mutation the catalogue knows, in a stable order (docs/mutations.md lists them).
const std::vector<MutationInfo>& mutation_catalogue();

// Each single-constraint mutation of `valid` that the validator refuses at the place it names.
// Candidates the validator still accepts (a looser schema elsewhere, say) are discarded: a
// negative case that is not negative would be a false alarm later.
std::vector<NegativeValue> mutations_of(const SchemaSource& source, const nlohmann::json& valid);

// The same candidates unverified, and the verification of one (the validator refuses it at, or
// below, the place it names): for a caller that verifies only the candidates it means to keep.
std::vector<NegativeValue> mutation_candidates(const SchemaSource& source,
                                               const nlohmann::json& valid);
bool refused_where_named(const SchemaSource& source, const NegativeValue& candidate);

// Negative values: a positive value with one of its verified mutations applied. Throws
// Unsatisfiable when the schema constrains nothing that can be broken (`{}` accepts everything).
rc::Gen<NegativeValue> negative_values(SchemaSourcePtr source, ValueOptions options = {});

}  // namespace conform::gen
