// A description's text as YAML: parsed, and when it parses, loaded and linted.
#include "description.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  conform::fuzz::load_and_lint(data, size, conform::spec::Syntax::yaml);
  return 0;
}
