#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace conform::spec {

enum class Syntax { json, yaml };

// Chooses the syntax from the file name (.json, .yaml, .yml) and, for other names, from the first
// character of the text.
Syntax guess_syntax(const std::string& file_name, std::string_view text);

// Parses a JSON or YAML document into JSON values. YAML scalars are typed by the YAML 1.2 core
// schema (quoted scalars stay strings). Throws core::Error (exit code 2) naming the file, line and
// column of a syntax error, or the limit a hostile document hit.
nlohmann::json parse_document(std::string_view text, Syntax syntax, const std::string& file_name);

// Reads and parses a file. `display_name` is how the file is named in messages.
nlohmann::json load_document(const std::filesystem::path& path, const std::string& display_name);

}  // namespace conform::spec
