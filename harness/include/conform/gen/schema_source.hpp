#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "conform/schema/compiled_schema.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::gen {

// What the generators need to know about one schema: its standalone draft-7 form (references are
// "#/definitions/..." inside it), where it comes from, and the validator that has the last word
// on every value they produce.
struct SchemaSource {
  nlohmann::json document;
  std::string location;
  std::function<std::vector<schema::Violation>(const nlohmann::json&)> validate;
};

using SchemaSourcePtr = std::shared_ptr<const SchemaSource>;

SchemaSourcePtr source_for(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                           spec::SchemaId id, spec::Direction direction);
SchemaSourcePtr source_for(nlohmann::json draft7, std::string location = "schema");

// The value of a numeric keyword of a schema object (`minimum`, `maxLength`...), if it holds a
// number.
std::optional<double> numeric_keyword(const nlohmann::json& schema, const char* keyword);

// A number as JSON: a whole number below 2^53 in magnitude as an integer (it serialises without a
// fraction or an exponent), anything else as a double.
nlohmann::json json_number(double value);

// `bound` moved by `step` away from it, or to the next double where the step is lost to rounding:
// past 2^53 adding one changes nothing, and "above the maximum" would be the maximum itself.
double strictly_below(double bound, double step);
double strictly_above(double bound, double step);

// A schema for which no valid value could be produced (contradictory keywords, a pattern outside
// the generator's subset without usable examples, runaway recursion). Reported by location.
class Unsatisfiable : public std::runtime_error {
 public:
  Unsatisfiable(std::string location, std::string reason)
      : std::runtime_error(location + ": " + reason),
        location_(std::move(location)),
        reason_(std::move(reason)) {}
  const std::string& location() const { return location_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string location_;
  std::string reason_;
};

}  // namespace conform::gen
