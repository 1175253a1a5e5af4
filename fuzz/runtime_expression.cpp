// An OpenAPI runtime expression ("$response.body#/id", "{$request.path.id}") as links hold them.
#include "conform/spec/runtime_expression.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  conform::spec::parse_runtime_expression(text);
  return 0;
}
