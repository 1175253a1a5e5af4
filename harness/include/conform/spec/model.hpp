#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conform/spec/location.hpp"
#include "conform/spec/schema_store.hpp"

namespace conform::spec {

// A named example value (Example Object or a bare `example`).
struct Example {
  std::string name;
  nlohmann::json value;
  Location location;
};

struct MediaType {
  std::string name;  // as declared, e.g. "application/json", "application/*"
  std::optional<SchemaId> schema;
  std::vector<Example> examples;
  Location location;
};

struct Parameter {
  std::string name;
  std::string in;  // path, query, header, cookie
  bool required = false;
  std::string style;  // explicit or the default for `in`
  bool explode = false;
  bool allow_reserved = false;
  bool allow_empty_value = false;  // query only: an empty value is a value, not an absent one
  std::optional<SchemaId> schema;
  std::vector<MediaType> content;  // the `content` form instead of `schema`
  std::vector<Example> examples;
  Location location;
};

struct Header {
  std::string name;
  bool required = false;
  std::optional<SchemaId> schema;
  Location location;
};

// A Link Object: a call a client can make with values from an exchange it has just had, given as
// runtime expressions ("$response.body#/id", "$request.path.id") or constants.
struct Link {
  std::string name;
  std::string operation_id;   // the target; found from operationRef when that is what is given
  std::string operation_ref;  // as declared, when declared
  nlohmann::json parameters = nlohmann::json::object();  // "name" or "in.name" → value
  std::optional<nlohmann::json> request_body;
  Location location;
};

struct Response {
  std::string status;  // "200", "4XX" or "default"
  std::string description;
  std::vector<MediaType> content;
  std::vector<Header> headers;
  std::vector<Link> links;
  nlohmann::json extensions = nlohmann::json::object();  // every x-* key of the response
  Location location;
};

struct RequestBody {
  bool required = false;
  std::vector<MediaType> content;
  Location location;
};

// One alternative of a security requirement: every scheme named must be satisfied. An empty
// requirement means anonymous access is allowed.
struct SecurityRequirement {
  std::vector<std::pair<std::string, std::vector<std::string>>> schemes;
};

struct SecurityScheme {
  std::string name;
  std::string type;       // http, apiKey, oauth2, openIdConnect, mutualTLS
  std::string scheme;     // for http: bearer, basic
  std::string in;         // for apiKey: header, query, cookie
  std::string parameter;  // for apiKey: the header/query/cookie name
};

struct Operation {
  std::string method;        // lower case, as in the document
  std::string path;          // the template, e.g. "/api/v0/instances/{id}/"
  std::string operation_id;  // declared, or "<METHOD> <path>" when the document has none
  bool declared_id = false;
  std::string summary;
  std::vector<std::string> tags;
  std::vector<Parameter> parameters;  // path-level parameters merged in, operation ones win
  std::optional<RequestBody> request_body;
  std::vector<Response> responses;
  std::vector<SecurityRequirement> security;  // effective: the operation's or the document's
  bool deprecated = false;
  nlohmann::json extensions = nlohmann::json::object();  // every x-* key of the operation
  Location location;

  // The response the document declares for a status: exact, then "NXX", then "default".
  const Response* find_response(int status) const;
  // The links its 2XX responses declare, in the document's order: those a client follows.
  std::vector<const Link*> success_links() const;
};

}  // namespace conform::spec
