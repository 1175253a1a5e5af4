#include "conform/spec/extensions.hpp"

namespace conform::spec {
namespace {

const nlohmann::json* extension(const Operation& operation,
                                std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = operation.extensions.find(name);
    if (it != operation.extensions.end()) return &*it;
  }
  return nullptr;
}

std::optional<std::string> string_extension(const Operation& operation, const char* name) {
  const auto* value = extension(operation, {name});
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

}  // namespace

std::optional<std::string> scope_of(const Operation& operation) {
  return string_extension(operation, "x-scope");
}

std::optional<std::string> permission_name_of(const Operation& operation) {
  return string_extension(operation, "x-permission");
}

std::optional<double> min_interval_of(const Operation& operation) {
  const auto* value = extension(operation, {"x-rate-limit", "x-rateLimit"});
  if (value == nullptr || !value->is_number() || value->get<double>() <= 0) return std::nullopt;
  return value->get<double>();
}

}  // namespace conform::spec
