#include "conform/schema/spec_schemas.hpp"

#include <set>

#include "conform/core/error.hpp"
#include "conform/spec/schema_walk.hpp"

namespace conform::schema {
namespace {

// {"properties": {"b<id/64>": {"properties": {"s<id>": {"$ref": "#/definitions/s<id>"}}}, ...},
// "definitions": {...}}: validating {"b<id/64>": {"s<id>": instance}} against it applies exactly
// schema <id> to the instance. The two levels matter: valijson walks every declared property of
// a `properties` keyword on each validation, so one flat map would cost the number of schemas.
constexpr spec::SchemaId kBucket = 64;

std::string bucket_name(spec::SchemaId id) { return "b" + std::to_string(id / kBucket); }

// The schema's own keywords, each reference read as {}: whether it compiles says whether the
// schema itself holds what cannot be compiled (an invalid pattern), whatever it references.
void drop_references(nlohmann::json& schema) {
  if (!schema.is_object()) return;
  if (schema.contains("$ref")) {
    schema = nlohmann::json::object();
    return;
  }
  // Nesting within one entry is bounded by the schema store.
  spec::for_each_subschema(schema,
                           [](nlohmann::json& sub, const std::string&) { drop_references(sub); });
}

}  // namespace

// All schemas of one direction compiled as one document. When that fails, the schemas that fail
// on their own are found one by one (references read as {}), with those that reach them; the
// others are compiled together again, with each failing definition read as {}. Only if that too
// fails is each schema compiled on its own, with what it references.
struct SpecSchemas::Bundle {
  std::optional<CompiledSchema> compiled;
  std::map<spec::SchemaId, std::string> failing;  // with `compiled`: the schemas it stands in for
  std::set<spec::SchemaId> failing_on_their_own;  // of `failing`, those at fault themselves
  std::string error;
};

SpecSchemas::SpecSchemas(const spec::Spec& spec) : spec_(spec) {}
SpecSchemas::~SpecSchemas() = default;

const SpecSchemas::Bundle& SpecSchemas::bundle(spec::Direction direction) const {
  std::lock_guard lock(mutex_);
  auto& slot = bundles_[static_cast<std::size_t>(direction)];
  if (slot) return *slot;
  slot = std::make_unique<Bundle>();
  auto make_document = [&] {
    nlohmann::json document = spec_.schemas().bundle(direction);
    nlohmann::json properties = nlohmann::json::object();
    for (spec::SchemaId id = 0; id < spec_.schemas().size(); ++id) {
      const std::string name = spec::SchemaStore::definition_name(id);
      properties[bucket_name(id)]["properties"][name] = {{"$ref", "#/definitions/" + name}};
    }
    document["properties"] = std::move(properties);
    return document;
  };
  try {
    slot->compiled = CompiledSchema::compile(make_document(), spec_.file());
    return *slot;
  } catch (const core::Error& e) {
    slot->error = e.diagnostic().message;
  }
  // The compiler took the document: made again, as only a description at fault needs it twice.
  nlohmann::json kept = make_document();
  slot->failing = failing_schemas(kept["definitions"], slot->failing_on_their_own);
  if (slot->failing.empty()) return *slot;  // only together do they fail: schema by schema
  for (const auto& [id, message] : slot->failing) {
    kept["definitions"][spec::SchemaStore::definition_name(id)] = nlohmann::json::object();
  }
  try {
    slot->compiled = CompiledSchema::compile(std::move(kept), spec_.file());
  } catch (const core::Error&) {
    slot->failing.clear();
    slot->failing_on_their_own.clear();
  }
  return *slot;
}

std::map<spec::SchemaId, std::string> SpecSchemas::failing_schemas(
    const nlohmann::json& definitions, std::set<spec::SchemaId>& on_their_own) const {
  const spec::SchemaStore& store = spec_.schemas();
  std::map<spec::SchemaId, std::string> failing;
  std::vector<std::vector<spec::SchemaId>> referenced_by(store.size());
  std::vector<spec::SchemaId> pending;
  for (spec::SchemaId id = 0; id < store.size(); ++id) {
    for (spec::SchemaId target : store.references(id)) referenced_by[target].push_back(id);
    auto own = definitions.find(spec::SchemaStore::definition_name(id));
    if (own == definitions.end()) continue;
    nlohmann::json alone = *own;
    drop_references(alone);
    try {
      CompiledSchema::compile(std::move(alone), store.location(id).to_string());
    } catch (const core::Error& e) {
      failing.emplace(id, e.diagnostic().message);
      on_their_own.insert(id);
      pending.push_back(id);
    }
  }
  // A schema that reaches a failing one fails with it, for the same reason.
  while (!pending.empty()) {
    spec::SchemaId id = pending.back();
    pending.pop_back();
    for (spec::SchemaId user : referenced_by[id]) {
      if (failing.emplace(user, failing.at(id)).second) pending.push_back(user);
    }
  }
  return failing;
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
  std::vector<Violation> violations = validate_unnamed(id, direction, instance, nullptr);
  for (Violation& violation : violations) name_in_description(violation, spec_.schemas());
  return violations;
}

std::vector<Violation> SpecSchemas::validate(spec::SchemaId id, spec::Direction direction,
                                             nlohmann::json&& instance) const {
  std::vector<Violation> violations = validate_unnamed(id, direction, instance, &instance);
  for (Violation& violation : violations) name_in_description(violation, spec_.schemas());
  return violations;
}

std::vector<Violation> SpecSchemas::validate_unnamed(spec::SchemaId id, spec::Direction direction,
                                                     const nlohmann::json& instance,
                                                     nlohmann::json* movable) const {
  const Bundle& all = bundle(direction);
  if (auto failed = all.failing.find(id); failed != all.failing.end()) {
    return {{"", spec_.schemas().location(id).to_string(),
             "schema cannot be compiled: " + failed->second}};
  }
  if (all.compiled) {
    const std::string name = spec::SchemaStore::definition_name(id);
    const std::string bucket = bucket_name(id);
    // Most instances are valid: the definition's own subschema says so without the wrapping
    // object, whose copy and walk over every bucket cost more than the check.
    if (all.compiled->accepts_member(bucket, name, instance).value_or(false)) return {};
    const std::string location = spec_.schemas().location(id).to_string();
    const std::string prefix = "/" + bucket + "/" + name;
    nlohmann::json wrapped = nlohmann::json::object();
    wrapped[bucket][name] = movable != nullptr ? std::move(*movable) : instance;
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
  if (all.failing.contains(id)) return false;
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
  const Bundle& all = bundle(direction);
  if (auto failed = all.failing.find(id); failed != all.failing.end()) return failed->second;
  if (all.compiled) return std::nullopt;
  const Compiled& compiled = single(id, direction);
  if (const auto* error = std::get_if<std::string>(&compiled)) return *error;
  return std::nullopt;
}

bool SpecSchemas::inherits_compile_error(spec::SchemaId id, spec::Direction direction) const {
  const Bundle& all = bundle(direction);
  return all.failing.contains(id) && !all.failing_on_their_own.contains(id);
}

}  // namespace conform::schema
