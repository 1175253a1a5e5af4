#include "conform/gen/request_reading.hpp"

#include <algorithm>
#include <set>

#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/media_type.hpp"
#include "conform/spec/router.hpp"

namespace conform::gen {
namespace {

using core::split;

// Without the spaces and tabs around it (what HTTP calls optional whitespace).
std::string trimmed(std::string_view text) { return core::trim(text, " \t"); }

// Percent-decoded text; undecodable text is kept as it came, as lenient servers do.
std::string decoded(std::string_view text) {
  auto out = core::percent_decode(text);
  return out ? *out : std::string(text);
}

// The shape a parameter's schema gives its value: what its text is split into.
enum class Shape { primitive, array, object };

Shape shape_of(const nlohmann::json& flat) {
  if (!flat.is_object()) return Shape::primitive;
  auto type = flat.find("type");
  if (type != flat.end() && type->is_string()) {
    if (*type == "array") return Shape::array;
    if (*type == "object") return Shape::object;
    return Shape::primitive;
  }
  if (flat.contains("items")) return Shape::array;
  if (flat.contains("properties") || flat.contains("additionalProperties")) return Shape::object;
  return Shape::primitive;
}

// Reads parameter texts into values of the schema's types, through its flattened parts.
class ValueReader {
 public:
  explicit ValueReader(const nlohmann::json& document) : flatten_(document) {}

  const nlohmann::json& flat(const nlohmann::json& schema) {
    static const nlohmann::json kAnything = nlohmann::json::object();
    const nlohmann::json* out = flatten_.try_flatten(schema);
    return out != nullptr && out->is_object() ? *out : kAnything;
  }

  nlohmann::json item(const nlohmann::json& array_schema, const std::string& text) {
    auto items = array_schema.find("items");
    return read_parameter_text(
        text, items == array_schema.end() ? nlohmann::json::object() : flat(*items));
  }

  nlohmann::json property(const nlohmann::json& object_schema, const std::string& name,
                          const std::string& text) {
    if (auto properties = object_schema.find("properties");
        properties != object_schema.end() && properties->is_object()) {
      if (auto p = properties->find(name); p != properties->end()) {
        return read_parameter_text(text, flat(*p));
      }
    }
    if (auto extra = object_schema.find("additionalProperties");
        extra != object_schema.end() && extra->is_object()) {
      return read_parameter_text(text, flat(*extra));
    }
    return read_parameter_text(text, nlohmann::json::object());
  }

  nlohmann::json array(const nlohmann::json& schema, const std::vector<std::string>& texts) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& text : texts) out.push_back(item(schema, text));
    return out;
  }

  // "k,v,k,v" pieces, or "k=v" pieces when `exploded`.
  nlohmann::json object(const nlohmann::json& schema, const std::vector<std::string>& pieces,
                        bool exploded) {
    nlohmann::json out = nlohmann::json::object();
    if (exploded) {
      for (const auto& piece : pieces) {
        auto equals = piece.find('=');
        std::string name = piece.substr(0, equals);
        std::string value = equals == std::string::npos ? "" : piece.substr(equals + 1);
        out[name] = property(schema, name, value);
      }
      return out;
    }
    for (std::size_t i = 0; i + 1 < pieces.size(); i += 2) {
      out[pieces[i]] = property(schema, pieces[i], pieces[i + 1]);
    }
    if (pieces.size() % 2 == 1) out[pieces.back()] = "";  // an odd list: the last name has no value
    return out;
  }

 private:
  schema::Flattener flatten_;
};

// A parameter's value as the server reads it, or nothing when it did not arrive.
struct Reading {
  std::optional<nlohmann::json> value;
  std::string uncertain;  // why servers may read it otherwise, if they may
};

std::vector<std::string> decoded_all(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& text : raw) out.push_back(decoded(text));
  return out;
}

Reading read_path(const spec::Parameter& p, const std::string& raw, const nlohmann::json& flat,
                  ValueReader& reader) {
  Shape shape = shape_of(flat);
  std::string text = raw;
  std::string item_separator = ",";
  if (p.style == "label") {
    if (text.empty() || text.front() != '.') return {read_parameter_text(decoded(text), flat), ""};
    text.erase(0, 1);
    if (p.explode) item_separator = ".";
  } else if (p.style == "matrix") {
    std::string prefix = ";" + percent_encode(p.name) + "=";
    if (shape == Shape::object && p.explode) {
      if (text.empty() || text.front() != ';')
        return {read_parameter_text(decoded(text), flat), ""};
      return {reader.object(flat, decoded_all(split(text.substr(1), ";")), true), ""};
    }
    if (text.rfind(prefix, 0) != 0) return {read_parameter_text(decoded(text), flat), ""};
    if (shape == Shape::array && p.explode) {
      std::vector<std::string> items;
      for (const auto& piece : split(text.substr(1), ";")) {
        items.push_back(decoded(piece.substr(std::min(piece.size(), prefix.size() - 1))));
      }
      return {reader.array(flat, items), ""};
    }
    text.erase(0, prefix.size());
  }
  switch (shape) {
    case Shape::array:
      return {reader.array(flat, decoded_all(split(text, item_separator))), ""};
    case Shape::object:
      return {reader.object(flat, decoded_all(split(text, item_separator)), p.explode), ""};
    case Shape::primitive:
      break;
  }
  return {read_parameter_text(decoded(text), flat), ""};
}

Reading read_query(const spec::Parameter& p, const spec::Operation& operation, const Pairs& query,
                   const nlohmann::json& flat, ValueReader& reader) {
  Shape shape = shape_of(flat);
  if (shape == Shape::object && p.style == "deepObject") {
    nlohmann::json out = nlohmann::json::object();
    const std::string prefix = p.name + "[";
    for (const auto& [name, value] : query) {
      if (name.rfind(prefix, 0) == 0 && name.back() == ']') {
        std::string key = name.substr(prefix.size(), name.size() - prefix.size() - 1);
        out[key] = reader.property(flat, key, value);
      }
    }
    if (out.empty()) return {};
    return {out, ""};
  }
  if (shape == Shape::object && p.style == "form" && p.explode) {
    // The object's members are the query's names that no other parameter claims.
    std::set<std::string> claimed;
    for (const auto& other : operation.parameters) {
      if (other.in == "query" && &other != &p) claimed.insert(other.name);
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, value] : query) {
      bool deep =
          name.find('[') != std::string::npos && claimed.contains(name.substr(0, name.find('[')));
      if (claimed.contains(name) || deep) continue;
      out[name] = reader.property(flat, name, value);
    }
    if (out.empty()) return {};
    return {out, ""};
  }
  std::vector<std::string> texts;
  for (const auto& [name, value] : query) {
    if (name == p.name) texts.push_back(value);
  }
  if (texts.empty()) return {};
  const bool all_empty =
      std::all_of(texts.begin(), texts.end(), [](const auto& t) { return t.empty(); });
  if (all_empty && !p.allow_empty_value) {
    // OpenAPI: without allowEmptyValue an empty value is not a value. Servers differ: most read
    // it as absent, some as "".
    return {std::nullopt,
            describe(p) + " is sent empty, which it does not allow (allowEmptyValue)"};
  }
  if (shape == Shape::array) {
    std::vector<std::string> items;
    if (texts.size() > 1 || (p.style == "form" && p.explode)) {
      items = texts;
    } else {
      std::string separator = p.style == "pipeDelimited"    ? "|"
                              : p.style == "spaceDelimited" ? " "
                                                            : ",";
      items = split(texts.front(), separator);
    }
    return {reader.array(flat, items), ""};
  }
  if (shape == Shape::object) return {reader.object(flat, split(texts.back(), ","), false), ""};
  std::string uncertain;
  if (texts.size() > 1) uncertain = describe(p) + " is sent more than once";
  return {read_parameter_text(texts.back(), flat), uncertain};
}

Reading read_simple(const spec::Parameter& p, const std::string& text, const nlohmann::json& flat,
                    ValueReader& reader) {
  switch (shape_of(flat)) {
    case Shape::array: {
      std::vector<std::string> items;
      for (const auto& piece : split(text, ",")) items.push_back(trimmed(piece));
      return {reader.array(flat, items), ""};
    }
    case Shape::object: {
      std::vector<std::string> pieces;
      for (const auto& piece : split(text, ",")) pieces.push_back(trimmed(piece));
      return {reader.object(flat, pieces, p.explode && p.in == "header"), ""};
    }
    case Shape::primitive:
      break;
  }
  return {read_parameter_text(text, flat), ""};
}

Reading read_parameter(const spec::Parameter& p, const spec::Operation& operation,
                       const ReceivedRequest& request, const nlohmann::json& flat,
                       ValueReader& reader) {
  if (p.in == "path") {
    auto it = request.path_values.find(p.name);
    if (it == request.path_values.end()) return {};
    return read_path(p, it->second, flat, reader);
  }
  if (p.in == "query") return read_query(p, operation, request.query, flat, reader);
  if (p.in == "header") {
    auto it = request.headers.find(core::ascii_lower(p.name));
    if (it == request.headers.end()) return {};
    return read_simple(p, it->second, flat, reader);
  }
  auto it = request.cookies.find(p.name);
  if (it == request.cookies.end()) return {};
  if (shape_of(flat) == Shape::primitive)
    return {read_parameter_text(decoded(it->second), flat), ""};
  return read_simple(p, decoded(it->second), flat, reader);
}

// The `content` form of a parameter: its text is a document of the media type.
Reading read_content_parameter(const spec::Parameter& p, const ReceivedRequest& request) {
  std::optional<std::string> text;
  if (p.in == "query") {
    for (const auto& [name, value] : request.query) {
      if (name == p.name) text = value;
    }
  } else if (p.in == "path") {
    if (auto it = request.path_values.find(p.name); it != request.path_values.end()) {
      text = decoded(it->second);
    }
  } else if (p.in == "header") {
    if (auto it = request.headers.find(core::ascii_lower(p.name)); it != request.headers.end()) {
      text = it->second;
    }
  } else if (auto it = request.cookies.find(p.name); it != request.cookies.end()) {
    text = decoded(it->second);
  }
  if (!text) return {};
  if (p.content.empty() || !spec::is_json_media_type(p.content.front().name)) {
    return {nlohmann::json(*text), describe(p) + " is in " +
                                       (p.content.empty() ? "no" : p.content.front().name) +
                                       ", which conform does not read"};
  }
  auto value = core::parse_json_or_discarded(*text);
  if (value.is_discarded()) return {nlohmann::json(*text), ""};  // not JSON: refused below
  return {value, ""};
}

// name → values of a form body (repeated names become arrays).
nlohmann::json form_object(const Pairs& pairs, const nlohmann::json& flat, ValueReader& reader) {
  std::map<std::string, std::vector<std::string>> grouped;
  std::vector<std::string> order;
  for (const auto& [name, value] : pairs) {
    if (!grouped.contains(name)) order.push_back(name);
    grouped[name].push_back(value);
  }
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json properties = flat.value("properties", nlohmann::json::object());
  for (const auto& name : order) {
    const auto& values = grouped[name];
    nlohmann::json property_schema = nlohmann::json::object();
    if (properties.is_object() && properties.contains(name)) {
      property_schema = reader.flat(properties[name]);
    }
    if (shape_of(property_schema) == Shape::array) {
      out[name] = reader.array(property_schema, values);
    } else if (values.size() == 1) {
      out[name] = read_parameter_text(values.front(), property_schema);
    } else {
      out[name] = reader.array(nlohmann::json::object(), values);
    }
  }
  return out;
}

std::optional<std::string> boundary_of(const std::string& content_type) {
  auto at = core::ascii_lower(content_type).find("boundary=");
  if (at == std::string::npos) return std::nullopt;
  std::string boundary = content_type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  if (boundary.empty()) return std::nullopt;
  return boundary;
}

// The parts of a multipart/form-data body by name, or nothing when it is not one.
std::optional<nlohmann::json> multipart_object(const std::string& body, const std::string& boundary,
                                               const nlohmann::json& flat, ValueReader& reader) {
  const std::string delimiter = "--" + boundary;
  auto pieces = split(body, delimiter);
  if (pieces.size() < 2) return std::nullopt;
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json properties = flat.value("properties", nlohmann::json::object());
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    std::string piece = pieces[i];
    if (piece.rfind("--", 0) == 0) break;  // the closing delimiter
    if (piece.rfind("\r\n", 0) == 0) piece.erase(0, 2);
    auto head_end = piece.find("\r\n\r\n");
    if (head_end == std::string::npos) return std::nullopt;
    std::string head = core::ascii_lower(piece.substr(0, head_end));
    std::string raw_head = piece.substr(0, head_end);
    std::string content = piece.substr(head_end + 4);
    if (content.size() >= 2 && content.compare(content.size() - 2, 2, "\r\n") == 0) {
      content.resize(content.size() - 2);
    }
    auto name_at = head.find("name=\"");
    if (name_at == std::string::npos) return std::nullopt;
    auto name_end = raw_head.find('"', name_at + 6);
    if (name_end == std::string::npos) return std::nullopt;
    std::string name = raw_head.substr(name_at + 6, name_end - name_at - 6);
    if (head.find("content-type: application/json") != std::string::npos) {
      auto value = core::parse_json_or_discarded(content);
      out[name] = value.is_discarded() ? nlohmann::json(content) : value;
      continue;
    }
    nlohmann::json property_schema = nlohmann::json::object();
    if (properties.is_object() && properties.contains(name)) {
      property_schema = reader.flat(properties[name]);
    }
    out[name] = read_parameter_text(content, property_schema);
  }
  return out;
}

void add_violations(std::vector<RequestProblem>& problems, const std::string& where,
                    const std::vector<schema::Violation>& violations) {
  for (const auto& violation : violations) {
    problems.push_back(
        {where + (violation.instance_pointer.empty() ? std::string()
                                                     : " " + violation.instance_pointer),
         violation.message});
  }
}

bool string_schema(const nlohmann::json& flat) {
  auto type = flat.find("type");
  if (type == flat.end()) return true;
  if (type->is_string()) return *type == "string";
  if (type->is_array()) return std::find(type->begin(), type->end(), "string") != type->end();
  return false;
}

}  // namespace

std::string describe(const spec::Parameter& p) { return p.in + " parameter '" + p.name + "'"; }

Pairs decode_query(std::string_view query_string) {
  Pairs out;
  if (query_string.empty()) return out;
  for (auto piece : split(query_string, "&")) {
    if (piece.empty()) continue;
    std::replace(piece.begin(), piece.end(), '+', ' ');
    auto equals = piece.find('=');
    std::string name = piece.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : piece.substr(equals + 1);
    out.emplace_back(decoded(name), decoded(value));
  }
  return out;
}

std::map<std::string, std::string> decode_cookies(std::string_view header) {
  std::map<std::string, std::string> out;
  for (const auto& piece : split(header, ";")) {
    auto equals = piece.find('=');
    if (equals == std::string::npos) continue;
    std::string name = trimmed(piece.substr(0, equals));
    if (!name.empty()) out[name] = trimmed(piece.substr(equals + 1));
  }
  return out;
}

ReceivedRequest received_from_wire(std::string_view target, const Pairs& headers, std::string body,
                                   std::map<std::string, std::string> raw_path_values) {
  ReceivedRequest incoming;
  incoming.path_values = std::move(raw_path_values);
  if (auto question = target.find('?'); question != std::string_view::npos) {
    incoming.query = decode_query(target.substr(question + 1));
  }
  bool cookie_seen = false;
  for (const auto& [name, value] : headers) {
    const std::string lower = core::ascii_lower(name);
    incoming.headers[lower] = value;
    if (lower == "content-type" && !incoming.content_type) incoming.content_type = value;
    if (lower == "cookie" && !cookie_seen) {
      incoming.cookies = decode_cookies(value);
      cookie_seen = true;
    }
  }
  incoming.body = std::move(body);
  return incoming;
}

ReceivedRequest received(const Request& request, std::map<std::string, std::string> path_values) {
  ReceivedRequest out;
  out.path_values = std::move(path_values);
  std::string query;
  for (const auto& [name, value] : request.query) {
    query += (query.empty() ? "" : "&") + name + "=" + value;
  }
  out.query = decode_query(query);
  for (const auto& [name, value] : request.headers) {
    // An empty header does not travel (libcurl removes a header given as "Name:"), so the server
    // never receives it.
    if (trimmed(value).empty()) continue;
    out.headers[core::ascii_lower(name)] = trimmed(value);
  }
  for (const auto& [name, value] : request.cookies) out.cookies[name] = value;
  if (request.content_type) {
    out.content_type = request.content_type;
    out.headers["content-type"] = *request.content_type;
  }
  if (request.body) out.body = *request.body;
  return out;
}

ReadRequest read_request(const spec::Operation& operation, const schema::SpecSchemas& schemas,
                         const ReceivedRequest& request) {
  ReadRequest read;
  std::vector<RequestProblem>& problems = read.problems;
  for (const spec::Parameter& p : operation.parameters) {
    Reading reading;
    std::optional<spec::SchemaId> schema_id = p.schema;
    if (p.schema) {
      const nlohmann::json& document = schemas.standalone(*p.schema, spec::Direction::request);
      ValueReader reader(document);
      reading = read_parameter(p, operation, request, reader.flat(document), reader);
    } else {
      reading = read_content_parameter(p, request);
      if (!p.content.empty()) schema_id = p.content.front().schema;
    }
    if (!reading.uncertain.empty()) read.uncertain.push_back(reading.uncertain);
    if (!reading.value) {
      if (p.required) problems.push_back({describe(p), "is required but missing"});
      continue;
    }
    read.parameters[p.name] = *reading.value;
    if (!p.schema && !p.content.empty() && spec::is_json_media_type(p.content.front().name) &&
        reading.value->is_string() &&
        core::parse_json_or_discarded(reading.value->get_ref<const std::string&>())
            .is_discarded()) {
      problems.push_back({describe(p), "is not well-formed JSON"});
      continue;
    }
    if (schema_id) {
      add_violations(problems, describe(p),
                     schemas.validate(*schema_id, spec::Direction::request, *reading.value));
    }
  }

  if (!operation.request_body) return read;
  const spec::RequestBody& declared = *operation.request_body;
  if (!request.body.empty() &&
      (operation.method == "get" || operation.method == "head" || operation.method == "options")) {
    // RFC 9110: content in these requests has no defined meaning; servers and proxies may drop it.
    read.uncertain.push_back("a " + core::ascii_lower(operation.method) +
                             " request's body, which servers and proxies may ignore");
  }
  if (request.body.empty()) {  // an empty body is no body, whatever its Content-Type says
    if (declared.required) problems.push_back({"body", "is required but missing"});
    return read;
  }
  if (!request.content_type) {
    problems.push_back({"header 'Content-Type'", "is missing for a request with a body"});
    return read;
  }
  const spec::MediaType* media = spec::match_media_type(declared.content, *request.content_type);
  if (media == nullptr) {
    std::string accepted;
    for (const auto& m : declared.content) accepted += (accepted.empty() ? "" : ", ") + m.name;
    problems.push_back(
        {"header 'Content-Type'",
         "'" + *request.content_type + "' is not accepted (expected " + accepted + ")"});
    return read;
  }
  std::string essence =
      trimmed(core::ascii_lower(request.content_type->substr(0, request.content_type->find(';'))));
  nlohmann::json document = nlohmann::json::object();
  if (media->schema) document = schemas.standalone(*media->schema, spec::Direction::request);
  ValueReader reader(document);
  const nlohmann::json& flat = reader.flat(document);
  nlohmann::json body;
  if (spec::is_json_media_type(essence) ||
      (essence.find('*') != std::string::npos && spec::is_json_media_type(media->name))) {
    body = core::parse_json_or_discarded(request.body);
    if (body.is_discarded()) {
      problems.push_back({"body", "is not well-formed JSON"});
      return read;
    }
    if (body.is_null() && !declared.required) {
      // Frameworks bind a JSON null to "no body" (Spring, Flask, Prism), which is valid here.
      read.uncertain.push_back(
          "a JSON null body, which servers may read as no body (it is "
          "optional)");
    }
  } else if (essence == "application/x-www-form-urlencoded") {
    body = form_object(decode_query(request.body), flat, reader);
  } else if (essence == "multipart/form-data") {
    auto boundary = boundary_of(*request.content_type);
    std::optional<nlohmann::json> parts;
    if (boundary) parts = multipart_object(request.body, *boundary, flat, reader);
    if (!parts) {
      problems.push_back({"body", "is not multipart/form-data with the boundary its type names"});
      return read;
    }
    body = std::move(*parts);
  } else if (essence.rfind("text/", 0) == 0 && string_schema(flat)) {
    body = request.body;
  } else if (essence == "application/octet-stream" && string_schema(flat)) {
    read.body = request.body;
    return read;  // bytes: any are a string of binary format
  } else {
    read.uncertain.push_back("the body is " + essence +
                             ", which conform does not read against its schema");
    return read;
  }
  read.body = body;
  if (!media->schema) return read;
  add_violations(problems, "body", [&] {
    auto violations = schemas.validate(*media->schema, spec::Direction::request, read.body);
    for (auto& v : violations) {
      if (v.instance_pointer.empty()) v.instance_pointer = "/";
    }
    return violations;
  }());
  return read;
}

std::string Judgement::why_not_valid() const {
  if (!routed) return "the request reaches another route";
  if (!read.uncertain.empty()) return read.uncertain.front();
  if (!read.problems.empty())
    return read.problems.front().where + " " + read.problems.front().message;
  return "";
}

std::string Judgement::why_not_invalid() const {
  if (!routed) return "the request reaches another route";
  if (!read.uncertain.empty()) return read.uncertain.front();
  return "it reads as valid once serialised";
}

Judgement judge(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                const spec::Operation& operation, const Request& request) {
  Judgement out;
  spec::Route route = spec.router().route(request.method, request.path);
  out.routed = route.outcome == spec::Route::Outcome::found && route.operation == &operation;
  if (out.routed) {
    out.read = read_request(operation, schemas, received(request, route.raw_path_values));
  }
  return out;
}

std::optional<std::string> not_valid_for(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                                         const spec::Operation& operation, const Request& request) {
  Judgement judgement = judge(spec, schemas, operation, request);
  if (!judgement.routed) {
    return "the request reaches another route (" + request.method + " " + request.path + ")";
  }
  if (judgement.valid()) return std::nullopt;
  return judgement.why_not_valid();
}

}  // namespace conform::gen
