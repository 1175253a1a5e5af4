#pragma once
// OpenAPI runtime expressions, the values of links: "$response.body#/id", "$request.path.id",
// "$statusCode"... Parsed here once; the engine evaluates them against an exchange.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/spec/model.hpp"

namespace conform::spec {

struct RuntimeExpression {
  enum class Source { url, method, status_code, request, response };
  enum class Part { none, path, query, header, body };
  Source source = Source::url;
  Part part = Part::none;
  std::string name;     // of the path/query parameter or header
  std::string pointer;  // of the body: a JSON pointer, "" for the whole body
};

// The expression `text` spells, or nullopt when it is not one (OpenAPI 3.x ABNF: $url, $method,
// $statusCode, $request.<source>, $response.<source>; a source is header.<token>, query.<name>,
// path.<name> or body[#<json-pointer>], and a response has no query or path).
std::optional<RuntimeExpression> parse_runtime_expression(std::string_view text);

// A string link value in pieces: literal text, and the expressions it embeds as "{$...}" (braces
// dropped); a value that starts with "$" is one expression.
struct LinkTextPiece {
  std::string text;
  bool expression = false;
};
std::vector<LinkTextPiece> link_text_pieces(std::string_view text);

// The expressions of a string link value, and those of them that do not parse.
struct LinkValueText {
  std::vector<std::string> expressions;  // as written, without braces
  std::vector<std::string> invalid;      // those of them that do not parse
};
LinkValueText expressions_in(std::string_view text);

// The parameter of `target` a link's parameters key names: "in.name" (path, query, header,
// cookie), or a bare name for the first parameter so named; nullptr when it has none.
const Parameter* linked_parameter(const Operation& target, std::string_view key);

}  // namespace conform::spec
