#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/gen/request.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::gen {

// A request as a server receives it, once routed: the texts as they arrived, before any reading
// against the description.
struct ReceivedRequest {
  std::map<std::string, std::string> path_values;  // raw (percent-encoded) segment texts
  Pairs query;                                     // decoded names and values, in order
  std::map<std::string, std::string> headers;      // names in lower case
  std::map<std::string, std::string> cookies;      // raw values
  std::optional<std::string> content_type;
  std::string body;
};

// "a=1&b=x%20y" → (a, 1), (b, x y): names and values percent-decoded, '+' read as a space (as
// form decoders do). Pieces that do not decode are kept as they came.
Pairs decode_query(std::string_view query_string);

// "a=1; b=2" → {a: 1, b: 2}: a Cookie header's pairs.
std::map<std::string, std::string> decode_cookies(std::string_view header);

// A request as it came over the wire (the mock's, the proxy's): the target as sent (path and
// query), the headers in order with their names in any case (the first Content-Type and Cookie
// count), the body, and the raw path values the router read.
ReceivedRequest received_from_wire(std::string_view target, const Pairs& headers, std::string body,
                                   std::map<std::string, std::string> raw_path_values);

// What a server receives of a request conform serialised, given the raw path values its router
// read from the path. A header with an empty value is not received: it does not travel.
ReceivedRequest received(const Request& request, std::map<std::string, std::string> path_values);

// How reports name a parameter: "query parameter 'limit'".
std::string describe(const spec::Parameter& parameter);

// One way a request breaks its operation's description, said the way a 400 body says it.
struct RequestProblem {
  std::string where;  // "query parameter 'limit'", "body /name", "header 'Content-Type'"
  std::string message;
};

// What read_request found, and the request as values: each parameter that arrived, read as its
// schema's type, and the body (null when there is none or it cannot be read).
struct ReadRequest {
  std::vector<RequestProblem> problems;
  std::map<std::string, nlohmann::json> parameters;
  nlohmann::json body;
  // Parts whose reading servers do not agree on (an empty value for a parameter that does not
  // allow empty values: absent to some, "" to others), or that conform cannot read against their
  // schema (a body in a media type it does not parse): one line each. The mock answers by its own
  // reading; the generator sends no case that depends on such a part.
  std::vector<std::string> uncertain;
};

// Reads a routed request as the description says a server reads it, and checks it: every
// parameter present when required (an empty value is an absent one unless allowEmptyValue),
// read by its style and explode (form arrays repeated or comma-separated, space- and
// pipe-delimited, deepObject, exploded objects from the query's other names, label and matrix
// paths), each value read as its schema's type and validated; and the body present when
// required, of a declared media type, parsed as that media type says (JSON, form-urlencoded,
// multipart/form-data, text as a string) and validated.
ReadRequest read_request(const spec::Operation& operation, const schema::SpecSchemas& schemas,
                         const ReceivedRequest& request);

// How a server reads a serialised request meant for `operation`: routed, then read.
struct Judgement {
  bool routed = false;  // it reaches this operation
  ReadRequest read;

  bool valid() const { return routed && read.uncertain.empty() && read.problems.empty(); }
  bool invalid() const { return routed && read.uncertain.empty() && !read.problems.empty(); }
  // Why the request is not what a valid (or an invalid) case must be.
  std::string why_not_valid() const;
  std::string why_not_invalid() const;
};
Judgement judge(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                const spec::Operation& operation, const Request& request);

// Why `request` is not a valid request of `operation` as a server reads it (it reaches another
// route, breaks the description, or depends on a reading servers disagree on); nothing when it is.
std::optional<std::string> not_valid_for(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                                         const spec::Operation& operation, const Request& request);

}  // namespace conform::gen
