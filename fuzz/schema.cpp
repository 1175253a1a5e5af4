// A JSON Schema and an instance, separated by the first NUL byte: compiled (with the bounded
// pattern matcher and the keyword checks) and the instance validated.
#include <cstdint>
#include <string_view>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/schema/compiled_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\0');
  std::string_view schema_text = input.substr(0, split);
  std::string_view instance_text =
      split == std::string_view::npos ? "null" : input.substr(split + 1);
  auto schema = conform::core::parse_json_or_discarded(schema_text);
  auto instance = conform::core::parse_json_or_discarded(instance_text);
  if (schema.is_discarded() || instance.is_discarded()) return 0;
  try {
    auto compiled = conform::schema::CompiledSchema::compile(schema, "input");
    compiled.validate(instance);
  } catch (const conform::core::Error&) {
  }
  return 0;
}
