#include "conform/spec/resources.hpp"

#include <algorithm>

#include "conform/core/json_pointer.hpp"

namespace conform::spec {
namespace {

std::string without_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// "/things/{id}" below "/things": the parameter name; nullopt otherwise.
std::optional<std::string> item_parameter_below(const std::string& collection,
                                                const std::string& path) {
  std::string base = without_trailing_slash(collection) + "/";
  std::string item = without_trailing_slash(path);
  if (item.rfind(base, 0) != 0) return std::nullopt;
  std::string rest = item.substr(base.size());
  if (rest.size() < 3 || rest.front() != '{' || rest.back() != '}') return std::nullopt;
  if (rest.find_first_of("{}/", 1) != rest.size() - 1) return std::nullopt;
  return rest.substr(1, rest.size() - 2);
}

}  // namespace

int Resource::planned_requests() const {
  // create, list, each use, a read after the first update, delete, each use again, delete
  // again; create again, the first use of the deleted identifier, delete.
  const bool updates = std::any_of(uses.begin(), uses.end(), [](const Operation* op) {
    return op->method == "put" || op->method == "patch";
  });
  return 1 + (list ? 1 : 0) + 2 * static_cast<int>(uses.size()) + (updates ? 1 : 0) + 2 + 2 +
         (uses.empty() ? 0 : 1);
}

std::optional<Resource> find_resource(const Spec& spec, const Operation& create) {
  if (create.method != "post") return std::nullopt;
  Resource resource;
  resource.create = &create;
  std::string collection = without_trailing_slash(create.path);
  for (const auto& op : spec.operations()) {
    if (without_trailing_slash(op.path) == collection && op.method == "get") resource.list = &op;
    auto parameter = item_parameter_below(create.path, op.path);
    if (!parameter) continue;
    if (!resource.item_parameter.empty() && resource.item_parameter != *parameter) continue;
    resource.item_parameter = *parameter;
    if (op.method == "delete") {
      resource.remove = &op;
    } else if (op.method == "get" || op.method == "put" || op.method == "patch") {
      resource.uses.push_back(&op);
    }
  }
  if (resource.remove == nullptr) return std::nullopt;
  return resource;
}

std::optional<nlohmann::json::json_pointer> identifier_location(const nlohmann::json& body,
                                                                const std::string& name,
                                                                bool any_value) {
  auto holds = [&](const nlohmann::json& value) {
    return any_value || identifier_text(value).has_value();
  };
  if (!body.is_object()) return std::nullopt;
  for (const auto& key : {name, std::string("id")}) {
    if (auto it = body.find(key); it != body.end() && holds(*it)) {
      return nlohmann::json::json_pointer("/" + core::escape_pointer_token(key));
    }
  }
  for (const auto& [outer, value] : body.items()) {
    if (!value.is_object()) continue;
    for (const auto& inner : {name, std::string("id")}) {
      if (auto it = value.find(inner); it != value.end() && holds(*it)) {
        return nlohmann::json::json_pointer("/" + core::escape_pointer_token(outer) + "/" +
                                            core::escape_pointer_token(inner));
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> created_identifier(const nlohmann::json& body, const std::string& name) {
  auto at = identifier_location(body, name);
  if (!at) return std::nullopt;
  return identifier_text(body.at(*at));
}

std::optional<std::string> identifier_text(const nlohmann::json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
    return value.get<std::string>();
  }
  return std::nullopt;
}

std::vector<Resource> find_resources(const Spec& spec) {
  std::vector<Resource> out;
  for (const Operation& op : spec.operations()) {
    if (auto resource = find_resource(spec, op)) out.push_back(std::move(*resource));
  }
  return out;
}

}  // namespace conform::spec
