#include "conform/engine/stateful.hpp"

#include <algorithm>

#include "conform/core/json.hpp"
#include "conform/engine/links.hpp"
#include "conform/gen/request.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/spec/resources.hpp"
#include "conform/transport/auth.hpp"

namespace conform::engine {
namespace {

bool mentions(const nlohmann::json& body, const std::string& name, const std::string& id) {
  if (body.is_object()) {
    for (const auto& key : {name, std::string("id")}) {
      auto it = body.find(key);
      if (it != body.end() && spec::identifier_text(*it) == id) return true;
    }
  }
  if (body.is_structured()) {
    for (const auto& item : body) {
      if (mentions(item, name, id)) return true;
    }
  }
  return false;
}

// Whether the list's declared 2XX answer holds an array (itself, or a member up to two levels
// down): only then does the description say the new item is listed in it.
bool lists_items(const StatefulContext& context, const spec::Operation& list) {
  for (const auto& response : list.responses) {
    if (response.status.empty() || response.status[0] != '2') continue;
    for (const auto& media : response.content) {
      if (!media.schema) continue;
      const nlohmann::json& document =
          context.schemas.standalone(*media.schema, spec::Direction::response);
      schema::Flattener flatten(document);
      auto holds_array = [&](const nlohmann::json& schema, int depth, auto& self) -> bool {
        const nlohmann::json* flat = flatten.try_flatten(schema);
        if (flat == nullptr || !flat->is_object()) return false;
        auto types = gen::type_names(*flat);
        if (std::find(types.begin(), types.end(), "array") != types.end() ||
            flat->contains("items")) {
          return true;
        }
        if (depth == 0) return false;
        auto properties = flat->find("properties");
        if (properties == flat->end() || !properties->is_object()) return false;
        for (const auto& [name, property] : properties->items()) {
          if (self(property, depth - 1, self)) return true;
        }
        return false;
      };
      if (holds_array(document, 2, holds_array)) return true;
    }
  }
  return false;
}

bool success(const transport::Exchange& exchange) {
  return exchange.response && exchange.response->status >= 200 && exchange.response->status < 300;
}

std::string status_of(const transport::Exchange& exchange) {
  return exchange.response ? std::to_string(exchange.response->status)
                           : std::string(transport::problem_name(exchange.problem));
}

}  // namespace

namespace {

// A stateful sequence's requests: sent through the run's session, counted and recorded in the
// phase's result.
class Sequence {
 public:
  Sequence(const StatefulContext& context, PhaseResult& result)
      : context_(context), result_(result) {}

  transport::Exchange send(const spec::Operation& op, const gen::Request& request,
                           bool cleanup = false) {
    auto exchange = context_.session.send(op, request, {}, cleanup);
    if (exchange.response) ++result_.sent;
    return exchange;
  }

  void fail(const checks::Failure& f, const spec::Operation& op, const gen::Request& request,
            const transport::Exchange& exchange, const std::string& why = {}) {
    const Session& session = context_.session;
    result_.failures.push_back({.check = f.check,
                                .message = f.message + " (" + op.operation_id + why + ")",
                                .pointer = f.pointer,
                                .status = exchange.response ? exchange.response->status : 0,
                                .curl = session.curl(request, session.credential(op)),
                                .case_summary = "stateful",
                                .response = session.excerpt(exchange)});
  }

  gen::Request valid_request(const spec::Operation& op) { return context_.valid_request(op); }

  bool enabled(const char* check) const { return context_.options.checks.contains(check); }

 private:
  const StatefulContext& context_;
  PhaseResult& result_;
};

}  // namespace

void run_lifecycle(const StatefulContext& context, const Resource& resource, PhaseResult& result) {
  Sequence sequence(context, result);
  auto send = [&](const spec::Operation& op, const gen::Request& request, bool cleanup = false) {
    return sequence.send(op, request, cleanup);
  };
  auto fail = [&](const checks::Failure& f, const spec::Operation& op, const gen::Request& request,
                  const transport::Exchange& exchange) { sequence.fail(f, op, request, exchange); };
  auto valid_request = [&](const spec::Operation& op) { return sequence.valid_request(op); };
  auto item_request = [&](const spec::Operation& op, const std::string& id) {
    gen::Request request = valid_request(op);
    request.path = gen::with_path_value(op.path, request.path, resource.item_parameter, id);
    return request;
  };
  auto enabled = [&](const char* check) { return sequence.enabled(check); };

  gen::Request create_request = valid_request(*resource.create);
  auto created = send(*resource.create, create_request);
  if (!success(created)) {
    result.not_tested = resource.create->operation_id + " answered " + status_of(created) +
                        " to a valid request; nothing to follow";
    return;
  }
  // The new item's identifier: in the answer's body, else in its Location header.
  auto identifier_of = [&](const transport::Response& response) -> std::optional<std::string> {
    auto found = spec::created_identifier(core::parse_json_or_discarded(response.body),
                                          resource.item_parameter);
    if (auto location = response.header("location"); !found && location) {
      // "/things/7" or "https://host/things/7": the item path's value, read against its template.
      std::string path = *location;
      if (auto scheme = path.find("://"); scheme != std::string::npos) {
        path = path.substr(std::min(path.size(), path.find('/', scheme + 3)));
      }
      auto values = gen::path_values(resource.remove->path, path.substr(0, path.find('?')));
      if (auto it = values.find(resource.item_parameter);
          it != values.end() && !it->second.empty()) {
        found = it->second;
      }
    }
    return found;
  };
  auto id = identifier_of(*created.response);
  if (!id) {
    result.not_tested = "the answer of " + resource.create->operation_id +
                        " carries no identifier ('" + resource.item_parameter +
                        "' or 'id' in its body, nor a Location header)";
    return;
  }

  if (resource.list != nullptr && enabled("resource_availability") &&
      !lists_items(context, *resource.list)) {
    result.notes.push_back(resource.list->operation_id +
                           " declares no array in its answer: the new item is not looked for in "
                           "the list");
  } else if (resource.list != nullptr && enabled("resource_availability")) {
    gen::Request request = context.plain_request(*resource.list);
    auto listed = send(*resource.list, request);
    if (success(listed)) {
      auto list_body = core::parse_json_or_discarded(listed.response->body);
      if (!mentions(list_body, resource.item_parameter, *id)) {
        fail({"resource_availability",
              "the resource just created (" + resource.item_parameter + " " + *id +
                  ") is not in the list",
              ""},
             *resource.list, request, listed);
      }
    }
  }
  for (const auto* use : resource.uses) {
    gen::Request request = item_request(*use, *id);
    auto answer = send(*use, request);
    if (!answer.response || !enabled("resource_availability")) continue;
    if (auto f = checks::resource_availability(*answer.response, use->operation_id)) {
      fail(*f, *use, request, answer);
    }
  }

  gen::Request delete_request = item_request(*resource.remove, *id);
  auto deleted = send(*resource.remove, delete_request, true);  // sent even after Ctrl-C
  if (!success(deleted)) {
    if (deleted.response && enabled("resource_availability")) {
      if (auto f =
              checks::resource_availability(*deleted.response, resource.remove->operation_id)) {
        fail(*f, *resource.remove, delete_request, deleted);
        return;
      }
    }
    result.not_tested = resource.remove->operation_id + " answered " + status_of(deleted) +
                        "; the resource may remain (" + resource.item_parameter + " " + *id + ")";
    return;
  }
  if (!enabled("use_after_delete")) return;
  for (const auto* use : resource.uses) {
    gen::Request request = item_request(*use, *id);
    auto answer = send(*use, request);
    if (!answer.response) continue;
    if (auto f = checks::use_after_delete(*answer.response, use->operation_id)) {
      fail(*f, *use, request, answer);
    }
  }
  auto again = send(*resource.remove, delete_request);
  if (again.response) {
    if (auto f = checks::use_after_delete(
            *again.response, "deleting again (" + resource.remove->operation_id + ")")) {
      fail(*f, *resource.remove, delete_request, again);
    }
  }

  // Create again: the deleted identifier stays gone and is not given to the new resource, where
  // a reference kept from before would reach something else.
  gen::Request recreate_request = valid_request(*resource.create);
  auto recreated = send(*resource.create, recreate_request);
  if (!success(recreated)) return;
  auto second = identifier_of(*recreated.response);
  if (!second) return;
  const std::string reused = *second == *id ? "; the new resource was given the deleted one's "
                                              "identifier (" +
                                                  resource.item_parameter + " " + *id + ")"
                                            : "";
  if (!resource.uses.empty()) {
    const spec::Operation& use = *resource.uses.front();
    gen::Request request = item_request(use, *id);
    auto answer = send(use, request);
    if (answer.response) {
      if (auto f = checks::use_after_delete(
              *answer.response,
              use.operation_id + " of the deleted identifier, after a new create")) {
        f->message += reused;
        fail(*f, use, request, answer);
      }
    }
  } else if (!reused.empty()) {
    fail({"use_after_delete", resource.create->operation_id + " after a delete" + reused, ""},
         *resource.create, recreate_request, recreated);
  }
  send(*resource.remove, item_request(*resource.remove, *second), true);  // sent even after Ctrl-C
}

int planned_link_requests(const spec::Operation& operation) {
  int links = 0;
  for (const auto& response : operation.responses) {
    if (response.status.front() == '2') links += static_cast<int>(response.links.size());
  }
  return links == 0 ? 0 : 1 + links;
}

void follow_links(const StatefulContext& context, const spec::Operation& operation,
                  PhaseResult& result) {
  if (planned_link_requests(operation) == 0) return;
  Sequence sequence(context, result);
  gen::Request request = sequence.valid_request(operation);
  auto answer = sequence.send(operation, request);
  if (!answer.response) {
    result.not_tested =
        operation.operation_id + " answered " + status_of(answer) + "; its links were not followed";
    return;
  }
  const spec::Response* declared = operation.find_response(answer.response->status);
  if (declared == nullptr || declared->links.empty()) {
    result.not_tested = operation.operation_id + " answered " + status_of(answer) +
                        ", for which it declares no links";
    return;
  }
  Exchanged from{operation, request, *answer.response,
                 context.transport.options().base_url + request.target()};
  // Links that read go first, then those that change, then those that delete: a link to the
  // resource's DELETE must not leave the others nothing to read.
  std::vector<std::pair<const spec::Link*, const spec::Operation*>> links;
  std::vector<std::string> not_followed;
  for (const auto& link : declared->links) {
    const auto* target = context.spec.find_operation(link.operation_id);
    if (target == nullptr) continue;
    if (!context.options.may_call(*target)) {
      not_followed.push_back("link '" + link.name + "' not followed: " + target->operation_id +
                             " is not in the selection");
      continue;
    }
    links.emplace_back(&link, target);
  }
  auto rank = [](const spec::Operation* op) {
    if (op->method == "get" || op->method == "head" || op->method == "options") return 0;
    return op->method == "delete" ? 2 : 1;
  };
  std::stable_sort(links.begin(), links.end(),
                   [&](const auto& a, const auto& b) { return rank(a.second) < rank(b.second); });
  for (const auto& [link_pointer, target] : links) {
    const spec::Link& link = *link_pointer;
    auto built = linked_request(*target, sequence.valid_request(*target), link, from);
    if (auto* why = std::get_if<std::string>(&built)) {
      not_followed.push_back(*why);
      continue;
    }
    const auto& linked = std::get<gen::Request>(built);
    // The values a link reads make the request; an answer may hold values (an empty name) that
    // make no valid request of the target, and then there is nothing to hold the server to.
    if (auto why = gen::not_valid_for(context.spec, context.schemas, *target, linked)) {
      not_followed.push_back("link '" + link.name + "' not followed: its values make no valid " +
                             "request of " + target->operation_id + " (" + *why + ")");
      continue;
    }
    auto reply = sequence.send(*target, linked);
    if (!reply.response) continue;
    gen::RequestCase sent{linked, "stateful", false, "", "", "by link '" + link.name + "'"};
    for (const auto& f : context.check(*target, sent, *reply.response)) {
      sequence.fail(f, *target, linked, reply,
                    ", by link '" + link.name + "' of " + operation.operation_id);
    }
  }
  if (!not_followed.empty() && result.failures.empty() && result.sent <= 1) {
    result.not_tested = not_followed.front();
  }
  for (auto& why : not_followed) result.notes.push_back(std::move(why));
}

}  // namespace conform::engine
