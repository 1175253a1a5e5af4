#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "conform/core/json_pointer.hpp"

namespace conform::spec {

// Visits the direct subschemas of a JSON Schema draft-7 object: `fn(subschema, relative_pointer)`.
// Works on const and mutable schemas alike. Values that are not schemas (enum members, property
// names, `required` lists) are never visited, so a property called "pattern" stays a property.
template <typename Json, typename Fn>
requires std::is_same_v<std::remove_const_t<Json>, nlohmann::json>
void for_each_subschema(Json& schema, Fn&& fn) {
  if (!schema.is_object()) return;
  auto visit_one = [&](const char* keyword) {
    auto it = schema.find(keyword);
    if (it != schema.end() && (it->is_object() || it->is_boolean())) {
      fn(*it, "/" + std::string(keyword));
    }
  };
  auto visit_list = [&](const char* keyword) {
    auto it = schema.find(keyword);
    if (it == schema.end() || !it->is_array()) return;
    for (std::size_t i = 0; i < it->size(); ++i) {
      fn((*it)[i], core::append_pointer("/" + std::string(keyword), i));
    }
  };
  auto visit_map = [&](const char* keyword) {
    auto it = schema.find(keyword);
    if (it == schema.end() || !it->is_object()) return;
    for (auto entry = it->begin(); entry != it->end(); ++entry) {
      if (entry->is_object() || entry->is_boolean()) {
        fn(entry.value(), core::append_pointer("/" + std::string(keyword), entry.key()));
      }
    }
  };
  for (const char* keyword : {"additionalProperties", "additionalItems", "contains",
                              "propertyNames", "not", "if", "then", "else"}) {
    visit_one(keyword);
  }
  for (const char* keyword : {"allOf", "anyOf", "oneOf"}) visit_list(keyword);
  for (const char* keyword : {"properties", "patternProperties", "definitions", "dependencies"}) {
    visit_map(keyword);
  }
  auto items = schema.find("items");
  if (items != schema.end()) {
    if (items->is_array()) {
      visit_list("items");
    } else {
      visit_one("items");
    }
  }
}

}  // namespace conform::spec
