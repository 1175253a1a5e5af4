#include "conform/spec/runtime_expression.hpp"

namespace conform::spec {

std::optional<RuntimeExpression> parse_runtime_expression(std::string_view text) {
  RuntimeExpression out;
  if (text == "$url") return out;
  if (text == "$method") {
    out.source = RuntimeExpression::Source::method;
    return out;
  }
  if (text == "$statusCode") {
    out.source = RuntimeExpression::Source::status_code;
    return out;
  }
  std::string_view rest;
  if (text.starts_with("$request.")) {
    out.source = RuntimeExpression::Source::request;
    rest = text.substr(9);
  } else if (text.starts_with("$response.")) {
    out.source = RuntimeExpression::Source::response;
    rest = text.substr(10);
  } else {
    return std::nullopt;
  }
  auto named = [&](std::string_view prefix, RuntimeExpression::Part part) {
    if (!rest.starts_with(prefix) || rest.size() == prefix.size()) return false;
    out.part = part;
    out.name = std::string(rest.substr(prefix.size()));
    return true;
  };
  bool request = out.source == RuntimeExpression::Source::request;
  if (named("header.", RuntimeExpression::Part::header)) return out;
  if (request && named("query.", RuntimeExpression::Part::query)) return out;
  if (request && named("path.", RuntimeExpression::Part::path)) return out;
  if (rest == "body" || (rest.starts_with("body#") && (rest.size() == 5 || rest[5] == '/'))) {
    out.part = RuntimeExpression::Part::body;
    out.pointer = rest.size() > 5 ? std::string(rest.substr(5)) : "";
    return out;
  }
  return std::nullopt;
}

std::vector<LinkTextPiece> link_text_pieces(std::string_view text) {
  std::vector<LinkTextPiece> pieces;
  auto literal = [&](std::string_view part) {
    if (!part.empty()) pieces.push_back({std::string(part), false});
  };
  if (text.starts_with("$")) {
    pieces.push_back({std::string(text), true});
    return pieces;
  }
  std::size_t at = 0;
  while (true) {
    auto open = text.find("{$", at);
    auto close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    literal(text.substr(at, open - at));
    pieces.push_back({std::string(text.substr(open + 1, close - open - 1)), true});
    at = close + 1;
  }
  literal(text.substr(at));
  return pieces;
}

LinkValueText expressions_in(std::string_view text) {
  LinkValueText found;
  for (const auto& piece : link_text_pieces(text)) {
    if (!piece.expression) continue;
    found.expressions.push_back(piece.text);
    if (!parse_runtime_expression(piece.text)) found.invalid.push_back(piece.text);
  }
  return found;
}

const Parameter* linked_parameter(const Operation& target, std::string_view key) {
  std::string_view in, name = key;
  if (auto dot = key.find('.'); dot != std::string_view::npos) {
    std::string_view prefix = key.substr(0, dot);
    if (prefix == "path" || prefix == "query" || prefix == "header" || prefix == "cookie") {
      in = prefix;
      name = key.substr(dot + 1);
    }
  }
  for (const auto& p : target.parameters) {
    if (p.name == name && (in.empty() || p.in == in)) return &p;
  }
  return nullptr;
}

}  // namespace conform::spec
