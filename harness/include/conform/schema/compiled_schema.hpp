#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace conform::schema {

// One way an instance breaks a schema.
struct Violation {
  std::string instance_pointer;  // JSON pointer into the instance ("" is the whole instance)
  std::string schema_location;   // the schema that was applied, as its document names it
  std::string message;           // in plain words: `expected integer, got string "x"`
  // The message without the instance's value: the same for every failure of one cause.
  std::string reason{};
  // The keyword that failed, "#/definitions/s3/properties/id/type" in the schema's document
  // (SpecSchemas names it in the description); "" when it could not be told.
  std::string keyword_location{};
  // The last entry of a list cut short at kMaxListedFailures: it stands for the failures not
  // listed.
  bool more_not_listed = false;

  friend bool operator==(const Violation&, const Violation&) = default;
};

// Loads a document that a schema references by absolute URI (nullopt when unknown).
using RemoteLoader = std::function<std::optional<nlohmann::json>(const std::string& uri)>;

// A JSON Schema draft-7 document compiled once and validated against many times, from many threads.
// `pattern` and `format` are checked by this module (bounded regex matching, the OpenAPI formats);
// instances nested deeper than kMaxInstanceDepth are refused with a violation, not recursed into.
class CompiledSchema {
 public:
  static constexpr int kMaxInstanceDepth = 256;
  // validate() stops once valijson has noted this many failures (each failing item counts twice:
  // itself and the array's echo), and says so in a last violation at the root.
  static constexpr std::size_t kMaxListedFailures = 1000;

  // Throws core::Error (code "schema.compile", exit code 2) when the schema is malformed.
  // Takes the document by value: a caller done with it moves it in, and it is kept (to explain
  // failures) without a copy.
  static CompiledSchema compile(nlohmann::json draft7, std::string location = {},
                                const RemoteLoader& remote = {});

  std::vector<Violation> validate(const nlohmann::json& instance) const;
  // validate(instance).empty(), faster: stops at the first failure and explains nothing.
  bool accepts(const nlohmann::json& instance) const;
  // accepts() for the value of member `inner` of member `outer` of an object, against the
  // subschema the schema's `properties` give it there, without building the object around the
  // value; nullopt when the schema declares no such pair.
  std::optional<bool> accepts_member(const std::string& outer, const std::string& inner,
                                     const nlohmann::json& instance) const;
  const std::string& location() const;

 private:
  struct Impl;
  explicit CompiledSchema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace conform::schema
