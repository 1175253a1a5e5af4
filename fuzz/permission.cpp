// A permission document as a key's creator writes it: read, and when it reads, written back and
// read again to the same meaning.
#include "conform/permission/permission.hpp"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "conform/core/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = conform::core::parse_json_or_discarded(text);
  if (json.is_discarded()) return 0;
  try {
    auto document = conform::permission::Document::from_json(json);
    auto again = conform::permission::Document::from_json(document.to_json());
    if (!(again == document)) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
