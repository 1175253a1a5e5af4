// A description's text as JSON: parsed, and when it parses, loaded and linted as `conform lint`
// does (references, schemas, patterns, examples).
#include "description.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  conform::fuzz::load_and_lint(data, size, conform::spec::Syntax::json);
  return 0;
}
