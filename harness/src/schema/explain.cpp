#include "conform/schema/explain.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/schema/regex.hpp"

namespace conform::schema {
namespace {

using nlohmann::json;

// A subschema that applies at some place of the instance, and where it sits in the document.
struct Node {
  const json* schema;
  std::string pointer;
};

// The walk follows references and applicators of one instance place at a time; schemas built to
// explode (thousands of branches) are cut short rather than walked whole.
constexpr std::size_t kMaxNodes = 512;
constexpr int kMaxExpansion = 32;

const json* member(const json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::optional<Node> resolve(const json& document, const std::string& ref) {
  if (ref.empty() || ref[0] != '#') return std::nullopt;
  std::string pointer = ref.substr(1);
  auto tokens = core::split_pointer(pointer);
  if (!tokens) return std::nullopt;
  const json* at = &document;
  for (const std::string& token : *tokens) {
    if (at->is_object()) {
      at = member(*at, token);
    } else if (at->is_array() && !token.empty() &&
               std::all_of(token.begin(), token.end(),
                           [](char c) { return c >= '0' && c <= '9'; }) &&
               token.size() < 10 && std::stoul(token) < at->size()) {
      at = &(*at)[std::stoul(token)];
    } else {
      at = nullptr;
    }
    if (at == nullptr) return std::nullopt;
  }
  return Node{at, pointer};
}

// Adds `node` and every subschema that applies to the same value with it: its reference's target
// and the branches of allOf, anyOf, oneOf, then and else.
void expand(const json& document, const Node& node, std::vector<Node>& out, int depth) {
  if (out.size() >= kMaxNodes || depth > kMaxExpansion || !node.schema->is_object()) return;
  for (const Node& seen : out) {
    if (seen.schema == node.schema) return;
  }
  out.push_back(node);
  if (const json* ref = member(*node.schema, "$ref"); ref && ref->is_string()) {
    if (auto target = resolve(document, ref->get<std::string>())) {
      expand(document, *target, out, depth + 1);
    }
  }
  for (const char* applicator : {"allOf", "anyOf", "oneOf"}) {
    const json* branches = member(*node.schema, applicator);
    if (branches == nullptr || !branches->is_array()) continue;
    for (std::size_t i = 0; i < branches->size(); ++i) {
      expand(document,
             {&(*branches)[i],
              core::append_pointer(core::append_pointer(node.pointer, applicator), i)},
             out, depth + 1);
    }
  }
  for (const char* conditional : {"then", "else"}) {
    if (const json* branch = member(*node.schema, conditional)) {
      expand(document, {branch, core::append_pointer(node.pointer, conditional)}, out, depth + 1);
    }
  }
}

bool is_index(const std::string& token) {
  return !token.empty() && token.size() < 10 &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The subschemas that apply to the member `token` of a value to which `nodes` apply.
std::vector<Node> children(const json& document, const std::vector<Node>& nodes,
                           const std::string& token) {
  std::vector<Node> out;
  for (const Node& node : nodes) {
    const json& schema = *node.schema;
    bool named = false;
    if (const json* properties = member(schema, "properties")) {
      if (const json* child = member(*properties, token)) {
        named = true;
        std::string at =
            core::append_pointer(core::append_pointer(node.pointer, "properties"), token);
        expand(document, {child, at}, out, 0);
      }
    }
    if (const json* patterns = member(schema, "patternProperties");
        patterns && patterns->is_object()) {
      for (const auto& [pattern, child] : patterns->items()) {
        auto regex = Regex::compile(pattern);
        if (!regex || regex->search(token) != Regex::Outcome::match) continue;
        named = true;
        expand(document,
               {&child, core::append_pointer(
                            core::append_pointer(node.pointer, "patternProperties"), pattern)},
               out, 0);
      }
    }
    const json* additional = member(schema, "additionalProperties");
    if (!named && additional != nullptr && additional->is_object()) {
      expand(document, {additional, core::append_pointer(node.pointer, "additionalProperties")},
             out, 0);
    }
    if (const json* items = member(schema, "items"); items && is_index(token)) {
      std::size_t index = std::stoul(token);
      if (items->is_object()) {
        expand(document, {items, core::append_pointer(node.pointer, "items")}, out, 0);
      } else if (items->is_array() && index < items->size()) {
        expand(document,
               {&(*items)[index],
                core::append_pointer(core::append_pointer(node.pointer, "items"), index)},
               out, 0);
      } else if (const json* more = member(schema, "additionalItems"); more && more->is_object()) {
        expand(document, {more, core::append_pointer(node.pointer, "additionalItems")}, out, 0);
      }
    }
  }
  return out;
}

std::string type_of(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "value";
  }
}

bool has_type(const json& value, const std::string& type) {
  if (type == "number") return value.is_number();
  if (type == "integer") {
    // Any number without a fractional part, 1.0 and 1e20 too.
    return value.is_number_integer() ||
           (value.is_number_float() && std::isfinite(value.get<double>()) &&
            std::floor(value.get<double>()) == value.get<double>());
  }
  return type_of(value) == type;
}

std::vector<std::string> declared_types(const json& type) {
  std::vector<std::string> out;
  if (type.is_string()) out.push_back(type.get<std::string>());
  if (type.is_array()) {
    for (const json& t : type) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& words, const std::string& last) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " " + last + " " : ", ";
    out += words[i];
  }
  return out;
}

std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

double number(const json& value) { return value.is_number() ? value.get<double>() : 0; }

// The name in the last '...' of a message ("Missing required property 'name'.").
std::string quoted_name(const std::string& description) {
  auto close = description.rfind('\'');
  if (close == std::string::npos || close == 0) return {};
  auto open = description.rfind('\'', close - 1);
  if (open == std::string::npos) return {};
  return description.substr(open + 1, close - open - 1);
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

// The keyword a validator message is about.
std::string keyword_of(const std::string& d) {
  if (starts_with(d, "Value type not permitted")) return "type";
  if (starts_with(d, "Failed to match against any enum")) return "enum";
  if (starts_with(d, "Failed to match expected value set by 'const'")) return "const";
  if (starts_with(d, "Missing required property")) return "required";
  if (starts_with(d, "Object contains a property that could not be validated")) {
    return "additionalProperties";
  }
  if (starts_with(d, "is not allowed (additionalProperties is false)")) {
    return "additionalProperties";
  }
  if (starts_with(d, "Expected number greater than or equal to")) return "minimum";
  if (starts_with(d, "Expected number greater than")) return "exclusiveMinimum";
  if (starts_with(d, "Expected number less than or equal to")) return "maximum";
  if (starts_with(d, "Expected number less than")) return "exclusiveMaximum";
  if (starts_with(d, "String should be no fewer than")) return "minLength";
  if (starts_with(d, "String should be no more than")) return "maxLength";
  if (starts_with(d, "Array should contain no fewer than")) return "minItems";
  if (starts_with(d, "Array should contain no more than")) return "maxItems";
  if (starts_with(d, "Object should have no fewer than")) return "minProperties";
  if (starts_with(d, "Object should have no more than")) return "maxProperties";
  if (starts_with(d, "Value should be a multiple of")) return "multipleOf";
  if (starts_with(d, "does not match pattern")) return "pattern";
  if (starts_with(d, "is not a valid ")) return "format";
  if (starts_with(d, "Failed to validate against any schemas allowed by anyOf")) return "anyOf";
  if (starts_with(d, "Failed to validate against exactly one child schema") ||
      starts_with(d, "Failed to validate against any child schemas allowed by oneOf")) {
    return "oneOf";
  }
  if (starts_with(d, "Target should not validate against schema specified in 'not'")) return "not";
  if (starts_with(d, "Elements at indexes")) return "uniqueItems";
  return {};
}

// Whether `value` breaks `keyword` of `schema` (true when it cannot be told cheaply).
bool breaks(const json& schema, const std::string& keyword, const json* value,
            const std::string& name) {
  const json& k = schema[keyword];
  if (keyword == "type") {
    if (value == nullptr) return false;
    auto types = declared_types(k);
    return std::none_of(types.begin(), types.end(),
                        [&](const std::string& t) { return has_type(*value, t); });
  }
  if (keyword == "enum") {
    return value != nullptr && k.is_array() && std::find(k.begin(), k.end(), *value) == k.end();
  }
  if (keyword == "const") return value != nullptr && k != *value;
  if (keyword == "required") {
    return k.is_array() && std::find(k.begin(), k.end(), json(name)) != k.end() &&
           (value == nullptr || !value->is_object() || !value->contains(name));
  }
  if (keyword == "additionalProperties") {
    const json* properties = member(schema, "properties");
    return k.is_boolean() && !k.get<bool>() &&
           (properties == nullptr || !properties->contains(name));
  }
  if (value == nullptr) return true;
  if (keyword == "multipleOf") {
    if (!value->is_number() || !k.is_number() || number(k) <= 0) return false;
    if (value->is_number_integer() && k.is_number_integer()) {
      return value->get<std::int64_t>() % k.get<std::int64_t>() != 0;
    }
    double quotient = number(*value) / number(k);
    return !std::isfinite(quotient) || std::floor(quotient) != quotient;
  }
  if (keyword == "minimum") return value->is_number() && number(*value) < number(k);
  if (keyword == "exclusiveMinimum") return value->is_number() && number(*value) <= number(k);
  if (keyword == "maximum") return value->is_number() && number(*value) > number(k);
  if (keyword == "exclusiveMaximum") return value->is_number() && number(*value) >= number(k);
  if (keyword == "minLength" || keyword == "maxLength") {
    if (!value->is_string() || !k.is_number()) return false;
    double length = static_cast<double>(code_points(value->get<std::string>()));
    return keyword == "minLength" ? length < number(k) : length > number(k);
  }
  if (keyword == "minItems" || keyword == "maxItems") {
    if (!value->is_array() || !k.is_number()) return false;
    double size = static_cast<double>(value->size());
    return keyword == "minItems" ? size < number(k) : size > number(k);
  }
  if (keyword == "minProperties" || keyword == "maxProperties") {
    if (!value->is_object() || !k.is_number()) return false;
    double size = static_cast<double>(value->size());
    return keyword == "minProperties" ? size < number(k) : size > number(k);
  }
  return true;
}

std::string expectation(const json& schema, const std::string& keyword, const json* value,
                        const std::string& name, std::string& reason) {
  const json& k = schema[keyword];
  std::string got = value ? quoted_value(*value) : "nothing";
  auto say = [&](const std::string& wanted, const std::string& got_kind) {
    reason = wanted + ", got " + got_kind;
    return wanted + ", got " + got;
  };
  if (keyword == "type") {
    std::string kind = value ? type_of(*value) : "nothing";
    reason = "expected " + joined(declared_types(k), "or") + ", got " + kind;
    if (value == nullptr || value->is_null()) return reason;
    return reason + " " + quoted_value(*value);
  }
  if (keyword == "enum") {
    std::vector<std::string> options;
    for (const json& option : k) {
      if (options.size() == 5) {
        options.push_back("… (" + std::to_string(k.size()) + " in all)");
        break;
      }
      options.push_back(quoted_value(option, 24));
    }
    return say("expected one of " + joined(options, "or"), "another value");
  }
  if (keyword == "const") return say("expected " + quoted_value(k), "another value");
  if (keyword == "required") {
    reason = "missing required property '" + name + "'";
    return reason;
  }
  if (keyword == "additionalProperties") {
    reason = "property '" + name + "' is not allowed (additionalProperties is false)";
    return reason;
  }
  const std::string bound = quoted_value(k);
  if (keyword == "minimum") return say("expected at least " + bound, "less");
  if (keyword == "exclusiveMinimum") return say("expected more than " + bound, "less or equal");
  if (keyword == "maximum") return say("expected at most " + bound, "more");
  if (keyword == "exclusiveMaximum") return say("expected less than " + bound, "more or equal");
  if (keyword == "multipleOf") return say("expected a multiple of " + bound, "another number");
  if (keyword == "minLength" || keyword == "maxLength") {
    std::size_t length = value && value->is_string() ? code_points(value->get<std::string>()) : 0;
    reason = std::string("expected ") + (keyword == "minLength" ? "at least " : "at most ") +
             bound + " characters, got " + (keyword == "minLength" ? "fewer" : "more");
    return std::string("expected ") + (keyword == "minLength" ? "at least " : "at most ") + bound +
           " characters, got " + std::to_string(length) + ": " + got;
  }
  if (keyword == "minItems" || keyword == "maxItems" || keyword == "minProperties" ||
      keyword == "maxProperties") {
    bool items = keyword.find("Items") != std::string::npos;
    bool at_least = keyword.rfind("min", 0) == 0;
    std::size_t size = value ? value->size() : 0;
    std::string word = items ? "item" : "property";
    std::string words = items ? "items" : "properties";
    std::string wanted = std::string("expected ") + (at_least ? "at least " : "at most ") + bound +
                         " " + (number(k) == 1 ? word : words);
    reason = wanted + ", got " + (at_least ? "fewer" : "more");
    return wanted + ", got " + std::to_string(size);
  }
  if (keyword == "pattern") {
    return say("expected a string matching '" + (k.is_string() ? k.get<std::string>() : "") + "'",
               "a string that does not");
  }
  if (keyword == "format") {
    return say("expected a valid " + (k.is_string() ? k.get<std::string>() : "value"),
               "a string that is not");
  }
  if (keyword == "anyOf") {
    return say("expected a value that matches one of the " +
                   std::to_string(k.is_array() ? k.size() : 0) + " schemas of anyOf",
               "one that matches none");
  }
  if (keyword == "oneOf") {
    return say("expected a value that matches exactly one of the " +
                   std::to_string(k.is_array() ? k.size() : 0) + " schemas of oneOf",
               "one that does not");
  }
  if (keyword == "not")
    return say("expected a value the schema under 'not' refuses", "one it accepts");
  if (keyword == "uniqueItems") {
    reason = "expected unique items, got repeated ones";
    return reason;
  }
  return {};
}

// "expected unique items, got item 4 equal to item 1", from the validator's "Elements at indexes
// #1 and #4 violate uniqueness constraint."; `plain` when the description says no indexes.
std::string which_items_repeat(const std::string& description, const std::string& plain) {
  const std::string marker = "Elements at indexes #";
  if (description.rfind(marker, 0) != 0) return plain;
  std::size_t first_end = description.find(' ', marker.size());
  std::size_t second = description.find('#', marker.size());
  if (first_end == std::string::npos || second == std::string::npos) return plain;
  std::size_t second_end = description.find(' ', second);
  if (second_end == std::string::npos) return plain;
  std::string first_index = description.substr(marker.size(), first_end - marker.size());
  std::string again_index = description.substr(second + 1, second_end - second - 1);
  auto digits = [](const std::string& text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(first_index) || !digits(again_index)) return plain;
  return "expected unique items, got item " + again_index + " equal to item " + first_index;
}

// The first `budget` values of `value` in document order, in their containers: every value
// writes at least one byte, so the copy's text begins as the original's for `budget` bytes.
// Quoting a 10 MB array then costs what its first bytes cost.
json first_values(const json& value, std::size_t& budget) {
  if (budget == 0) return json();
  --budget;
  if (value.is_array()) {
    json out = json::array();
    for (auto it = value.begin(); it != value.end() && budget > 0; ++it) {
      out.push_back(first_values(*it, budget));
    }
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end() && budget > 0; ++it) {
      out[it.key()] = first_values(*it, budget);
    }
    return out;
  }
  return value;
}

}  // namespace

std::string quoted_value(const nlohmann::json& value, std::size_t max_bytes) {
  std::size_t budget = max_bytes + 1;  // one past: the text then runs over, and is marked cut
  std::string text =
      first_values(value, budget).dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= max_bytes) return text;
  return std::string(core::utf8_prefix(text, max_bytes)) + "…";
}

Explanation explain(const nlohmann::json& document, const nlohmann::json& instance,
                    const std::string& instance_pointer, const std::string& description) {
  Explanation fallback{description, description, ""};
  std::string keyword = keyword_of(description);
  auto tokens = core::split_pointer(instance_pointer);
  if (keyword.empty() || !tokens) return fallback;

  // Our patternProperties check reports a forbidden member at the member itself; the keyword
  // belongs to the object holding it.
  std::string name;
  if (keyword == "additionalProperties" && starts_with(description, "is not allowed")) {
    if (tokens->empty()) return fallback;
    name = tokens->back();
    tokens->pop_back();
  } else if (keyword == "required" || keyword == "additionalProperties") {
    name = quoted_name(description);
  }

  std::vector<Node> nodes;
  expand(document, {&document, ""}, nodes, 0);
  const json* value = &instance;
  for (const std::string& token : *tokens) {
    nodes = children(document, nodes, token);
    if (value != nullptr && value->is_object() && value->contains(token)) {
      value = &(*value)[token];
    } else if (value != nullptr && value->is_array() && is_index(token) &&
               std::stoul(token) < value->size()) {
      value = &(*value)[std::stoul(token)];
    } else {
      value = nullptr;
    }
  }
  // The subschema whose keyword the value breaks. Several may (branches of anyOf, then and
  // else): the one whose bound the validator's message quotes, else, if they want different
  // things, the message stays the validator's: a plain one could name the wrong branch.
  std::vector<const Node*> breaking;
  const Node* first_with_keyword = nullptr;
  for (const Node& node : nodes) {
    if (!node.schema->contains(keyword)) continue;
    if (first_with_keyword == nullptr) first_with_keyword = &node;
    if (breaks(*node.schema, keyword, value, name)) breaking.push_back(&node);
  }
  const Node* chosen = breaking.empty() ? first_with_keyword : breaking.front();
  if (breaking.size() > 1) {
    auto quoted = std::find_if(breaking.begin(), breaking.end(), [&](const Node* node) {
      const json& bound = (*node->schema)[keyword];
      return bound.is_number() && description.find(bound.dump()) != std::string::npos;
    });
    bool alike = std::all_of(breaking.begin(), breaking.end(), [&](const Node* node) {
      return (*node->schema)[keyword] == (*breaking.front()->schema)[keyword];
    });
    if (quoted != breaking.end()) {
      chosen = *quoted;
    } else if (!alike) {
      return fallback;
    }
  }
  if (chosen == nullptr) return fallback;
  Explanation out;
  out.message = expectation(*chosen->schema, keyword, value, name, out.reason);
  if (out.message.empty()) return fallback;
  if (keyword == "uniqueItems") out.message = which_items_repeat(description, out.message);
  out.keyword_pointer = core::append_pointer(chosen->pointer, keyword);
  return out;
}

}  // namespace conform::schema
