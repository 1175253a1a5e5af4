#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conform/spec/model.hpp"

namespace conform::gen {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// An HTTP request as conform will send it: everything already serialised and encoded.
struct Request {
  std::string method;  // upper case
  std::string path;    // the template expanded, percent-encoded
  Pairs query;         // encoded names and values, in order
  Pairs headers;
  Pairs cookies;
  std::optional<std::string> content_type;
  std::optional<std::string> body;

  std::string target() const;  // path and query string
  nlohmann::json to_json() const;

  friend bool operator==(const Request&, const Request&) = default;
};

// RFC 3986 percent-encoding: everything but the unreserved characters, and also the reserved ones
// unless `allow_reserved` (OpenAPI's allowReserved for query parameters).
std::string percent_encode(std::string_view text, bool allow_reserved = false);

// The '/'-separated segments of a path or a path template: "/a/{id}" → "", "a", "{id}".
std::vector<std::string> path_segments(const std::string& path);

// The decoded values of a path's parameters, read against its template ("/things/{id}" and
// "/things/7" → id: "7"); empty when the path does not have the template's shape.
std::map<std::string, std::string> path_values(const std::string& templ, const std::string& path);

// `path` with the segment of the template's parameter `name` set to `text`, percent-encoded;
// `path` as it is when it does not have the template's shape.
std::string with_path_value(const std::string& templ, const std::string& path,
                            const std::string& name, const std::string& text);

// A primitive as parameter text: strings as they are, numbers and booleans as JSON writes them.
std::string parameter_text(const nlohmann::json& value);

// OpenAPI parameter serialisation, by style and explode:
//   path   simple (a,b / k,v / k=v), label (.a.b), matrix (;id=a;id=b)
//   query  form (id=a&id=b / id=a,b), spaceDelimited, pipeDelimited, deepObject (id[k]=v)
//   header simple; cookie form
// Returns the path segment text, or the query/cookie pairs, or the header value.
std::string serialize_path_parameter(const spec::Parameter& parameter, const nlohmann::json& value);
Pairs serialize_query_parameter(const spec::Parameter& parameter, const nlohmann::json& value);
std::string serialize_header_parameter(const spec::Parameter& parameter,
                                       const nlohmann::json& value);
Pairs serialize_cookie_parameter(const spec::Parameter& parameter, const nlohmann::json& value);

// `pairs` with every pair named `key` (ignoring case for headers) replaced by one holding `value`.
void set_pair(Pairs& pairs, const std::string& key, const std::string& value,
              bool case_insensitive);

// Header and cookie values must be visible ASCII (no CR, LF or NUL): what cannot travel there.
bool header_safe(std::string_view text);

// A body value in a media type: application/json (and +json), x-www-form-urlencoded,
// multipart/form-data (a fixed boundary, stated in the returned content type), text/*.
struct EncodedBody {
  std::string content_type;
  std::string bytes;
};
EncodedBody encode_body(std::string_view media_type, const nlohmann::json& value);

// Reads parameter text back as the declared types would (integer, number, boolean, else string;
// `type` may be a list, as a nullable schema's is): what a server sees.
nlohmann::json read_parameter_text(std::string_view text, const nlohmann::json& flat_schema);

// The types a flattened schema's `type` names (a string or a list), and the first that is not
// "null" ("" when none is named).
std::vector<std::string> type_names(const nlohmann::json& flat_schema);
std::string primary_type(const nlohmann::json& flat_schema);

}  // namespace conform::gen
