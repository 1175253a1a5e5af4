#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace conform::core {

// ASCII lower case: header names, methods, media types (never locale-dependent).
std::string ascii_lower(std::string text);

// Base64 with padding (RFC 4648): HTTP basic credentials. Decoding refuses other characters.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace conform::core
