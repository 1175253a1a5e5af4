#include "conform/engine/stateful.hpp"

#include "../phase.hpp"

namespace conform::engine {
namespace {

// The resource whose create/delete sequence the stateful phase runs, when its checks are on.
std::optional<Resource> lifecycle_resource(const Engine::Impl& e, const spec::Operation& op) {
  const auto& checks = e.options.checks;
  if (!checks.contains("use_after_delete") && !checks.contains("resource_availability") &&
      !checks.contains("update_reflected")) {
    return std::nullopt;
  }
  auto resource = find_resource(e.spec, op);
  // Only what the selection allows is called: without its DELETE the resource would be left
  // behind, so there is no lifecycle; a list or a use left out is not checked.
  if (!resource || !e.options.may_call(*resource->remove)) return std::nullopt;
  if (resource->list != nullptr && !e.options.may_call(*resource->list)) {
    resource->list = nullptr;
  }
  std::erase_if(resource->uses,
                [&](const spec::Operation* use) { return !e.options.may_call(*use); });
  return resource;
}

void run_stateful(Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
  StatefulContext context{
      e.spec,
      e.schemas,
      e.transport,
      e.options,
      e.session,
      [&e](const spec::Operation& o) { return e.valid_case(o).request; },
      [&e](const spec::Operation& o) {
        auto plain = e.cases_for(o).minimal();
        return plain ? plain->request : e.valid_case(o).request;
      },
      [&e](const spec::Operation& o, const gen::RequestCase& sent,
           const transport::Response& response) { return e.check(o, sent, response); }};
  if (auto resource = lifecycle_resource(e, op)) {
    run_lifecycle(context, *resource, result);
  } else if (auto whole = find_resource(e.spec, op); whole && !e.options.may_call(*whole->remove)) {
    result.notes.push_back("no create/delete lifecycle: it needs " + whole->remove->operation_id +
                           ", which the selection leaves out (what it creates would stay)");
  }
  follow_links(context, op, result);
}

}  // namespace

const PhaseRow& stateful_phase() {
  static const PhaseRow row = {
      {"stateful", "create, use, delete and use again a resource; the answers' links followed"},
      [](Engine::Impl& e, const spec::Operation& op) {
        auto resource = lifecycle_resource(e, op);
        return (resource ? resource->planned_requests() : 0) +
               planned_link_requests(e.spec, e.options, op);
      },
      run_stateful};
  return row;
}

}  // namespace conform::engine
