#include "conform/mock/account_api.hpp"

#include <set>

#include "conform/gen/values.hpp"
#include "conform/permission/permission.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::mock {
namespace {

constexpr std::int64_t kUserId = 4001;

const std::set<std::string>& handled_endpoints() {
  static const std::set<std::string> names = {
      "api.apikey.list",   "api.apikey.create",  "api.apikey.delete",        "api.user.show",
      "api.ssh_key.list",  "api.ssh_key.create", "api.ssh_key.update",       "api.ssh_key.delete",
      "api.secret.list",   "api.secret.create",  "api.secret.update",        "api.secret.delete",
      "api.instance.list", "api.instance.show",  "api.instance.request_logs"};
  return names;
}

Reply error(int status, const std::string& code, const std::string& message) {
  return {status, {{"success", false}, {"error", code}, {"msg", message}}};
}

Reply success(std::string message = {}) {
  nlohmann::json body = {{"success", true}};
  if (!message.empty()) body["msg"] = std::move(message);
  return {200, std::move(body)};
}

std::int64_t id_parameter(const gen::ReadRequest& request) {
  auto it = request.parameters.find("id");
  return it != request.parameters.end() && it->second.is_number_integer()
             ? it->second.get<std::int64_t>()
             : 0;
}

std::string body_string(const gen::ReadRequest& request, const char* name) {
  if (!request.body.is_object()) return {};
  auto it = request.body.find(name);
  return it != request.body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Members emplaced one by one: an initializer list copies each value twice more, and the list of
// SSH keys, the mock's busiest answer, took 0.9 µs a key that way against 0.3.
nlohmann::json ssh_key_json(const SshKeyRecord& key) {
  nlohmann::json out(nlohmann::json::value_t::object);
  auto& members = out.get_ref<nlohmann::json::object_t&>();
  members.emplace("id", key.id);
  members.emplace("user_id", kUserId);
  members.emplace("key", key.key);
  members.emplace("created_at", key.created_at);
  members.emplace("deleted_at", nullptr);
  return out;
}

// Instances are not created through the account area, so the account has a fixed few.
std::vector<nlohmann::json> fixed_instances() {
  auto instance = [](std::int64_t id, std::int64_t machine, const char* status, const char* gpu,
                     int gpus, double price, const char* label) {
    return nlohmann::json{{"id", id},
                          {"machine_id", machine},
                          {"actual_status", status},
                          {"intended_status", "running"},
                          {"gpu_name", gpu},
                          {"num_gpus", gpus},
                          {"dph_total", price},
                          {"label", label},
                          {"ssh_host", "ssh4.example.net"},
                          {"ssh_port", 20000 + id},
                          {"start_date", 1767225600.0}};
  };
  return {instance(1, 31, "running", "RTX 4090", 1, 0.42, "train"),
          instance(2, 31, "loading", "RTX 4090", 2, 0.84, "eval"),
          instance(1227, 77, "exited", "H100 SXM", 8, 19.6, "batch")};
}

// What the fault permission_not_round_tripped lists instead of the document a key was made with.
nlohmann::json garbled(const nlohmann::json& permissions) {
  nlohmann::json out = permissions;
  if (!out.is_object() || !out.contains("api") || !out["api"].is_object()) return out;
  auto& api = out["api"];
  for (auto& [category, grant] : api.items()) {
    if (!grant.is_object()) continue;
    for (auto& [endpoint, node] : grant.items()) {
      if (node.is_object()) node.erase("constraints");
    }
  }
  if (api.size() > 1) api.erase(std::prev(api.end()).key());
  return out;
}

}  // namespace

AccountApi::AccountApi(const spec::Spec& spec, const schema::SpecSchemas& schemas, Account& account,
                       const Faults& faults)
    : spec_(spec),
      schemas_(schemas),
      account_(account),
      faults_(faults),
      instances_(fixed_instances()) {}

bool AccountApi::handles(const spec::Operation& operation) const {
  auto name = spec::permission_name_of(operation);
  return name && handled_endpoints().contains(*name);
}

std::vector<std::string> AccountApi::constrainable_names(const spec::Operation& operation) const {
  std::vector<std::string> names;
  for (const auto& p : operation.parameters) names.push_back(p.name);
  if (!operation.request_body) return names;
  for (const auto& media : operation.request_body->content) {
    if (!media.schema || !spec::is_json_media_type(media.name)) continue;
    const auto& document = schemas_.standalone(*media.schema, spec::Direction::request);
    schema::Flattener flatten(document);
    const nlohmann::json* flat = flatten.try_flatten(document);
    if (flat == nullptr || !flat->is_object() || !flat->contains("properties")) continue;
    for (const auto& [name, schema] : (*flat)["properties"].items()) names.push_back(name);
  }
  return names;
}

Reply AccountApi::handle(const spec::Operation& operation, const Identity& identity,
                         const gen::ReadRequest& request) {
  const std::string name = *spec::permission_name_of(operation);
  const bool forgets = faults_.contains(Fault::resource_unavailable);
  const bool keeps_deleted = faults_.contains(Fault::delete_does_not_delete);
  const std::int64_t id = id_parameter(request);

  if (name == "api.apikey.list") return list_keys();
  if (name == "api.apikey.create") return create_key(identity, request);
  if (name == "api.apikey.delete") {
    bool exists = false;
    for (const auto& key : account_.keys()) exists = exists || key.id == id;
    if (!exists) return error(404, "not_found", "no API key " + std::to_string(id));
    if (!keeps_deleted) account_.delete_key(id);
    return success("API key deleted");
  }
  if (name == "api.user.show") return show_user(identity);

  if (name == "api.ssh_key.list") {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : account_.ssh_keys()) keys.push_back(ssh_key_json(key));
    return {200, std::move(keys)};
  }
  if (name == "api.ssh_key.create") {
    SshKeyRecord key = account_.add_ssh_key(body_string(request, "ssh_key"));
    if (forgets) account_.delete_ssh_key(key.id);
    nlohmann::json body(nlohmann::json::value_t::object);
    body["success"] = true;
    body["key"] = ssh_key_json(key);
    return {200, std::move(body)};
  }
  if (name == "api.ssh_key.update") {
    std::optional<SshKeyRecord> key;
    if (faults_.contains(Fault::ignores_updates)) {
      for (const auto& kept : account_.ssh_keys()) {
        if (kept.id == id) key = kept;
      }
    } else {
      key = account_.replace_ssh_key(id, body_string(request, "ssh_key"));
    }
    if (!key) return error(404, "not_found", "no SSH key " + std::to_string(id));
    return {200, {{"success", true}, {"key", ssh_key_json(*key)}}};
  }
  if (name == "api.ssh_key.delete") {
    bool exists = false;
    for (const auto& key : account_.ssh_keys()) exists = exists || key.id == id;
    if (!exists) return error(404, "not_found", "no SSH key " + std::to_string(id));
    if (!keeps_deleted) account_.delete_ssh_key(id);
    return success();
  }

  const std::string variable = body_string(request, "key");
  if (name == "api.secret.list") {
    nlohmann::json secrets = nlohmann::json::object();
    for (const auto& [key, value] : account_.variables()) secrets[key] = "*****";
    return {200, {{"success", true}, {"secrets", std::move(secrets)}}};
  }
  if (name == "api.secret.create") {
    if (!account_.create_variable(variable, body_string(request, "value"))) {
      return error(400, "existing_key", "a variable named " + variable + " exists");
    }
    if (forgets) account_.remove_variable(variable);
    return success("stored");
  }
  if (name == "api.secret.update") {
    if (!account_.update_variable(variable, body_string(request, "value"))) {
      return error(400, "nonexistent_key", "no variable named " + variable);
    }
    return success("changed");
  }
  if (name == "api.secret.delete") {
    auto variables = account_.variables();
    if (!variables.contains(variable)) {
      return error(400, "nonexistent_key", "no variable named " + variable);
    }
    if (!keeps_deleted) account_.remove_variable(variable);
    return success("deleted");
  }

  if (name == "api.instance.list") {
    return {200, {{"instances", instances_}}};
  }
  return show_instance(request, name == "api.instance.request_logs");
}

Reply AccountApi::list_keys() const {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : account_.keys()) {
    nlohmann::json rights = faults_.contains(Fault::permission_not_round_tripped)
                                ? garbled(key.permissions)
                                : key.permissions;
    keys.push_back({{"id", key.id},
                    {"user_id", kUserId},
                    {"name", key.name},
                    {"rights", std::move(rights)},
                    {"team_id", nullptr},
                    {"team_name", nullptr},
                    {"created_at", key.created_at}});
  }
  return {200, {{"apikeys", std::move(keys)}}};
}

Reply AccountApi::create_key(const Identity& identity, const gen::ReadRequest& request) {
  nlohmann::json permissions = nullptr;
  if (request.body.is_object() && request.body.contains("permissions")) {
    permissions = request.body["permissions"];
  }
  if (!permissions.is_null() && !faults_.contains(Fault::accepts_invalid_permissions)) {
    // The schema has accepted the shape; what is left is what only the description knows.
    permission::Document document;
    try {
      document = permission::Document::from_json(permissions);
    } catch (const std::invalid_argument& e) {
      return error(400, "invalid_permissions", std::string("permissions ") + e.what());
    }
    auto found = permission::inconsistencies(
        document, spec_, [this](const spec::Operation& op) { return constrainable_names(op); });
    if (!found.empty()) {
      return error(400, "invalid_permissions",
                   "permissions " + found.front().pointer + ": " + found.front().message);
    }
  }
  // A restricted key cannot make a key with categories it does not hold itself.
  if (!identity.permissions.is_null() && !faults_.contains(Fault::permission_not_enforced)) {
    if (permissions.is_null()) {
      return error(403, "missing_permissions",
                   "a restricted key cannot create an unrestricted key");
    }
    const auto held = identity.permissions.value("api", nlohmann::json::object());
    const auto asked = permissions.is_object() ? permissions.value("api", nlohmann::json::object())
                                               : nlohmann::json::object();
    for (const auto& [category, grant] : asked.items()) {
      if (!held.is_object() || !held.contains(category)) {
        return error(403, "missing_permissions",
                     "the key cannot grant " + category + ", which it does not hold");
      }
    }
  }
  ApiKeyRecord key = account_.create_key(body_string(request, "name"), permissions);
  if (faults_.contains(Fault::resource_unavailable)) account_.delete_key(key.id);
  return {200,
          {{"id", key.id},
           {"key", key.token},
           {"permissions", permissions.is_null() ? nlohmann::json(false) : permissions}}};
}

Reply AccountApi::show_user(const Identity& identity) const {
  auto ssh_keys = account_.ssh_keys();
  return {200,
          {{"id", kUserId},
           {"email", "account@example.com"},
           {"username", "conform"},
           {"balance", 25.0},
           {"credit", 0.0},
           {"key_id", identity.key_id ? nlohmann::json(*identity.key_id) : nlohmann::json()},
           {"ssh_key", ssh_keys.empty() ? nlohmann::json() : nlohmann::json(ssh_keys[0].key)}}};
}

Reply AccountApi::show_instance(const gen::ReadRequest& request, bool logs) const {
  std::int64_t id = id_parameter(request);
  for (const auto& instance : instances_) {
    if (instance["id"] != id) continue;
    if (!logs) return {200, {{"instances", instance}}};
    std::string url = "https://logs.example.net/instances/" + std::to_string(id) + "/log.txt";
    return {200, {{"success", true}, {"result_url", url}, {"msg", "collecting logs"}}};
  }
  return error(404, "not_found", "no instance " + std::to_string(id));
}

}  // namespace conform::mock
