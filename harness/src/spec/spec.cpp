#include "conform/spec/spec.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "conform/core/error.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/router.hpp"
#include "conform/spec/runtime_expression.hpp"

namespace conform::spec {
namespace {

constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};

Location child(const Location& at, std::string_view token) {
  return {at.file, core::append_pointer(at.pointer, token)};
}

std::string string_or(const nlohmann::json& object, const char* key, std::string fallback = {}) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool bool_or(const nlohmann::json& object, const char* key, bool fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

OpenApiVersion detect_version(const DocumentSet& documents) {
  const nlohmann::json& root = documents.root();
  const std::string& file = documents.root_file();
  if (!root.is_object()) {
    core::fail_input("openapi.not-openapi", file, "",
                     std::string("not an OpenAPI document: the top level is ") + root.type_name() +
                         ", not an object");
  }
  if (root.contains("swagger")) {
    core::fail_input("openapi.unsupported-version", file, "/swagger",
                     "Swagger 2.0 is not supported; convert the document to OpenAPI 3");
  }
  auto openapi = root.find("openapi");
  if (openapi == root.end()) {
    core::fail_input("openapi.not-openapi", file, "",
                     "not an OpenAPI document: it has no 'openapi' field");
  }
  if (!openapi->is_string()) {
    core::fail_input("openapi.not-openapi", file, "/openapi",
                     "the 'openapi' field must be a version string such as \"3.1.0\"");
  }
  const std::string& text = openapi->get_ref<const std::string&>();
  if (text.rfind("3.0", 0) == 0) return OpenApiVersion::v3_0;
  if (text.rfind("3.1", 0) == 0) return OpenApiVersion::v3_1;
  core::fail_input("openapi.unsupported-version", file, "/openapi",
                   "OpenAPI " + text + " is not supported; conform reads 3.0.x and 3.1.x");
}

}  // namespace

const Response* Operation::find_response(int status) const {
  const std::string exact = std::to_string(status);
  const Response* range = nullptr;
  const Response* fallback = nullptr;
  for (const Response& response : responses) {
    if (response.status == exact) return &response;
    if (response.status.size() == 3 && response.status[0] == exact[0] &&
        (response.status[1] == 'X' || response.status[1] == 'x') &&
        (response.status[2] == 'X' || response.status[2] == 'x')) {
      range = &response;
    }
    if (response.status == "default") fallback = &response;
  }
  return range ? range : fallback;
}

std::vector<const Link*> Operation::success_links() const {
  std::vector<const Link*> links;
  for (const auto& response : responses) {
    if (response.status.empty() || response.status.front() != '2') continue;
    for (const auto& link : response.links) links.push_back(&link);
  }
  return links;
}

class Spec::Builder {
 public:
  Builder(Spec& spec, const LoadOptions& options) : spec_(spec), options_(options) {}

  void build() {
    const nlohmann::json& root = spec_.documents_.root();
    const Location top{spec_.documents_.root_file(), ""};
    spec_.declared_version_ = root["openapi"].get<std::string>();
    if (auto info = root.find("info"); info != root.end() && info->is_object()) {
      spec_.title_ = string_or(*info, "title");
    } else {
      report(core::Severity::error, "openapi.missing-info", top, "the document has no info object");
    }
    if (auto servers = root.find("servers"); servers != root.end() && servers->is_array()) {
      for (const auto& server : *servers) {
        if (!server.is_object()) continue;
        // Server variables at their defaults: "https://{region}.example.com/{version}".
        std::string url = string_or(server, "url");
        if (auto variables = server.find("variables");
            variables != server.end() && variables->is_object()) {
          for (const auto& [name, variable] : variables->items()) {
            if (!variable.is_object()) continue;
            std::string value = string_or(variable, "default");
            for (auto at = url.find("{" + name + "}"); at != std::string::npos;
                 at = url.find("{" + name + "}", at + value.size())) {
              url.replace(at, name.size() + 2, value);
            }
          }
        }
        spec_.servers_.push_back(url);
      }
    }
    read_security_schemes(root, top);
    auto paths = root.find("paths");
    if (paths != root.end()) {
      if (!paths->is_object()) {
        report(core::Severity::error, "openapi.invalid", child(top, "paths"),
               "paths must be an object");
      } else {
        for (auto it = paths->begin(); it != paths->end(); ++it) {
          read_path_item(it.key(), child(child(top, "paths"), it.key()));
        }
      }
    } else if (spec_.version_ == OpenApiVersion::v3_0) {
      report(core::Severity::error, "openapi.invalid", top, "an OpenAPI 3.0 document needs paths");
    } else if (!root.contains("webhooks") && !root.contains("components")) {
      report(core::Severity::error, "openapi.invalid", top,
             "an OpenAPI 3.1 document needs paths, webhooks or components");
    }
    resolve_links();
    if (options_.thorough) read_everything(root, top);
  }

 private:
  void report(core::Severity severity, std::string code, const Location& at, std::string message) {
    spec_.diagnostics_.add(severity, std::move(code), at.file, at.pointer, std::move(message));
  }

  // Follows a Reference Object; on failure records the diagnostic and returns nullopt.
  std::optional<Location> follow(const Location& at) {
    try {
      return spec_.documents_.follow(at);
    } catch (const core::Error& e) {
      spec_.diagnostics_.add(e.diagnostic());
      return std::nullopt;
    }
  }

  std::optional<SchemaId> schema_of(const nlohmann::json& object, const Location& at) {
    if (!object.contains("schema")) return std::nullopt;
    return spec_.schemas_.add(spec_.documents_, child(at, "schema"));
  }

  std::vector<Example> examples_of(const nlohmann::json& object, const Location& at) {
    std::vector<Example> out;
    if (auto example = object.find("example"); example != object.end()) {
      out.push_back({"example", *example, child(at, "example")});
    }
    auto examples = object.find("examples");
    if (examples == object.end() || !examples->is_object()) return out;
    for (auto it = examples->begin(); it != examples->end(); ++it) {
      auto where = follow(child(child(at, "examples"), it.key()));
      if (!where) continue;
      const nlohmann::json& node = spec_.documents_.at(*where);
      if (node.is_object() && node.contains("value")) {
        out.push_back({it.key(), node["value"], child(*where, "value")});
      }
    }
    return out;
  }

  std::vector<MediaType> content_of(const nlohmann::json& object, const Location& at) {
    std::vector<MediaType> out;
    auto content = object.find("content");
    if (content == object.end()) return out;
    if (!content->is_object()) {
      report(core::Severity::error, "openapi.invalid", child(at, "content"),
             "content must be an object of media types");
      return out;
    }
    for (auto it = content->begin(); it != content->end(); ++it) {
      Location where = child(child(at, "content"), it.key());
      if (!it->is_object()) {
        report(core::Severity::error, "openapi.invalid", where, "a media type must be an object");
        continue;
      }
      out.push_back({it.key(), schema_of(*it, where), examples_of(*it, where), where});
    }
    return out;
  }

  std::optional<Parameter> read_parameter(const Location& at) {
    auto where = follow(at);
    if (!where) return std::nullopt;
    const nlohmann::json& node = spec_.documents_.at(*where);
    if (!node.is_object() || !node.contains("name") || !node["name"].is_string() ||
        !node.contains("in") || !node["in"].is_string()) {
      report(core::Severity::error, "openapi.invalid-parameter", *where,
             "a parameter needs a string 'name' and 'in'");
      return std::nullopt;
    }
    Parameter parameter;
    parameter.name = node["name"].get<std::string>();
    parameter.in = node["in"].get<std::string>();
    if (parameter.in != "path" && parameter.in != "query" && parameter.in != "header" &&
        parameter.in != "cookie") {
      report(core::Severity::error, "openapi.invalid-parameter", child(*where, "in"),
             "'in' must be path, query, header or cookie, not '" + parameter.in + "'");
      return std::nullopt;
    }
    if (parameter.in == "header") {
      std::string lower = core::ascii_lower(parameter.name);
      if (lower == "accept" || lower == "content-type" || lower == "authorization") {
        // OpenAPI: such a parameter definition SHALL be ignored (content and security say it).
        report(core::Severity::info, "openapi.ignored-header-parameter", *where,
               "header parameter '" + parameter.name +
                   "' is ignored, as OpenAPI requires (security schemes and media types say it)");
        return std::nullopt;
      }
    }
    parameter.required = bool_or(node, "required", false);
    bool form_style = parameter.in == "query" || parameter.in == "cookie";
    parameter.style = string_or(node, "style", form_style ? "form" : "simple");
    parameter.explode = bool_or(node, "explode", parameter.style == "form");
    parameter.allow_reserved = bool_or(node, "allowReserved", false);
    parameter.allow_empty_value = bool_or(node, "allowEmptyValue", false);
    parameter.schema = schema_of(node, *where);
    parameter.content = content_of(node, *where);
    parameter.examples = examples_of(node, *where);
    parameter.location = *where;
    if (parameter.in == "path" && !parameter.required) {
      report(core::Severity::error, "openapi.path-parameter-optional", *where,
             "path parameter '" + parameter.name + "' must be required: true");
    }
    return parameter;
  }

  void read_parameters(const nlohmann::json& owner, const Location& at,
                       std::vector<Parameter>& into) {
    auto list = owner.find("parameters");
    if (list == owner.end()) return;
    if (!list->is_array()) {
      report(core::Severity::error, "openapi.invalid", child(at, "parameters"),
             "parameters must be an array");
      return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto parameter = read_parameter(child(child(at, "parameters"), std::to_string(i)));
      if (!parameter) continue;
      auto same = std::find_if(into.begin(), into.end(), [&](const Parameter& p) {
        return p.name == parameter->name && p.in == parameter->in;
      });
      if (same != into.end()) {
        *same = std::move(*parameter);  // the operation's own declaration wins
      } else {
        into.push_back(std::move(*parameter));
      }
    }
  }

  std::vector<SecurityRequirement> read_security(const nlohmann::json& list, const Location& at) {
    std::vector<SecurityRequirement> out;
    if (!list.is_array()) {
      report(core::Severity::error, "openapi.invalid", at, "security must be an array");
      return out;
    }
    for (const auto& alternative : list) {
      SecurityRequirement requirement;
      if (alternative.is_object()) {
        for (auto it = alternative.begin(); it != alternative.end(); ++it) {
          std::vector<std::string> scopes;
          if (it->is_array()) {
            for (const auto& scope : *it) {
              if (scope.is_string()) scopes.push_back(scope.get<std::string>());
            }
          }
          if (!spec_.schemes_.contains(it.key())) {
            report(core::Severity::error, "openapi.unknown-security-scheme", at,
                   "security names scheme '" + it.key() + "', which components does not define");
          }
          requirement.schemes.emplace_back(it.key(), std::move(scopes));
        }
      }
      out.push_back(std::move(requirement));
    }
    return out;
  }

  void read_security_schemes(const nlohmann::json& root, const Location& top) {
    auto components = root.find("components");
    if (components == root.end() || !components->is_object()) return;
    auto schemes = components->find("securitySchemes");
    if (schemes == components->end() || !schemes->is_object()) return;
    Location base = child(child(top, "components"), "securitySchemes");
    for (auto it = schemes->begin(); it != schemes->end(); ++it) {
      auto where = follow(child(base, it.key()));
      if (!where) continue;
      const nlohmann::json& node = spec_.documents_.at(*where);
      if (!node.is_object()) continue;
      spec_.schemes_[it.key()] =
          SecurityScheme{it.key(), string_or(node, "type"), string_or(node, "scheme"),
                         string_or(node, "in"), string_or(node, "name")};
    }
  }

  std::optional<Link> read_link(const std::string& name, const Location& at) {
    auto where = follow(at);
    if (!where) return std::nullopt;
    const nlohmann::json& node = spec_.documents_.at(*where);
    if (!node.is_object()) {
      report(core::Severity::error, "openapi.invalid", *where, "a link must be an object");
      return std::nullopt;
    }
    Link link;
    link.name = name;
    link.location = *where;
    link.operation_id = string_or(node, "operationId");
    link.operation_ref = string_or(node, "operationRef");
    if (auto parameters = node.find("parameters");
        parameters != node.end() && parameters->is_object()) {
      link.parameters = *parameters;
    }
    if (auto body = node.find("requestBody"); body != node.end()) link.request_body = *body;
    return link;
  }

  // What a link sets must exist on its target, and its expressions must parse; such a link is
  // kept (a run says why it cannot follow it).
  void check_link_values(const Link& link, const Operation& target) {
    auto check_expressions = [&](const nlohmann::json& value, const Location& at) {
      if (!value.is_string()) return;
      for (const auto& invalid : expressions_in(value.get<std::string>()).invalid) {
        report(core::Severity::warning, "openapi.link-expression-invalid", at,
               "'" + invalid + "' is not a runtime expression");
      }
    };
    for (auto it = link.parameters.begin(); it != link.parameters.end(); ++it) {
      Location at = child(child(link.location, "parameters"), it.key());
      if (linked_parameter(target, it.key()) == nullptr) {
        report(core::Severity::warning, "openapi.link-parameter-unknown", at,
               "link '" + link.name + "' sets '" + it.key() + "', which " + target.operation_id +
                   " has no parameter of");
      }
      check_expressions(it.value(), at);
    }
    if (link.request_body)
      check_expressions(*link.request_body, child(link.location, "requestBody"));
  }

  // Each link's target, by operationId or by a local operationRef ("#/paths/~1things/get");
  // a link whose target the document lacks is reported and dropped.
  void resolve_links() {
    std::map<Location, std::string> by_location;
    for (const Operation& op : spec_.operations_) by_location[op.location] = op.operation_id;
    for (Operation& op : spec_.operations_) {
      for (Response& response : op.responses) {
        std::erase_if(response.links, [&](Link& link) {
          if (link.operation_id.empty() && link.operation_ref.rfind("#", 0) == 0) {
            auto found = by_location.find(
                Location{spec_.documents_.root_file(), link.operation_ref.substr(1)});
            if (found != by_location.end()) link.operation_id = found->second;
          }
          if (!link.operation_id.empty()) {
            if (const Operation* target = spec_.find_operation(link.operation_id)) {
              check_link_values(link, *target);
              return false;
            }
          }
          std::string target = link.operation_id.empty()
                                   ? (link.operation_ref.empty() ? std::string("nothing")
                                                                 : "'" + link.operation_ref + "'")
                                   : "'" + link.operation_id + "'";
          report(core::Severity::warning, "openapi.link-target-unknown", link.location,
                 "link '" + link.name + "' leads to " + target +
                     ", which is not an operation of this document; it is not followed");
          return true;
        });
      }
    }
  }

  Response read_response(const std::string& status, const Location& at) {
    Response response;
    response.status = status;
    auto where = follow(at);
    if (!where) return response;
    const nlohmann::json& node = spec_.documents_.at(*where);
    response.location = *where;
    if (!node.is_object()) {
      report(core::Severity::error, "openapi.invalid", *where, "a response must be an object");
      return response;
    }
    response.description = string_or(node, "description");
    response.content = content_of(node, *where);
    if (auto links = node.find("links"); links != node.end() && links->is_object()) {
      for (auto it = links->begin(); it != links->end(); ++it) {
        if (auto link = read_link(it.key(), child(child(*where, "links"), it.key()))) {
          response.links.push_back(std::move(*link));
        }
      }
    }
    for (auto e = node.begin(); e != node.end(); ++e) {
      if (e.key().rfind("x-", 0) == 0) response.extensions[e.key()] = e.value();
    }
    auto headers = node.find("headers");
    if (headers != node.end() && headers->is_object()) {
      for (auto it = headers->begin(); it != headers->end(); ++it) {
        auto header_at = follow(child(child(*where, "headers"), it.key()));
        if (!header_at) continue;
        const nlohmann::json& header = spec_.documents_.at(*header_at);
        if (!header.is_object()) continue;
        response.headers.push_back({it.key(), bool_or(header, "required", false),
                                    schema_of(header, *header_at), *header_at});
      }
    }
    return response;
  }

  void read_path_item(const std::string& path, const Location& at) {
    if (path.empty() || path.front() != '/') {
      report(core::Severity::error, "openapi.invalid-path", at, "a path must start with '/'");
    }
    auto where = follow(at);
    if (!where) return;
    const nlohmann::json& item = spec_.documents_.at(*where);
    if (!item.is_object()) {
      report(core::Severity::error, "openapi.invalid", *where, "a path item must be an object");
      return;
    }
    std::vector<Parameter> shared;
    read_parameters(item, *where, shared);
    const nlohmann::json& root = spec_.documents_.root();
    for (std::string_view method : kMethods) {
      auto it = item.find(std::string(method));
      if (it == item.end()) continue;
      // Operations are not Reference Objects in OpenAPI, but split multi-file descriptions
      // commonly reference them, and every major tool follows such references.
      auto followed = follow(child(*where, method));
      if (!followed) continue;
      Location op_at = *followed;
      const nlohmann::json& node = spec_.documents_.at(op_at);
      if (!node.is_object()) {
        report(core::Severity::error, "openapi.invalid", op_at, "an operation must be an object");
        continue;
      }
      Operation op;
      op.method = std::string(method);
      op.path = path;
      op.location = op_at;
      op.declared_id = node.contains("operationId") && node["operationId"].is_string();
      std::string upper = core::ascii_upper(std::string(method));
      op.operation_id =
          op.declared_id ? node["operationId"].get<std::string>() : upper + " " + path;
      op.summary = string_or(node, "summary");
      op.deprecated = bool_or(node, "deprecated", false);
      if (auto tags = node.find("tags"); tags != node.end() && tags->is_array()) {
        for (const auto& tag : *tags) {
          if (tag.is_string()) op.tags.push_back(tag.get<std::string>());
        }
      }
      op.parameters = shared;
      read_parameters(node, op_at, op.parameters);
      if (node.contains("requestBody")) {
        if (auto body_at = follow(child(op_at, "requestBody"))) {
          const nlohmann::json& body = spec_.documents_.at(*body_at);
          if (body.is_object()) {
            op.request_body =
                RequestBody{bool_or(body, "required", false), content_of(body, *body_at), *body_at};
          }
        }
      }
      auto responses = node.find("responses");
      if (responses != node.end() && responses->is_object()) {
        for (auto r = responses->begin(); r != responses->end(); ++r) {
          if (r.key().rfind("x-", 0) == 0) continue;
          op.responses.push_back(read_response(r.key(), child(child(op_at, "responses"), r.key())));
        }
      } else if (spec_.version_ == OpenApiVersion::v3_0) {
        report(core::Severity::error, "openapi.missing-responses", op_at,
               "an OpenAPI 3.0 operation needs responses");
      }
      if (auto security = node.find("security"); security != node.end()) {
        op.security = read_security(*security, child(op_at, "security"));
      } else if (auto global = root.find("security"); global != root.end()) {
        op.security = read_security(*global, Location{spec_.documents_.root_file(), "/security"});
      }
      for (auto e = node.begin(); e != node.end(); ++e) {
        if (e.key().rfind("x-", 0) == 0) op.extensions[e.key()] = e.value();
      }
      spec_.operations_.push_back(std::move(op));
    }
  }

  // What lint needs beyond what a run uses.
  void read_everything(const nlohmann::json& root, const Location& top) {
    auto components = root.find("components");
    if (components != root.end() && components->is_object()) {
      auto schemas = components->find("schemas");
      if (schemas != components->end() && schemas->is_object()) {
        for (auto it = schemas->begin(); it != schemas->end(); ++it) {
          spec_.schemas_.add(spec_.documents_,
                             child(child(child(top, "components"), "schemas"), it.key()));
        }
      }
    }
    // Register each schema that carries an example until no new one appears (nested ones too).
    std::set<Location> registered;
    bool grew = true;
    while (grew) {
      grew = false;
      auto examples = spec_.schemas_.examples();
      for (const auto& example : examples) {
        if (registered.insert(example.schema).second) {
          spec_.schemas_.add(spec_.documents_, example.schema);
          grew = true;
        }
      }
    }
    check_every_reference();
  }

  void check_every_reference() {
    // A reference inside a schema the store has read and could not follow is reported already.
    for (const core::Diagnostic& d : spec_.schemas_.diagnostics().items()) {
      if (d.code.rfind("ref.", 0) == 0) reported_.insert(d.file + d.pointer);
    }
    std::set<std::string> done;
    bool more = true;
    while (more) {
      more = false;
      std::vector<std::string> files;
      for (const auto& name : file_names()) {
        if (!done.contains(name)) files.push_back(name);
      }
      for (const auto& file : files) {
        done.insert(file);
        more = true;
        // Copy: resolving may load more files, which must not invalidate what is walked.
        nlohmann::json document = spec_.documents_.at(Location{file, ""});
        walk_references(document, Location{file, ""}, 0);
      }
    }
  }

  std::vector<std::string> file_names() const { return spec_.documents_.file_names(); }

  void walk_references(const nlohmann::json& node, const Location& at, int depth) {
    if (depth > 512) return;
    if (node.is_object()) {
      auto ref = node.find("$ref");
      if (ref != node.end() && ref->is_string()) {
        try {
          spec_.documents_.resolve(at, ref->get<std::string>());
        } catch (const core::Error& e) {
          if (!reported_.contains(e.diagnostic().file + e.diagnostic().pointer)) {
            reported_.insert(e.diagnostic().file + e.diagnostic().pointer);
            spec_.diagnostics_.add(e.diagnostic());
          }
        }
      }
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->is_structured()) walk_references(*it, child(at, it.key()), depth + 1);
      }
    } else if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        if (node[i].is_structured()) {
          walk_references(node[i], child(at, std::to_string(i)), depth + 1);
        }
      }
    }
  }

  Spec& spec_;
  const LoadOptions& options_;
  std::set<std::string> reported_;
};

Spec::Spec(DocumentSet documents, OpenApiVersion version)
    : documents_(std::move(documents)), version_(version), schemas_(version) {}

Spec Spec::load(const std::filesystem::path& path, const LoadOptions& options) {
  DocumentSet documents(path);
  OpenApiVersion version = detect_version(documents);
  Spec spec(std::move(documents), version);
  Builder(spec, options).build();
  spec.router_ = std::make_shared<const Router>(spec);
  return spec;
}

std::string Spec::base_path() const {
  if (servers_.empty()) return "";
  std::string url = servers_.front();
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    auto slash = url.find('/', scheme + 3);
    url = slash == std::string::npos ? "" : url.substr(slash);
  }
  url = url.substr(0, url.find_first_of("?#"));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.empty() && url.front() != '/') return "";  // a relative URL that is no path
  return url;
}

const Operation* Spec::find_operation(std::string_view operation_id) const {
  for (const Operation& op : operations_) {
    if (op.operation_id == operation_id) return &op;
  }
  return nullptr;
}

core::Diagnostics Spec::diagnostics() const {
  core::Diagnostics all = diagnostics_;
  all.append(schemas_.diagnostics());
  return all;
}

}  // namespace conform::spec
