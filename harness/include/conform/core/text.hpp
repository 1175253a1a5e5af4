#pragma once

#include <string>

namespace conform::core {

// ASCII lower case: header names, methods, media types (never locale-dependent).
std::string ascii_lower(std::string text);

}  // namespace conform::core
