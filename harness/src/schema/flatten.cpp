#include "conform/schema/flatten.hpp"

#include <algorithm>

namespace conform::schema {
namespace {

// Past this depth of allOf and $ref a schema is given up on rather than recursed into.
constexpr int kMaxDepth = 40;

// Keywords where the stricter of two values wins.
void tighten(nlohmann::json& into, const nlohmann::json& from, const char* keyword, bool larger) {
  auto theirs = from.find(keyword);
  if (theirs == from.end() || !theirs->is_number()) return;
  auto ours = into.find(keyword);
  if (ours == into.end() || !ours->is_number() ||
      (larger ? theirs->get<double>() > ours->get<double>()
              : theirs->get<double>() < ours->get<double>())) {
    into[keyword] = *theirs;
  }
}

}  // namespace

std::set<std::string> types_of(const nlohmann::json& schema) {
  std::set<std::string> types;
  auto type = schema.find("type");
  if (type != schema.end()) {
    if (type->is_string()) types.insert(type->get<std::string>());
    if (type->is_array()) {
      for (const auto& t : *type) {
        if (t.is_string()) types.insert(t.get<std::string>());
      }
    }
    return types;
  }
  // No type: infer it from the keywords that only make sense for one.
  for (const char* k : {"properties", "required", "additionalProperties", "patternProperties",
                        "minProperties", "maxProperties", "propertyNames"}) {
    if (schema.contains(k)) types.insert("object");
  }
  for (const char* k : {"items", "minItems", "maxItems", "uniqueItems", "contains"}) {
    if (schema.contains(k)) types.insert("array");
  }
  for (const char* k : {"minLength", "maxLength", "pattern", "format"}) {
    if (schema.contains(k)) types.insert("string");
  }
  for (const char* k :
       {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) {
    if (schema.contains(k)) types.insert("number");
  }
  if (types.empty()) types = {"null", "boolean", "integer", "number", "string", "array", "object"};
  return types;
}

void merge_into(nlohmann::json& into, const nlohmann::json& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) {
    const std::string& key = it.key();
    if (!into.contains(key)) {
      into[key] = it.value();
      continue;
    }
    if (key == "type") {
      std::set<std::string> a = types_of(into);
      std::set<std::string> b = types_of(from);
      nlohmann::json both = nlohmann::json::array();
      for (const auto& t : a) {
        if (b.contains(t) || (t == "integer" && b.contains("number")))
          both.push_back(t);
        else if (t == "number" && b.contains("integer"))
          both.push_back("integer");
      }
      into["type"] = both;
    } else if (key == "properties" && it->is_object()) {
      for (auto p = it->begin(); p != it->end(); ++p) {
        auto& mine = into["properties"][p.key()];
        if (mine.is_null()) {
          mine = p.value();
        } else if (mine.is_object() && p->is_object()) {
          nlohmann::json combined = {{"allOf", {mine, p.value()}}};
          mine = std::move(combined);
        }
      }
    } else if (key == "required" && it->is_array()) {
      for (const auto& name : *it) {
        if (std::find(into["required"].begin(), into["required"].end(), name) ==
            into["required"].end()) {
          into["required"].push_back(name);
        }
      }
    } else if (key == "minimum" || key == "exclusiveMinimum" || key == "minLength" ||
               key == "minItems" || key == "minProperties") {
      tighten(into, from, key.c_str(), true);
    } else if (key == "maximum" || key == "exclusiveMaximum" || key == "maxLength" ||
               key == "maxItems" || key == "maxProperties") {
      tighten(into, from, key.c_str(), false);
    } else if (key == "enum" && it->is_array() && into["enum"].is_array()) {
      nlohmann::json both = nlohmann::json::array();
      for (const auto& v : into["enum"]) {
        if (std::find(it->begin(), it->end(), v) != it->end()) both.push_back(v);
      }
      into["enum"] = both;
    } else if (key == "additionalProperties" && it->is_boolean() && !it->get<bool>()) {
      into[key] = false;
    } else if (key == "examples") {
      // Examples of one branch need not satisfy the whole: keep only the first branch's.
    }
    // Anything else keeps the first value; the validator checks the whole schema anyway.
  }
}

const nlohmann::json& resolve(const nlohmann::json& document, const nlohmann::json& schema) {
  const nlohmann::json* node = &schema;
  for (int hops = 0; hops < 32; ++hops) {
    if (!node->is_object()) return *node;
    auto ref = node->find("$ref");
    if (ref == node->end() || !ref->is_string()) return *node;
    const std::string& text = ref->get_ref<const std::string&>();
    if (text.empty() || text[0] != '#')
      throw CannotFlatten("reference '" + text + "' is not local");
    nlohmann::json::json_pointer pointer(text.substr(1));
    if (!document.contains(pointer))
      throw CannotFlatten("reference '" + text + "' resolves to nothing");
    node = &document.at(pointer);
  }
  throw CannotFlatten("a chain of references that does not end");
}

const nlohmann::json* Flattener::try_flatten(const nlohmann::json& schema) noexcept {
  try {
    return &(*this)(schema);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const nlohmann::json& Flattener::operator()(const nlohmann::json& schema, int depth) {
  if (depth > kMaxDepth) throw CannotFlatten("allOf/$ref nesting too deep");
  const nlohmann::json& target = resolve(document_, schema);
  if (!target.is_object()) return target;
  auto all_of = target.find("allOf");
  if (all_of == target.end() || !all_of->is_array()) return target;
  if (auto done = merged_.find(&target); done != merged_.end()) return done->second;
  nlohmann::json out = target;
  out.erase("allOf");
  for (const auto& branch : *all_of) {
    const nlohmann::json& flat = (*this)(branch, depth + 1);
    if (flat.is_boolean()) {
      if (!flat.get<bool>()) throw CannotFlatten("allOf contains false");
      continue;
    }
    merge_into(out, flat);
  }
  return merged_.emplace(&target, std::move(out)).first->second;
}

}  // namespace conform::schema
