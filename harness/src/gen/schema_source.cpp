#include "conform/gen/schema_source.hpp"

#include <cmath>
#include <limits>

namespace conform::gen {

SchemaSourcePtr source_for(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                           spec::SchemaId id, spec::Direction direction) {
  auto source = std::make_shared<SchemaSource>();
  source->document = spec.schemas().standalone(id, direction);
  source->location = spec.schemas().location(id).to_string();
  source->validate = [&schemas, id, direction](const nlohmann::json& value) {
    return schemas.validate(id, direction, value);
  };
  return source;
}

SchemaSourcePtr source_for(nlohmann::json draft7, std::string location) {
  auto source = std::make_shared<SchemaSource>();
  auto compiled =
      std::make_shared<schema::CompiledSchema>(schema::CompiledSchema::compile(draft7, location));
  source->document = std::move(draft7);
  source->location = std::move(location);
  source->validate = [compiled](const nlohmann::json& value) { return compiled->validate(value); };
  return source;
}

std::optional<double> numeric_keyword(const nlohmann::json& schema, const char* keyword) {
  auto it = schema.find(keyword);
  if (it == schema.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

nlohmann::json json_number(double value) {
  // Every integral double below 2^64 is exactly an int64 or a uint64: written as digits, not as
  // 1e+18, which a server reading a parameter as an integer may refuse.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (std::isfinite(value) && std::floor(value) == value) {
    if (value >= -kTwoTo63 && value < kTwoTo63) return static_cast<std::int64_t>(value);
    if (value > 0 && value < 2 * kTwoTo63) return static_cast<std::uint64_t>(value);
  }
  return value;
}

double strictly_below(double bound, double step) {
  double moved = bound - step;
  return moved < bound ? moved : std::nextafter(bound, -std::numeric_limits<double>::infinity());
}

double strictly_above(double bound, double step) {
  double moved = bound + step;
  return moved > bound ? moved : std::nextafter(bound, std::numeric_limits<double>::infinity());
}

}  // namespace conform::gen
