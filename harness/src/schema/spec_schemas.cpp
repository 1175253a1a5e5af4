#include "conform/schema/spec_schemas.hpp"

#include "conform/core/error.hpp"

namespace conform::schema {
namespace {

// {"properties": {"b<id/64>": {"properties": {"s<id>": {"$ref": "#/definitions/s<id>"}}}, ...},
// "definitions": {...}}: validating {"b<id/64>": {"s<id>": instance}} against it applies exactly
// schema <id> to the instance. The two levels matter: valijson walks every declared property of
// a `properties` keyword on each validation, so one flat map would cost the number of schemas.
constexpr spec::SchemaId kBucket = 64;

std::string bucket_name(spec::SchemaId id) { return "b" + std::to_string(id / kBucket); }

}  // namespace

struct SpecSchemas::Bundle {
  std::optional<CompiledSchema> compiled;
  std::string error;
};

SpecSchemas::SpecSchemas(const spec::Spec& spec) : spec_(spec) {}
SpecSchemas::~SpecSchemas() = default;

const SpecSchemas::Bundle& SpecSchemas::bundle(spec::Direction direction) const {
  std::lock_guard lock(mutex_);
  auto& slot = bundles_[static_cast<std::size_t>(direction)];
  if (slot) return *slot;
  slot = std::make_unique<Bundle>();
  nlohmann::json document = spec_.schemas().bundle(direction);
  nlohmann::json properties = nlohmann::json::object();
  for (spec::SchemaId id = 0; id < spec_.schemas().size(); ++id) {
    const std::string name = spec::SchemaStore::definition_name(id);
    properties[bucket_name(id)]["properties"][name] = {{"$ref", "#/definitions/" + name}};
  }
  document["properties"] = std::move(properties);
  try {
    slot->compiled = CompiledSchema::compile(std::move(document), spec_.file());
  } catch (const core::Error& e) {
    slot->error = e.diagnostic().message;
  }
  return *slot;
}

const SpecSchemas::Compiled& SpecSchemas::single(spec::SchemaId id,
                                                 spec::Direction direction) const {
  auto key = std::make_pair(id, direction);
  {
    std::lock_guard lock(mutex_);
    if (auto it = singles_.find(key); it != singles_.end()) return *it->second;
  }
  std::unique_ptr<Compiled> compiled;
  try {
    compiled = std::make_unique<Compiled>(CompiledSchema::compile(
        spec_.schemas().standalone(id, direction), spec_.schemas().location(id).to_string()));
  } catch (const core::Error& e) {
    compiled = std::make_unique<Compiled>(e.diagnostic().message);
  }
  std::lock_guard lock(mutex_);
  return *singles_.emplace(key, std::move(compiled)).first->second;
}

namespace {

// "#/definitions/s3/properties/id/type" as the description names it:
// "openapi.json#/components/schemas/ApiKey/properties/id/type".
void name_in_description(Violation& violation, const spec::SchemaStore& store) {
  const std::string prefix = "#/definitions/s";
  std::string& at = violation.keyword_location;
  if (at.rfind(prefix, 0) != 0) return;
  std::size_t end = prefix.size();
  while (end < at.size() && at[end] >= '0' && at[end] <= '9') ++end;
  if (end == prefix.size() || end - prefix.size() > 9) return;
  auto id = static_cast<spec::SchemaId>(std::stoul(at.substr(prefix.size(), end - prefix.size())));
  if (id >= store.size()) return;
  at = store.location(id).to_string() + at.substr(end);
}

}  // namespace

std::vector<Violation> SpecSchemas::validate(spec::SchemaId id, spec::Direction direction,
                                             const nlohmann::json& instance) const {
  std::vector<Violation> violations = validate_unnamed(id, direction, instance);
  for (Violation& violation : violations) name_in_description(violation, spec_.schemas());
  return violations;
}

std::vector<Violation> SpecSchemas::validate_unnamed(spec::SchemaId id, spec::Direction direction,
                                                     const nlohmann::json& instance) const {
  const Bundle& all = bundle(direction);
  if (all.compiled) {
    const std::string name = spec::SchemaStore::definition_name(id);
    const std::string bucket = bucket_name(id);
    // Most instances are valid: the definition's own subschema says so without the wrapping
    // object, whose copy and walk over every bucket cost more than the check.
    if (all.compiled->accepts_member(bucket, name, instance).value_or(false)) return {};
    const std::string location = spec_.schemas().location(id).to_string();
    const std::string prefix = "/" + bucket + "/" + name;
    nlohmann::json wrapped = nlohmann::json::object();
    wrapped[bucket][name] = instance;
    std::vector<Violation> violations = all.compiled->validate(wrapped);
    for (Violation& violation : violations) {
      if (violation.instance_pointer.rfind(prefix, 0) == 0) {
        violation.instance_pointer.erase(0, prefix.size());
      }
      violation.schema_location = location;
    }
    return violations;
  }
  const std::string location = spec_.schemas().location(id).to_string();
  const Compiled& compiled = single(id, direction);
  if (const auto* error = std::get_if<std::string>(&compiled)) {
    return {{"", location, "schema cannot be compiled: " + *error}};
  }
  return std::get<CompiledSchema>(compiled).validate(instance);
}

const nlohmann::json& SpecSchemas::standalone(spec::SchemaId id, spec::Direction direction) const {
  std::lock_guard lock(mutex_);
  auto& slot = documents_[std::make_pair(id, direction)];
  if (!slot) slot = std::make_unique<nlohmann::json>(spec_.schemas().standalone(id, direction));
  return *slot;
}

bool SpecSchemas::accepts(spec::SchemaId id, spec::Direction direction,
                          const nlohmann::json& instance) const {
  const Bundle& all = bundle(direction);
  if (all.compiled) {
    if (auto accepted = all.compiled->accepts_member(
            bucket_name(id), spec::SchemaStore::definition_name(id), instance)) {
      return *accepted;
    }
    nlohmann::json wrapped = nlohmann::json::object();
    wrapped[bucket_name(id)][spec::SchemaStore::definition_name(id)] = instance;
    return all.compiled->accepts(wrapped);
  }
  const Compiled& compiled = single(id, direction);
  const auto* schema = std::get_if<CompiledSchema>(&compiled);
  return schema != nullptr && schema->accepts(instance);
}

std::optional<std::string> SpecSchemas::compile_error(spec::SchemaId id,
                                                      spec::Direction direction) const {
  if (bundle(direction).compiled) return std::nullopt;
  const Compiled& compiled = single(id, direction);
  if (const auto* error = std::get_if<std::string>(&compiled)) return *error;
  return std::nullopt;
}

}  // namespace conform::schema
