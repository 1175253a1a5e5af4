// An Arazzo document's text: read (every rule of the schema, ids, references, cycles) and, when
// it reads cleanly, bound to the project's description (operations, parameters, expressions,
// criteria).
#include <cstdint>
#include <string_view>

#include "conform/arazzo/binding.hpp"
#include "conform/core/error.hpp"
#include "conform/spec/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const conform::spec::Spec spec =
      conform::spec::Spec::load(CONFORM_SOURCE_DIR "/spec/openapi.json");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json root;
  try {
    root = conform::spec::parse_document(text, conform::spec::Syntax::yaml, "suite.yaml");
  } catch (const conform::core::Error&) {
    return 0;  // refused with a message
  }
  auto reading = conform::arazzo::read(root, "suite.yaml");
  if (reading.problems.count(conform::core::Severity::error) == 0) {
    conform::arazzo::bind_operations(reading.document, spec, reading.problems);
  }
  return 0;
}
