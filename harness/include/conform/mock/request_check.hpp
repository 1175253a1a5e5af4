#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::mock {

// A request as the mock received it, already routed.
struct IncomingRequest {
  std::map<std::string, std::string> path_values;
  std::multimap<std::string, std::string> query;  // decoded names and values
  std::map<std::string, std::string> headers;     // names in lower case
  std::map<std::string, std::string> cookies;
  std::optional<std::string> content_type;
  std::string body;
};

// One way a request breaks its operation's description, said the way a 400 body says it.
struct RequestProblem {
  std::string where;  // "query parameter 'limit'", "body /name", "header 'Content-Type'"
  std::string message;
};

// What check_request found, and the request as values: each parameter that arrived, read as its
// schema's type, and the JSON body (null when there is none or it is not JSON).
struct CheckedRequest {
  std::vector<RequestProblem> problems;
  std::map<std::string, nlohmann::json> parameters;
  nlohmann::json body;
};

// Checks parameters (present when required, readable as their type, valid by their schema: a
// form-style array from repeated or comma-separated values) and the body (present when required,
// of a declared media type, well-formed JSON where JSON is declared, valid by its schema).
CheckedRequest check_request(const spec::Operation& operation, const schema::SpecSchemas& schemas,
                             const IncomingRequest& request);

}  // namespace conform::mock
