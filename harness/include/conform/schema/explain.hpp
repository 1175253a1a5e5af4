#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace conform::schema {

// A violation in plain words: what the schema wanted where the instance broke it, and what it got.
struct Explanation {
  std::string message;  // `expected integer, got string "not a number"`
  // The same without the instance's value (`expected integer, got string`): equal for every
  // failure of one cause, whatever value a case happened to carry.
  std::string reason;
  // The keyword that failed, as a JSON pointer into `document` ("/definitions/s3/properties/id/
  // type"); "" when it could not be told which subschema failed.
  std::string keyword_pointer;
};

// Explains the validator's `description` of a failure at `instance_pointer`, by walking
// `document` (a draft-7 schema, its references local) along the pointer to the subschemas that
// apply there and finding the keyword that the value breaks. Descriptions it does not recognise,
// or whose keyword it cannot find, keep their text as message and reason.
Explanation explain(const nlohmann::json& document, const nlohmann::json& instance,
                    const std::string& instance_pointer, const std::string& description);

// A JSON value as a message quotes it: compact, at most `max_bytes` (cut on a UTF-8 boundary,
// "…" appended).
std::string quoted_value(const nlohmann::json& value, std::size_t max_bytes = 40);

}  // namespace conform::schema
