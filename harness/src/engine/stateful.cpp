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

// The object inside `body` that holds the identifier (`name` or `id` equal to `id`), if any.
const nlohmann::json* item_with(const nlohmann::json& body, const std::string& name,
                                const std::string& id) {
  if (body.is_object()) {
    for (const auto& key : {name, std::string("id")}) {
      auto it = body.find(key);
      if (it != body.end() && spec::identifier_text(*it) == id) return &body;
    }
  }
  if (body.is_structured()) {
    for (const auto& member : body) {
      if (const auto* found = item_with(member, name, id)) return found;
    }
  }
  return nullptr;
}

bool is_update(const spec::Operation& op) { return op.method == "put" || op.method == "patch"; }

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
    result_.failures.push_back(
        {.check = f.check,
         .message = f.message + " (" + op.operation_id + why + ")",
         .pointer = f.pointer,
         .status = exchange.response ? exchange.response->status : 0,
         .curl = session.curl(request, session.credential(op)),
         .case_summary = "stateful",
         .response = session.excerpt(exchange),
         .reason = f.reason.empty() ? "" : f.reason + " (" + op.operation_id + ")",
         .schema_location = f.schema_location});
  }

  gen::Request valid_request(const spec::Operation& op) { return context_.valid_request(op); }

  bool enabled(const char* check) const { return context_.options.checks.contains(check); }

  void note(std::string text) { result_.notes.push_back(std::move(text)); }

  void followed(const spec::Operation& from, const std::string& link) {
    result_.links_followed[from.operation_id].insert(link);
  }

 private:
  const StatefulContext& context_;
  PhaseResult& result_;
};

}  // namespace

namespace {

// After `update` (sent with `sent`) succeeded: the item read again, by its GET, else in its
// collection's list, must show what the update changed (checks::update_reflected).
void read_back(const StatefulContext& context, Sequence& sequence, const Resource& resource,
               const std::string& id, const gen::Request& created, const spec::Operation& update,
               const gen::Request& sent) {
  auto body_of = [](const gen::Request& request) {
    return request.body ? core::parse_json_or_discarded(*request.body)
                        : nlohmann::json(nlohmann::json::value_t::discarded);
  };
  const nlohmann::json before = body_of(created);
  const nlohmann::json changes = body_of(sent);
  if (!before.is_object() || !changes.is_object()) return;
  const spec::Operation* read = nullptr;
  for (const auto* use : resource.uses) {
    if (use->method == "get") read = use;
  }
  gen::Request request;
  if (read != nullptr) {
    request = context.valid_request(*read);
    request.path = gen::with_path_value(read->path, request.path, resource.item_parameter, id);
  } else if (resource.list != nullptr && lists_items(context, *resource.list)) {
    read = resource.list;
    request = context.plain_request(*read);
  } else {
    sequence.note(update.operation_id + " was not read back: the resource has no GET of its " +
                  "item and no list");
    return;
  }
  auto answer = sequence.send(*read, request);
  if (!success(answer)) return;
  const nlohmann::json body = core::parse_json_or_discarded(answer.response->body);
  const nlohmann::json* item = read == resource.list ? item_with(body, resource.item_parameter, id)
                                                     : (body.is_discarded() ? nullptr : &body);
  if (item == nullptr) return;
  auto judged = checks::update_reflected(before, changes, *item,
                                         read->operation_id + " after " + update.operation_id);
  if (judged.failure) {
    sequence.fail(*judged.failure, *read, request, answer);
    return;
  }
  for (const auto& lost : judged.lost) {
    sequence.note(read->operation_id + " after " + update.operation_id + ": " + lost);
  }
}

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
      if (item_with(list_body, resource.item_parameter, *id) == nullptr) {
        fail({"resource_availability",
              "the resource just created (" + resource.item_parameter + " " + *id +
                  ") is not in the list",
              ""},
             *resource.list, request, listed);
      }
    }
  }
  std::optional<std::pair<const spec::Operation*, gen::Request>> updated;
  for (const auto* use : resource.uses) {
    gen::Request request = item_request(*use, *id);
    auto answer = send(*use, request);
    if (!answer.response) continue;
    // 202 says the change is still to come: nothing to read back yet.
    const int status = answer.response->status;
    if (!updated && is_update(*use) && (status == 200 || status == 201 || status == 204)) {
      updated.emplace(use, request);
    }
    if (!enabled("resource_availability")) continue;
    if (auto f = checks::resource_availability(*answer.response, use->operation_id)) {
      fail(*f, *use, request, answer);
    }
  }
  if (updated && enabled("update_reflected")) {
    read_back(context, sequence, resource, *id, create_request, *updated->first, updated->second);
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

namespace {

// The operations `operation`'s 2XX links lead to that the run may call.
std::vector<const spec::Operation*> callable_targets(const spec::Spec& spec,
                                                     const RunOptions& options,
                                                     const spec::Operation& operation) {
  std::vector<const spec::Operation*> targets;
  for (const auto* link : operation.success_links()) {
    const auto* target = spec.find_operation(link->operation_id);
    if (target != nullptr && options.may_call(*target)) targets.push_back(target);
  }
  return targets;
}

std::string outside_selection(const spec::Link& link, const spec::Operation& target) {
  return "link '" + link.name + "' not followed: " + target.operation_id +
         " is not in the selection";
}

// Requests the links below `operation` may lead to, `depth` links deep at most.
int linked_requests(const spec::Spec& spec, const RunOptions& options,
                    const spec::Operation& operation, int depth) {
  if (depth <= 0) return 0;
  int total = 0;
  for (const auto* target : callable_targets(spec, options, operation)) {
    total += 1 + linked_requests(spec, options, *target, depth - 1);
  }
  return total;
}

bool declares_links(const spec::Operation& operation) { return !operation.success_links().empty(); }

// 0 for reads, 1 for what changes, 2 for what deletes: the order links are followed in, so that
// a link to the resource's DELETE does not leave the others nothing to read.
int link_order(const spec::Operation& op) {
  if (op.method == "get" || op.method == "head" || op.method == "options") return 0;
  return op.method == "delete" ? 2 : 1;
}

// One chain of links followed from an operation's answer: every link of each answer, to the
// depth the run allows, reads before changes; what deletes waits until the rest is done.
class LinkWalk {
 public:
  LinkWalk(const StatefulContext& context, PhaseResult& result)
      : context_(context), sequence_(context, result) {}

  Sequence& sequence() { return sequence_; }

  // The links declared for the answer `from` got, followed `depth` deep; `trail` says how the
  // exchange was reached ("" for the first).
  void follow(const Exchanged& from, int depth, const std::string& trail) {
    const spec::Response* declared = from.operation.find_response(from.response.status);
    if (declared == nullptr || declared->links.empty() || depth <= 0) return;
    std::vector<std::pair<const spec::Link*, const spec::Operation*>> links;
    for (const auto& link : declared->links) {
      const auto* target = context_.spec.find_operation(link.operation_id);
      if (target == nullptr) continue;
      if (!context_.options.may_call(*target)) {
        not_followed_.push_back(outside_selection(link, *target));
        continue;
      }
      links.emplace_back(&link, target);
    }
    std::stable_sort(links.begin(), links.end(), [](const auto& a, const auto& b) {
      return link_order(*a.second) < link_order(*b.second);
    });
    for (const auto& [link_pointer, target] : links) {
      const spec::Link& link = *link_pointer;
      auto built = linked_request(*target, sequence_.valid_request(*target), link, from);
      if (auto* why = std::get_if<std::string>(&built)) {
        not_followed_.push_back(*why);
        continue;
      }
      auto& linked = std::get<gen::Request>(built);
      // The values a link reads make the request; an answer may hold values (an empty name) that
      // make no valid request of the target, and then there is nothing to hold the server to.
      if (auto why = gen::not_valid_for(context_.spec, context_.schemas, *target, linked)) {
        not_followed_.push_back("link '" + link.name + "' not followed: its values make no " +
                                "valid request of " + target->operation_id + " (" + *why + ")");
        continue;
      }
      std::string how = ", by link '" + link.name + "' of " + from.operation.operation_id;
      if (!trail.empty()) how += ", reached" + trail.substr(1);
      Step step{target, std::move(linked), how, depth - 1, &from.operation, link.name};
      if (link_order(*target) == 2) {
        // The same DELETE through two links is sent once: the second would find nothing. Both
        // links are followed by it.
        auto same = std::find_if(deletes_.begin(), deletes_.end(), [&](const Step& d) {
          return d.target == step.target && d.request.target() == step.request.target();
        });
        if (same == deletes_.end()) {
          deletes_.push_back(std::move(step));
        } else {
          same->also.emplace_back(step.source, step.link);
        }
        continue;
      }
      take(step);
    }
  }

  // The deletes the walk put off, each with the links of its own answer.
  void finish() {
    while (!deletes_.empty()) {
      Step step = std::move(deletes_.front());
      deletes_.erase(deletes_.begin());
      take(step);
    }
  }

  std::vector<std::string>& not_followed() { return not_followed_; }

 private:
  struct Step {
    const spec::Operation* target;
    gen::Request request;
    std::string how;  // ", by link 'L' of op[, reached by ...]"
    int depth_left;
    const spec::Operation* source;  // whose response declares the link
    std::string link;
    // Other links that lead to the same request (a DELETE reached twice), followed by it too.
    std::vector<std::pair<const spec::Operation*, std::string>> also{};
  };

  void take(const Step& step) {
    auto reply = sequence_.send(*step.target, step.request);
    if (!reply.response) return;
    sequence_.followed(*step.source, step.link);
    for (const auto& [source, link] : step.also) sequence_.followed(*source, link);
    gen::RequestCase sent{step.request, "stateful", false, "", "", step.how.substr(2)};
    for (const auto& f : context_.check(*step.target, sent, *reply.response)) {
      sequence_.fail(f, *step.target, step.request, reply, step.how);
    }
    if (step.depth_left <= 0 || reply.response->status < 200 || reply.response->status >= 300) {
      return;
    }
    Exchanged next{*step.target, step.request, *reply.response,
                   context_.transport.options().base_url + step.request.target()};
    follow(next, step.depth_left, step.how);
  }

  const StatefulContext& context_;
  Sequence sequence_;
  std::vector<Step> deletes_;
  std::vector<std::string> not_followed_;
};

}  // namespace

int planned_link_requests(const spec::Spec& spec, const RunOptions& options,
                          const spec::Operation& operation) {
  if (!declares_links(operation)) return 0;
  // Links only to operations outside the selection: no request, a test that says so.
  return 1 + linked_requests(spec, options, operation, options.max_link_depth);
}

void follow_links(const StatefulContext& context, const spec::Operation& operation,
                  PhaseResult& result) {
  if (!declares_links(operation)) return;
  if (linked_requests(context.spec, context.options, operation, 1) == 0) {
    for (const auto* link : operation.success_links()) {
      if (const auto* target = context.spec.find_operation(link->operation_id)) {
        result.notes.push_back(outside_selection(*link, *target));
      }
    }
    if (result.not_tested.empty() && !result.notes.empty()) {
      result.not_tested = result.notes.back();
    }
    return;
  }
  LinkWalk walk(context, result);
  gen::Request request = walk.sequence().valid_request(operation);
  auto answer = walk.sequence().send(operation, request);
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
  walk.follow(from, context.options.max_link_depth, "");
  walk.finish();
  auto& not_followed = walk.not_followed();
  if (!not_followed.empty() && result.failures.empty() && result.sent <= 1) {
    result.not_tested = not_followed.front();
  }
  for (auto& why : not_followed) result.notes.push_back(std::move(why));
}

}  // namespace conform::engine
