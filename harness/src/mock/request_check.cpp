#include "conform/mock/request_check.hpp"

#include "conform/core/text.hpp"
#include "conform/gen/request.hpp"
#include "conform/gen/values.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::mock {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string describe(const spec::Parameter& p) { return p.in + " parameter '" + p.name + "'"; }

// The raw texts a parameter arrived as (several for repeated query names), if it arrived.
std::optional<std::vector<std::string>> raw_values(const spec::Parameter& p,
                                                   const IncomingRequest& request) {
  if (p.in == "path") {
    auto it = request.path_values.find(p.name);
    if (it == request.path_values.end()) return std::nullopt;
    return std::vector<std::string>{it->second};
  }
  if (p.in == "query") {
    auto [begin, end] = request.query.equal_range(p.name);
    if (begin == end) return std::nullopt;
    std::vector<std::string> out;
    for (auto it = begin; it != end; ++it) out.push_back(it->second);
    return out;
  }
  if (p.in == "header") {
    auto it = request.headers.find(core::ascii_lower(p.name));
    if (it == request.headers.end()) return std::nullopt;
    return std::vector<std::string>{it->second};
  }
  auto it = request.cookies.find(p.name);
  if (it == request.cookies.end()) return std::nullopt;
  return std::vector<std::string>{it->second};
}

// Reads texts as the schema's type would: items of an array one by one, primitives directly.
nlohmann::json read_value(const std::vector<std::string>& texts, const spec::Parameter& p,
                          const nlohmann::json& flat, const nlohmann::json& document) {
  std::string type = flat.is_object() && flat.contains("type") && flat["type"].is_string()
                         ? flat["type"].get<std::string>()
                         : "";
  if (type == "array") {
    std::vector<std::string> items;
    char separator = p.style == "pipeDelimited" ? '|' : p.style == "spaceDelimited" ? ' ' : ',';
    if (texts.size() > 1 || p.explode) {
      items = texts;
    } else {
      items = split(texts.front(), separator);
    }
    nlohmann::json item_schema = nlohmann::json::object();
    if (auto it = flat.find("items"); it != flat.end()) {
      gen::detail::Flattener flatten(document);
      if (const auto* resolved = flatten.try_flatten(*it)) item_schema = *resolved;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : items) out.push_back(gen::read_parameter_text(item, item_schema));
    return out;
  }
  return gen::read_parameter_text(texts.back(), flat);
}

}  // namespace

CheckedRequest check_request(const spec::Operation& operation, const schema::SpecSchemas& schemas,
                             const IncomingRequest& request) {
  CheckedRequest checked;
  std::vector<RequestProblem>& problems = checked.problems;
  for (const spec::Parameter& p : operation.parameters) {
    auto texts = raw_values(p, request);
    if (!texts) {
      if (p.required) problems.push_back({describe(p), "is required but missing"});
      continue;
    }
    if (!p.schema) {  // the `content` form: accepted as sent
      checked.parameters[p.name] = texts->back();
      continue;
    }
    const nlohmann::json& document = schemas.standalone(*p.schema, spec::Direction::request);
    gen::detail::Flattener flatten(document);
    const nlohmann::json* flat = flatten.try_flatten(document);
    nlohmann::json value = read_value(*texts, p, flat ? *flat : nlohmann::json::object(), document);
    checked.parameters[p.name] = value;
    for (const auto& violation : schemas.validate(*p.schema, spec::Direction::request, value)) {
      problems.push_back(
          {describe(p) + (violation.instance_pointer.empty() ? std::string()
                                                             : " " + violation.instance_pointer),
           violation.message});
    }
  }

  if (!operation.request_body) return checked;
  const spec::RequestBody& declared = *operation.request_body;
  if (request.body.empty()) {
    if (declared.required) problems.push_back({"body", "is required but missing"});
    return checked;
  }
  if (!request.content_type) {
    problems.push_back({"header 'Content-Type'", "is missing for a request with a body"});
    return checked;
  }
  const spec::MediaType* media = spec::match_media_type(declared.content, *request.content_type);
  if (media == nullptr) {
    std::string accepted;
    for (const auto& m : declared.content) accepted += (accepted.empty() ? "" : ", ") + m.name;
    problems.push_back(
        {"header 'Content-Type'",
         "'" + *request.content_type + "' is not accepted (expected " + accepted + ")"});
    return checked;
  }
  if (!spec::is_json_media_type(media->name)) return checked;
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    problems.push_back({"body", "is not well-formed JSON"});
    return checked;
  }
  checked.body = std::move(body);
  if (!media->schema) return checked;
  for (const auto& violation :
       schemas.validate(*media->schema, spec::Direction::request, checked.body)) {
    problems.push_back({"body " + (violation.instance_pointer.empty() ? std::string("/")
                                                                      : violation.instance_pointer),
                        violation.message});
  }
  return checked;
}

}  // namespace conform::mock
