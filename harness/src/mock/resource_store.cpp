#include "conform/mock/resource_store.hpp"

#include "conform/gen/request.hpp"
#include "conform/spec/media_type.hpp"
#include "make_room.hpp"

namespace conform::mock {
namespace {

// The operation's first 2XX response (its status as a number), if it declares one.
const spec::Response* success_response(const spec::Operation& operation, int& status) {
  status = 200;
  for (const auto& response : operation.responses) {
    if (response.status.size() == 3 && response.status[0] == '2') {
      if (std::isdigit(static_cast<unsigned char>(response.status[1]))) {
        status = std::stoi(response.status);
      }
      return &response;
    }
  }
  return nullptr;
}

// The JSON schema of a response's body, when it has one.
std::optional<spec::SchemaId> json_schema(const spec::Response* response) {
  if (response == nullptr) return std::nullopt;
  for (const auto& media : response->content) {
    if (media.schema &&
        (spec::is_json_media_type(media.name) || media.name.find('*') != std::string::npos)) {
      return media.schema;
    }
  }
  return std::nullopt;
}

std::string uuid_like(std::int64_t n) {
  char text[40];
  std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(n));
  return text;
}

}  // namespace

ResourceStore::ResourceStore(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                             const Faults& faults, Generate generate, std::size_t max_kept)
    : spec_(spec),
      schemas_(schemas),
      faults_(faults),
      generate_(std::move(generate)),
      max_kept_(std::max<std::size_t>(1, max_kept)),
      resources_(spec::find_resources(spec)) {
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    const spec::Resource& r = resources_[i];
    roles_.try_emplace(r.create, i, Role::create);
    if (r.list != nullptr) roles_.try_emplace(r.list, i, Role::list);
    roles_.try_emplace(r.remove, i, Role::remove);
    for (const auto* use : r.uses) {
      roles_.try_emplace(use, i, use->method == "get" ? Role::read : Role::update);
    }
  }
}

bool ResourceStore::valid(spec::SchemaId schema, const nlohmann::json& value) const {
  return schemas_.accepts(schema, spec::Direction::response, value);
}

std::optional<StoreReply> ResourceStore::handle(const spec::Operation& operation,
                                                const std::string& path,
                                                const gen::ReadRequest& request) {
  auto found = roles_.find(&operation);
  if (found == roles_.end()) return std::nullopt;
  auto [index, role] = found->second;
  const spec::Resource& resource = resources_[index];
  std::lock_guard lock(mutex_);
  std::string key = resource.remove->path;
  while (key.size() > 1 && key.back() == '/') key.pop_back();
  Kept& kept = kept_[key];
  if (role == Role::create) return create(resource, path, request, kept);
  if (role == Role::list) return list(operation, kept);

  auto value = request.parameters.find(resource.item_parameter);
  if (value == request.parameters.end()) return std::nullopt;
  const std::string id = gen::parameter_text(value->second);
  if (kept.deleted.contains(id)) {
    return StoreReply{404, std::nullopt, {}, resource.item_parameter + " " + id + " was deleted"};
  }
  auto item = kept.items.find(id);
  if (item == kept.items.end()) return std::nullopt;  // not one the mock made: answered as usual

  if (role == Role::read && faults_.contains(Fault::resource_unavailable)) {
    return StoreReply{404, std::nullopt, {}, resource.item_parameter + " " + id + " is not known"};
  }
  if (role == Role::update && request.body.is_object() &&
      !faults_.contains(Fault::ignores_updates)) {
    int status = 0;
    auto schema = json_schema(success_response(*resource.create, status));
    for (const auto& [name, member] : request.body.items()) {
      nlohmann::json changed = item->second;
      changed[name] = member;
      if (!schema || valid(*schema, changed)) item->second = std::move(changed);
    }
  }
  StoreReply reply;
  reply.body = answer_body(operation, item->second, reply.status);
  if (role == Role::remove && !faults_.contains(Fault::delete_does_not_delete)) {
    kept.items.erase(item);
    std::erase(kept.order, id);
    make_room(kept.deletion_order, max_kept_,
              [&](const std::string& old) { kept.deleted.erase(old); });
    kept.deleted.insert(id);
    kept.deletion_order.push_back(id);
  }
  return reply;
}

StoreReply ResourceStore::create(const spec::Resource& resource, const std::string& path,
                                 const gen::ReadRequest& request, Kept& kept) {
  int status = 200;
  const spec::Response* declared = success_response(*resource.create, status);
  auto schema = json_schema(declared);
  const std::int64_t n = ++kept.next;
  nlohmann::json item = nlohmann::json::object();
  const std::string salt = resource.create->operation_id + "#" + std::to_string(n);
  if (schema) item = generate_(*schema, salt);
  // An answer that is one of several kinds (Stripe's card, bank account or source) is drawn again
  // until it is a kind its collection's list can hold, so that the item is listed; a resource
  // whose list held none of the first draws is not drawn again for.
  if (schema && resource.list != nullptr && !kept.unlistable) {
    const std::string listed_as = std::to_string(1000 + n);
    bool listed = list_body(*resource.list, {{listed_as, item}}).has_value();
    for (int attempt = 1; attempt < 32 && !listed; ++attempt) {
      item = generate_(*schema, salt + "." + std::to_string(attempt));
      listed = list_body(*resource.list, {{listed_as, item}}).has_value();
    }
    kept.unlistable = !listed;
  }
  // The request's members where the answer has them, as far as the schema allows.
  if (item.is_object() && request.body.is_object()) {
    for (const auto& [name, member] : request.body.items()) {
      if (!item.contains(name)) continue;
      nlohmann::json changed = item;
      changed[name] = member;
      if (!schema || valid(*schema, changed)) item = std::move(changed);
    }
  }
  // A fresh identifier where spec::created_identifier reads one: the member the item path names
  // (else `id`) at the top of the answer or in one nested object; of the type the answer has
  // there; the generated value when no fresh one fits the schema.
  std::string id = std::to_string(1000 + n);
  // The same place the run reads it from: where an identifier is, else where one could be.
  auto location = spec::identifier_location(item, resource.item_parameter);
  if (!location) location = spec::identifier_location(item, resource.item_parameter, true);
  const bool found = location.has_value();
  const nlohmann::json::json_pointer at = location.value_or(nlohmann::json::json_pointer());
  if (found) {
    const nlohmann::json current = item[at];
    std::vector<nlohmann::json> candidates;
    if (current.is_number_integer()) candidates.emplace_back(1000 + n);
    if (current.is_string()) {
      candidates.emplace_back(uuid_like(n));
      candidates.emplace_back("item-" + std::to_string(n));
    }
    candidates.push_back(current);
    for (const auto& candidate : candidates) {
      nlohmann::json changed = item;
      changed[at] = candidate;
      auto text = spec::identifier_text(candidate);
      if (!text || kept.items.contains(*text) || kept.deleted.contains(*text)) continue;
      if (schema && !valid(*schema, changed)) continue;
      item = std::move(changed);
      id = *text;
      break;
    }
  }
  make_room(kept.order, max_kept_, [&](const std::string& old) { kept.items.erase(old); });
  kept.items[id] = item;
  kept.order.push_back(id);
  if (faults_.contains(Fault::resource_unavailable)) {
    kept.items.erase(id);
    std::erase(kept.order, id);
  }

  StoreReply reply;
  reply.status = status;
  if (declared != nullptr && !declared->content.empty()) reply.body = item;
  std::string base = path;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  bool slash = !resource.remove->path.empty() && resource.remove->path.back() == '/';
  reply.headers["Location"] = base + "/" + gen::percent_encode(id) + (slash ? "/" : "");
  return reply;
}

std::optional<StoreReply> ResourceStore::list(const spec::Operation& operation, const Kept& kept) {
  if (kept.order.empty()) return std::nullopt;
  std::vector<std::pair<std::string, nlohmann::json>> items;
  for (const auto& id : kept.order) items.emplace_back(id, kept.items.at(id));
  return list_body(operation, items);
}

std::optional<StoreReply> ResourceStore::list_body(
    const spec::Operation& operation,
    const std::vector<std::pair<std::string, nlohmann::json>>& kept_items) const {
  int status = 200;
  auto schema = json_schema(success_response(operation, status));
  if (!schema) return std::nullopt;
  // The kept answers, or the objects inside them that hold the identifiers, as the list's items.
  for (std::size_t view = 0; view < 2; ++view) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& [id, item] : kept_items) {
      auto shown = views(item);
      items.push_back(with_identifier(shown[std::min(view, shown.size() - 1)], id));
    }
    if (valid(*schema, items)) return StoreReply{status, items, {}, ""};
    // A page object: the items in its first array member that takes them.
    nlohmann::json page = generate_(*schema, operation.operation_id + "#list");
    if (!page.is_object()) continue;
    for (auto& [name, member] : page.items()) {
      if (!member.is_array()) continue;
      nlohmann::json changed = page;
      changed[name] = items;
      if (valid(*schema, changed)) return StoreReply{status, changed, {}, ""};
    }
  }
  return std::nullopt;
}

nlohmann::json ResourceStore::with_identifier(nlohmann::json item, const std::string& id) const {
  // The identifier the mock gave out (in Location) where a listed item names it, when the
  // answer it kept does not carry it ({"success": true, "result": 7}).
  if (!item.is_object() || item.contains("id")) return item;
  bool digits = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
  item["id"] = digits ? nlohmann::json(std::stoll(id)) : nlohmann::json(id);
  return item;
}

std::vector<nlohmann::json> ResourceStore::views(const nlohmann::json& kept_answer) const {
  std::vector<nlohmann::json> out = {kept_answer};
  if (!kept_answer.is_object()) return out;
  for (const auto& [name, member] : kept_answer.items()) {
    if (member.is_object() && !member.empty()) {
      out.push_back(member);
      break;
    }
  }
  return out;
}

std::optional<nlohmann::json> ResourceStore::answer_body(const spec::Operation& operation,
                                                         const nlohmann::json& item, int& status) {
  const spec::Response* declared = success_response(operation, status);
  if (declared == nullptr || declared->content.empty()) return std::nullopt;
  auto schema = json_schema(declared);
  if (!schema) return item;
  for (const auto& view : views(item)) {
    if (valid(*schema, view)) return view;
  }
  return generate_(*schema, operation.operation_id);
}

}  // namespace conform::mock
