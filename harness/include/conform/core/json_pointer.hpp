#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::core {

// RFC 6901 helpers. A pointer is kept as text ("" is the whole document, "/a/b~1c" is a/"b/c").
std::string escape_pointer_token(std::string_view token);
std::string unescape_pointer_token(std::string_view token);
std::string append_pointer(std::string_view pointer, std::string_view token);
std::string append_pointer(std::string_view pointer, std::size_t index);

// Splits a pointer into unescaped tokens; nullopt when it is not a valid pointer.
std::optional<std::vector<std::string>> split_pointer(std::string_view pointer);

// Decodes %XX sequences (URI fragments carry pointers percent-encoded); nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace conform::core
