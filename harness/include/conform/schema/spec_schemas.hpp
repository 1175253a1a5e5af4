#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "conform/schema/compiled_schema.hpp"
#include "conform/spec/spec.hpp"

namespace conform::schema {

// The compiled form of a Spec's schemas. All schemas of one direction are compiled together, once,
// on first use (compiling each on its own would redo the shared parts every time). When that
// bundle does not compile (an invalid pattern somewhere), the schemas at fault are found, with the
// schemas that reach them, and the rest compiled together again without them, so that one bad
// schema does not stop the others. Safe to use from many threads.
class SpecSchemas {
 public:
  explicit SpecSchemas(const spec::Spec& spec);
  ~SpecSchemas();

  const spec::Spec& spec() const { return spec_; }

  // Every way `instance` breaks the schema; pointers are relative to the instance. A schema that
  // cannot be compiled yields one violation that says why.
  std::vector<Violation> validate(spec::SchemaId id, spec::Direction direction,
                                  const nlohmann::json& instance) const;
  // The same, taking the instance: a refused one is moved into the wrapping document, not
  // copied (a 10 MB body parses to hundreds of megabytes).
  std::vector<Violation> validate(spec::SchemaId id, spec::Direction direction,
                                  nlohmann::json&& instance) const;
  // validate(...).empty(), faster: stops at the first failure and explains nothing.
  bool accepts(spec::SchemaId id, spec::Direction direction, const nlohmann::json& instance) const;

  // The schema's standalone draft-7 document, built once and kept (request handlers read it on
  // every request).
  const nlohmann::json& standalone(spec::SchemaId id, spec::Direction direction) const;

  // Why the schema cannot be compiled, when it cannot.
  std::optional<std::string> compile_error(spec::SchemaId id, spec::Direction direction) const;
  // Whether that error is known to lie in a schema this one references, not in this one: said
  // where it lies, it need not be said again for each schema that reaches it.
  bool inherits_compile_error(spec::SchemaId id, spec::Direction direction) const;

 private:
  struct Bundle;
  using Compiled = std::variant<CompiledSchema, std::string>;  // the schema, or why it failed
  const Bundle& bundle(spec::Direction direction) const;
  // The schemas that cannot be compiled, by why: those whose own keywords fail, and those that
  // reach one of them. `definitions` is the bundle's.
  std::map<spec::SchemaId, std::string> failing_schemas(
      const nlohmann::json& definitions, std::set<spec::SchemaId>& on_their_own) const;
  // `movable`, when given, is `instance`, and may be moved from.
  std::vector<Violation> validate_unnamed(spec::SchemaId id, spec::Direction direction,
                                          const nlohmann::json& instance,
                                          nlohmann::json* movable) const;
  const Compiled& single(spec::SchemaId id, spec::Direction direction) const;

  const spec::Spec& spec_;
  mutable std::mutex mutex_;
  mutable std::array<std::unique_ptr<Bundle>, 3> bundles_;
  mutable std::map<std::pair<spec::SchemaId, spec::Direction>, std::unique_ptr<Compiled>> singles_;
  mutable std::map<std::pair<spec::SchemaId, spec::Direction>, std::unique_ptr<nlohmann::json>>
      documents_;
};

}  // namespace conform::schema
