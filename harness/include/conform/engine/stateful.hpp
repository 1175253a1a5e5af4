#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conform/engine/engine.hpp"

namespace conform::engine {

// A resource a description lets a client create and delete: a POST on a collection path, and
// operations on the item path below it (`/things/` → `/things/{id}/`). Inferred from the paths.
struct Resource {
  const spec::Operation* create = nullptr;   // POST on the collection
  const spec::Operation* list = nullptr;     // GET on the collection, if any
  const spec::Operation* remove = nullptr;   // DELETE on the item
  std::vector<const spec::Operation*> uses;  // GET, PUT, PATCH on the item
  std::string item_parameter;                // the item path's one parameter

  // create, list, each use, delete, each use again, delete again
  int planned_requests() const;
};

// The resource `create` makes, when it is a POST with a deletable item path below its path.
std::optional<Resource> find_resource(const spec::Spec& spec, const spec::Operation& create);

struct StatefulContext {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  transport::Transport& transport;
  const RunOptions& options;
  // The operation's first example, else one generated valid request.
  std::function<gen::Request(const spec::Operation&)> valid_request;
  // The run's per-response checks over one answer.
  std::function<std::vector<checks::Failure>(const spec::Operation&, const gen::RequestCase&,
                                             const transport::Response&)>
      check;
};

// create → found (listed, usable) → delete → gone (uses and a second delete get 404/410).
// The resource is deleted at the end whatever happened.
void run_lifecycle(const StatefulContext& context, const Resource& resource, PhaseResult& result);

// Requests follow_links sends for `operation`: one, and one per link of its 2XX responses;
// 0 when it declares no links.
int planned_link_requests(const spec::Operation& operation);

// OpenAPI links: a valid request of `operation`, then for each link of the response it got, the
// linked operation called with the values the link reads from that exchange; the linked answers
// go through the run's per-response checks.
void follow_links(const StatefulContext& context, const spec::Operation& operation,
                  PhaseResult& result);

// The identifier a create answer carries: `name` (or `id`) at the top of the body or inside one
// nested object. Exposed for tests.
std::optional<std::string> created_identifier(const nlohmann::json& body, const std::string& name);

}  // namespace conform::engine
