#include "conform/spec/document.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"

namespace conform::spec {
namespace {

// Aliases let a small YAML file expand into a huge tree ("billion laughs"). A real document has
// far fewer nodes than bytes, so conversion stops at a budget proportional to the text.
constexpr std::size_t kYamlNodeBudgetBase = 1'000'000;
constexpr std::size_t kYamlNodesPerByte = 4;
// yaml-cpp guards its own parser depth; the conversion below is recursive, so it has its own guard.
constexpr int kMaxYamlDepth = 1000;

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Line and column (1-based) of a byte offset, for JSON syntax errors.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
nlohmann::json resolve_plain_scalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;

  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto whole = [&](const std::from_chars_result& r) { return r.ec == std::errc() && r.ptr == end; };

  // Integers: decimal, 0o octal, 0x hexadecimal.
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  if (!digits.empty() &&
      digits.find_first_not_of(base == 16  ? "0123456789abcdefABCDEF"
                               : base == 8 ? "01234567"
                                           : "0123456789") == std::string_view::npos) {
    if (base == 10) {
      std::int64_t value = 0;
      if (whole(std::from_chars(begin, end, value))) return value;
      std::uint64_t unsigned_value = 0;
      if (!negative && text.front() != '+' && whole(std::from_chars(begin, end, unsigned_value))) {
        return unsigned_value;
      }
    } else {
      std::uint64_t magnitude = 0;
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
        if (!negative) return magnitude;
        if (magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return -static_cast<std::int64_t>(magnitude);
        }
      }
    }
  }

  std::string low = core::ascii_lower(text);
  if (low == ".inf" || low == "+.inf") return std::numeric_limits<double>::infinity();
  if (low == "-.inf") return -std::numeric_limits<double>::infinity();
  if (low == ".nan") return std::numeric_limits<double>::quiet_NaN();

  // Floats as the core schema writes them: [-+]? ( . digits | digits [ . digits? ] ) ( e [-+]?
  // digits )?
  bool has_digit = false;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    ++i;
    has_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      has_digit = true;
    }
  }
  if (has_digit && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t exponent_start = ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t digits_start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == digits_start) i = exponent_start - 1;  // "1e" is not a number
  }
  if (has_digit && i == text.size()) {
    double value = 0;
    const char* start = text.front() == '+' ? begin + 1 : begin;
    if (whole(std::from_chars(start, end, value))) return value;
  }
  return text;
}

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  // "!" marks a quoted (non-plain) scalar: always a string.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (tag == "tag:yaml.org,2002:null") return nullptr;
  if (tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:int" ||
      tag == "tag:yaml.org,2002:float") {
    return resolve_plain_scalar(text);
  }
  return resolve_plain_scalar(text);
}

struct YamlConverter {
  const std::string& file_name;
  std::size_t budget;
  std::size_t nodes = 0;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) {
    const YAML::Mark mark = node.Mark();
    std::string where = mark.is_null() ? std::string()
                                       : " at line " + std::to_string(mark.line + 1) + ", column " +
                                             std::to_string(mark.column + 1);
    core::fail_input("document.limit", file_name, "", what + where);
  }

  nlohmann::json convert(const YAML::Node& node, int depth) {
    if (++nodes > budget) {
      fail(node, "the YAML document expands to more than " + std::to_string(budget) +
                     " nodes (aliases repeated too often)");
    }
    if (depth > kMaxYamlDepth) {
      fail(node,
           "the YAML document nests deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar_to_json(node);
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : node) out.push_back(convert(item, depth + 1));
        return out;
      }
      case YAML::NodeType::Map: {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) fail(entry.first, "a mapping key is not a scalar");
          out[entry.first.Scalar()] = convert(entry.second, depth + 1);
        }
        return out;
      }
    }
    return nullptr;
  }
};

nlohmann::json parse_json(std::string_view text, const std::string& file_name) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at ...: ".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    core::fail_input("document.syntax", file_name, "",
                     "invalid JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + what);
  }
}

nlohmann::json parse_yaml(std::string_view text, const std::string& file_name) {
  std::vector<YAML::Node> documents;
  try {
    std::string owned(text);
    documents = YAML::LoadAll(owned);
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.is_null() ? std::string()
                                         : " at line " + std::to_string(e.mark.line + 1) +
                                               ", column " + std::to_string(e.mark.column + 1);
    core::fail_input("document.syntax", file_name, "", "invalid YAML" + where + ": " + e.msg);
  }
  if (documents.empty()) core::fail_input("document.empty", file_name, "", "the file is empty");
  YamlConverter converter{file_name, kYamlNodeBudgetBase + kYamlNodesPerByte * text.size()};
  try {
    return converter.convert(documents.front(), 0);
  } catch (const YAML::Exception& e) {
    core::fail_input("document.syntax", file_name, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace

Syntax guess_syntax(const std::string& file_name, std::string_view text) {
  std::string low = core::ascii_lower(file_name);
  if (ends_with(low, ".json")) return Syntax::json;
  if (ends_with(low, ".yaml") || ends_with(low, ".yml")) return Syntax::yaml;
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    return Syntax::json;
  }
  return Syntax::yaml;
}

nlohmann::json parse_document(std::string_view text, Syntax syntax, const std::string& file_name) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    core::fail_input("document.empty", file_name, "", "the file is empty");
  }
  return syntax == Syntax::json ? parse_json(text, file_name) : parse_yaml(text, file_name);
}

nlohmann::json load_document(const std::filesystem::path& path, const std::string& display_name) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    core::fail_input("document.missing", display_name, "", "no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    core::fail_input("document.unreadable", display_name, "", "is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    core::fail_input("document.unreadable", display_name, "", "cannot be opened for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) core::fail_input("document.unreadable", display_name, "", "read error");
  std::string text = buffer.str();
  return parse_document(text, guess_syntax(display_name, text), display_name);
}

}  // namespace conform::spec
