#include "conform/suites/api_keys.hpp"

#include "conform/core/json.hpp"
#include "conform/engine/stateful.hpp"
#include "conform/gen/request.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::suites {
namespace {

std::optional<std::string> text_of(const nlohmann::json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}

// The list of keys in a list answer: the first array of objects with an "id", at the top or one
// level down (`{"apikeys": [...]}`).
const nlohmann::json* key_array(const nlohmann::json& body) {
  auto is_keys = [](const nlohmann::json& v) {
    return v.is_array() && (v.empty() || (v.front().is_object() && v.front().contains("id")));
  };
  if (is_keys(body)) return &body;
  if (body.is_object()) {
    for (const auto& [name, value] : body.items()) {
      if (is_keys(value)) return &value;
    }
  }
  return nullptr;
}

// Whether the create operation's JSON body declares `permissions` as a string: a permission
// document then travels as JSON text, as the description says, not as an object.
bool permissions_as_text(const SuiteContext& context, const spec::Operation& create) {
  if (!create.request_body) return false;
  for (const auto& media : create.request_body->content) {
    if (!media.schema || !spec::is_json_media_type(media.name)) continue;
    const nlohmann::json& document =
        context.schemas().standalone(*media.schema, spec::Direction::request);
    schema::Flattener flatten(document);
    const nlohmann::json* top = flatten.try_flatten(document);
    if (top == nullptr || !top->is_object() || !top->contains("properties")) return false;
    const auto& properties = (*top)["properties"];
    if (!properties.is_object() || !properties.contains("permissions")) return false;
    const nlohmann::json* member = flatten.try_flatten(properties["permissions"]);
    return member != nullptr && gen::primary_type(*member) == "string";
  }
  return false;
}

}  // namespace

ApiKeys::ApiKeys(SuiteContext& context, KeyOperations operations)
    : context_(context), operations_(operations) {}

ApiKeys::Created ApiKeys::create(const nlohmann::json& permissions, const std::string& name) {
  gen::Request request = context_.valid_request(*operations_.create);
  nlohmann::json body = nlohmann::json::object();
  if (request.body) {
    auto parsed = core::parse_json_or_discarded(*request.body);
    if (parsed.is_object()) body = parsed;
  }
  body["name"] = name;
  body.erase("permissions");
  if (!permissions.is_null()) {
    body["permissions"] = permissions_as_text(context_, *operations_.create)
                              ? nlohmann::json(permissions.dump())
                              : permissions;
  }
  request.body = body.dump();
  request.content_type = "application/json";
  Created created{context_.send(*operations_.create, request), request, std::nullopt, std::nullopt};
  if (created.exchange.response && created.exchange.response->status / 100 == 2) {
    auto answer = core::parse_json_or_discarded(created.exchange.response->body);
    created.id = spec::created_identifier(answer, "id");
    if (answer.is_object()) {
      for (const char* field : {"key", "api_key", "token", "secret"}) {
        if (auto it = answer.find(field); it != answer.end() && it->is_string()) {
          created.token = it->get<std::string>();
          break;
        }
      }
    }
  }
  return created;
}

std::optional<std::map<std::string, ApiKeys::Listed>> ApiKeys::list(bool cleanup) {
  auto exchange =
      context_.send(*operations_.list, context_.valid_request(*operations_.list), {}, cleanup);
  if (!exchange.response || exchange.response->status / 100 != 2) return std::nullopt;
  auto body = core::parse_json_or_discarded(exchange.response->body);
  const nlohmann::json* keys = key_array(body);
  if (keys == nullptr) return std::nullopt;
  std::map<std::string, Listed> out;
  for (const auto& key : *keys) {
    if (!key.is_object()) continue;
    auto id = text_of(key.value("id", nlohmann::json()));
    if (!id) continue;
    nlohmann::json rights = key.contains("rights")        ? key["rights"]
                            : key.contains("permissions") ? key["permissions"]
                                                          : nlohmann::json();
    if (rights.is_string()) {  // a document kept as JSON text
      auto parsed = core::parse_json_or_discarded(rights.get<std::string>());
      if (!parsed.is_discarded()) rights = std::move(parsed);
    }
    auto name = key.find("name");
    out[*id] = {rights, name != key.end() && name->is_string() ? name->get<std::string>() : ""};
  }
  return out;
}

gen::Request ApiKeys::remove_request(const std::string& id) {
  gen::Request request = context_.valid_request(*operations_.remove);
  std::string parameter = "id";
  for (const auto& p : operations_.remove->parameters) {
    if (p.in == "path") parameter = p.name;
  }
  return context_.with_value(*operations_.remove, request, parameter, nlohmann::json(id));
}

transport::Exchange ApiKeys::remove(const std::string& id) {
  return context_.send(*operations_.remove, remove_request(id), {}, true);  // even after Ctrl-C
}

}  // namespace conform::suites
