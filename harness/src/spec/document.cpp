#include "conform/spec/document.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/text.hpp"

namespace conform::spec {
namespace {

// Aliases let a small YAML file expand into a huge tree ("billion laughs"). A real document has
// far fewer nodes than bytes and repeats little, so conversion stops at budgets proportional to
// the text: in nodes, and in the bytes of the scalars it copies.
constexpr std::size_t kYamlNodeBudgetBase = 1'000'000;
constexpr std::size_t kYamlNodesPerByte = 4;
constexpr std::size_t kYamlBytesBudgetBase = 16u << 20;
constexpr std::size_t kYamlExpansionFactor = 8;
// Descriptions larger than this are refused before they are read: every later stage holds the
// document several times over.
constexpr std::uintmax_t kMaxDocumentBytes = 64u << 20;

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A plain scalar written as a number that no double can hold (1e400, 400 digits).
struct NumberOutOfRange {};

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
    auto read = std::from_chars(start, end, value);
    if (whole(read)) return value;
    // Too small rounds to zero, as JSON parsers read it; too large has no double at all.
    if (read.ec == std::errc::result_out_of_range) {
      double magnitude = std::strtod(std::string(text).c_str(), nullptr);
      if (std::isfinite(magnitude)) return magnitude;
      throw NumberOutOfRange{};
    }
  }
  return text;
}

// Converts yaml-cpp's tree to JSON without recursion, so that neither nesting nor aliases can
// exhaust the stack, within budgets for depth, nodes and copied bytes.
class YamlConverter {
 public:
  YamlConverter(const std::string& file_name, std::size_t text_bytes)
      : file_name_(file_name),
        node_budget_(kYamlNodeBudgetBase + kYamlNodesPerByte * text_bytes),
        byte_budget_(kYamlBytesBudgetBase + kYamlExpansionFactor * text_bytes) {}

  nlohmann::json convert(const YAML::Node& root) {
    nlohmann::json result;
    struct Pending {
      YAML::Node node;
      nlohmann::json* into;
      std::size_t depth;
    };
    std::vector<Pending> stack{{root, &result, 0}};
    while (!stack.empty()) {
      Pending item = std::move(stack.back());
      stack.pop_back();
      if (++nodes_ > node_budget_) {
        fail(item.node, "the YAML document expands to more than " + std::to_string(node_budget_) +
                            " nodes (aliases repeated too often)");
      }
      if (item.depth > core::kMaxJsonDepth) {
        fail(item.node, "the YAML document nests deeper than " +
                            std::to_string(core::kMaxJsonDepth) + " levels");
      }
      switch (item.node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
          *item.into = nullptr;
          break;
        case YAML::NodeType::Scalar:
          *item.into = scalar(item.node);
          break;
        case YAML::NodeType::Sequence: {
          *item.into = nlohmann::json::array();
          for (const auto& element : item.node) {
            (void)element;
            item.into->push_back(nullptr);
          }
          std::size_t i = 0;
          for (const auto& element : item.node) {
            stack.push_back({element, &(*item.into)[i++], item.depth + 1});
          }
          break;
        }
        case YAML::NodeType::Map: {
          *item.into = nlohmann::json::object();
          for (const auto& entry : item.node) {
            if (!entry.first.IsScalar()) fail(entry.first, "a mapping key is not a scalar");
            const std::string& key = text_of(entry.first);
            // Object members are tree nodes: their addresses stay put as others are added.
            stack.push_back({entry.second, &(*item.into)[key], item.depth + 1});
          }
          break;
        }
      }
    }
    return result;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what,
                         const std::string& code = "document.limit") {
    const YAML::Mark mark = node.Mark();
    std::string where = mark.is_null() ? std::string()
                                       : " at line " + std::to_string(mark.line + 1) + ", column " +
                                             std::to_string(mark.column + 1);
    core::fail_input(code, file_name_, "", what + where);
  }

  // A scalar's text, counted against the byte budget and checked to be UTF-8: JSON strings are.
  const std::string& text_of(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    bytes_ += text.size();
    if (bytes_ > byte_budget_) {
      fail(node, "the YAML document expands to more than " + std::to_string(byte_budget_) +
                     " bytes of text (aliases repeated too often)");
    }
    if (auto bad = core::first_invalid_utf8(text)) {
      fail(node,
           "a scalar holds a byte that is not UTF-8 (at its byte " + std::to_string(*bad) + ")",
           "document.encoding");
    }
    return text;
  }

  nlohmann::json scalar(const YAML::Node& node) {
    const std::string& text = text_of(node);
    const std::string& tag = node.Tag();
    // "!" marks a quoted (non-plain) scalar: always a string.
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
    if (tag == "tag:yaml.org,2002:null") return nullptr;
    try {
      return resolve_plain_scalar(text);
    } catch (const NumberOutOfRange&) {
      fail(node,
           "the number " + text.substr(0, 40) + (text.size() > 40 ? "..." : "") +
               " is beyond the range of a double",
           "document.number-range");
    }
  }

  const std::string& file_name_;
  std::size_t node_budget_;
  std::size_t byte_budget_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
};

nlohmann::json parse_json(std::string_view text, const std::string& file_name) {
  auto parsed = core::parse_json(text);
  if (auto* value = std::get_if<nlohmann::json>(&parsed)) return std::move(*value);
  const core::JsonError& error = std::get<core::JsonError>(parsed);
  auto [line, column] = core::line_and_column(text, error.offset);
  core::fail_input("document.syntax", file_name, "",
                   "invalid JSON at line " + std::to_string(line) + ", column " +
                       std::to_string(column) + ": " + error.message);
}

nlohmann::json parse_yaml(std::string_view text, const std::string& file_name) {
  // The first document only, as descriptions have one. Not YAML::LoadAll: in yaml-cpp 0.7 it
  // loops without end, a null node more each turn, on a document it cannot read (",a"):
  // jbeder/yaml-cpp#1040, fixed after 0.8.0. YAML::Load reads such a document as null.
  YAML::Node root;
  try {
    std::string owned(text);
    root = YAML::Load(owned);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard, whose message says "bad file".
    core::fail_input("document.limit", file_name, "",
                     "the YAML document nests too deeply at line " +
                         std::to_string(e.mark.line + 1) + ", column " +
                         std::to_string(e.mark.column + 1));
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.is_null() ? std::string()
                                         : " at line " + std::to_string(e.mark.line + 1) +
                                               ", column " + std::to_string(e.mark.column + 1);
    core::fail_input("document.syntax", file_name, "", "invalid YAML" + where + ": " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) {
    auto first = text.find_first_not_of(" \t\r\n");
    auto [line, column] = core::line_and_column(text, first == std::string_view::npos ? 0 : first);
    core::fail_input("document.syntax", file_name, "",
                     "invalid YAML: no value could be read from line " + std::to_string(line) +
                         ", column " + std::to_string(column) +
                         " (a description is a mapping; this reads as null)");
  }
  YamlConverter converter(file_name, text.size());
  try {
    return converter.convert(root);
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
  // Devices, pipes and /proc files can be endless: only regular files of a bounded size are read.
  if (!std::filesystem::is_regular_file(path, ec)) {
    core::fail_input("document.unreadable", display_name, "", "is not a regular file");
  }
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxDocumentBytes) {
    core::fail_input("document.limit", display_name, "",
                     "is " + std::to_string(size) +
                         " bytes; conform reads descriptions of at most " +
                         std::to_string(kMaxDocumentBytes) + " bytes");
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
