#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::spec {

// A resource a description lets a client create and delete: a POST on a collection path, and
// operations on the item path below it (`/things/` → `/things/{id}/`). Inferred from the paths;
// the run's stateful phase and the mock's generic state read descriptions alike through it.
struct Resource {
  const Operation* create = nullptr;   // POST on the collection
  const Operation* list = nullptr;     // GET on the collection, if any
  const Operation* remove = nullptr;   // DELETE on the item
  std::vector<const Operation*> uses;  // GET, PUT, PATCH on the item
  std::string item_parameter;          // the item path's one parameter

  // create, list, each use, a read after the first update, delete, each use again, delete again,
  // create again, a use of the deleted identifier, delete: at most
  int planned_requests() const;
};

// The resource `create` makes, when it is a POST with a deletable item path below its path.
std::optional<Resource> find_resource(const Spec& spec, const Operation& create);

// Every resource of the description, one per create operation.
std::vector<Resource> find_resources(const Spec& spec);

// An identifier value as text: an integer, or a string that is not empty.
std::optional<std::string> identifier_text(const nlohmann::json& value);

// Where a create answer carries its identifier: `name` (else `id`) at the top of the body, else
// either inside one nested object (the first such member); with `any_value`, a member that is
// there counts even when it holds no identifier yet (where the mock writes a fresh one).
std::optional<nlohmann::json::json_pointer> identifier_location(const nlohmann::json& body,
                                                                const std::string& name,
                                                                bool any_value = false);

// The identifier a create answer carries, read at identifier_location.
std::optional<std::string> created_identifier(const nlohmann::json& body, const std::string& name);

}  // namespace conform::spec
