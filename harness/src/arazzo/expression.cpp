#include "conform/arazzo/expression.hpp"

#include "conform/core/json_pointer.hpp"
#include "conform/spec/runtime_expression.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;

// "$steps.a.outputs.b#/0/id" → ("$steps.a.outputs.b", "/0/id").
std::pair<std::string_view, std::string_view> split_fragment(std::string_view text) {
  auto hash = text.find('#');
  if (hash == std::string_view::npos) return {text, {}};
  return {text.substr(0, hash), text.substr(hash + 1)};
}

// An OpenAPI expression ($url, $method, $statusCode, $request.*, $response.*).
bool is_openapi(std::string_view text) {
  return text == "$url" || text == "$method" || text == "$statusCode" ||
         text.rfind("$request.", 0) == 0 || text.rfind("$response.", 0) == 0;
}

std::optional<json> at_pointer(const json& value, std::string_view pointer, std::string* why) {
  if (pointer.empty()) return value;
  try {
    json::json_pointer p{std::string(pointer)};
    if (value.contains(p)) return value.at(p);
  } catch (const json::exception&) {
    if (why) *why = "'#" + std::string(pointer) + "' is not a JSON pointer";
    return std::nullopt;
  }
  if (why) *why = "nothing at #" + std::string(pointer);
  return std::nullopt;
}

std::optional<json> named(const std::map<std::string, json>& values, std::string_view name,
                          std::string_view pointer, const std::string& what, std::string* why) {
  auto found = values.find(std::string(name));
  if (found == values.end()) {
    if (why) *why = what + " has no output '" + std::string(name) + "'";
    return std::nullopt;
  }
  return at_pointer(found->second, pointer, why);
}

// "<id>.outputs.<name>" → (id, name); ids hold no dots in practice, names may.
std::optional<std::pair<std::string, std::string>> id_and_output(std::string_view rest) {
  auto at = rest.find(".outputs.");
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string id(rest.substr(0, at));
  std::string name(rest.substr(at + 9));
  if (name.empty()) return std::nullopt;
  return std::pair(id, name);
}

}  // namespace

std::optional<std::string> expression_problem(std::string_view text) {
  if (text.empty() || text.front() != '$') return "a runtime expression starts with '$'";
  auto [head, pointer] = split_fragment(text);
  if (!pointer.empty() && pointer.front() != '/') {
    return "what follows '#' must be a JSON pointer (starting with '/')";
  }
  if (is_openapi(text)) {
    if (spec::parse_runtime_expression(text)) return std::nullopt;
    return "'" + std::string(text) + "' is not a valid $request/$response expression";
  }
  if (head.rfind("$inputs.", 0) == 0 && is_name(head.substr(8))) return std::nullopt;
  if (head.rfind("$outputs.", 0) == 0 && is_name(head.substr(9))) return std::nullopt;
  if (head.rfind("$steps.", 0) == 0 && id_and_output(head.substr(7))) return std::nullopt;
  if (head.rfind("$workflows.", 0) == 0 && id_and_output(head.substr(11))) return std::nullopt;
  if (head.rfind("$sourceDescriptions.", 0) == 0 && head.size() > 20) return std::nullopt;
  if (head.rfind("$components.", 0) == 0 && head.size() > 12) return std::nullopt;
  return "'" + std::string(text) +
         "' is not a runtime expression ($url, $method, $statusCode, $request., $response., "
         "$inputs., $outputs., $steps.<id>.outputs., $workflows.<id>.outputs., "
         "$sourceDescriptions., $components.)";
}

std::optional<std::string> step_read(std::string_view text) {
  if (text.rfind("$steps.", 0) != 0) return std::nullopt;
  auto parts = id_and_output(split_fragment(text).first.substr(7));
  if (!parts) return std::nullopt;
  return parts->first;
}

std::optional<json> evaluate(std::string_view text, const Scope& scope, std::string* why) {
  if (auto problem = expression_problem(text)) {
    if (why) *why = *problem;
    return std::nullopt;
  }
  if (is_openapi(text)) {
    if (!scope.exchange) {
      if (why) *why = std::string(text) + " is read where no answer came";
      return std::nullopt;
    }
    auto value = engine::evaluate(json(std::string(text)), *scope.exchange);
    if (!value && why) *why = "the exchange has no " + std::string(text);
    return value;
  }
  // Named, not a structured binding: the lambdas below capture them (clang 14 cannot capture
  // structured bindings).
  const auto fragment = split_fragment(text);
  const std::string_view head = fragment.first;
  const std::string_view pointer = fragment.second;
  if (head.rfind("$inputs.", 0) == 0) {
    std::string name(head.substr(8));
    if (!scope.inputs || !scope.inputs->is_object() || !scope.inputs->contains(name)) {
      if (why) *why = "no input '" + name + "' was given";
      return std::nullopt;
    }
    return at_pointer((*scope.inputs)[name], pointer, why);
  }
  if (head.rfind("$outputs.", 0) == 0) {
    if (!scope.outputs) {
      if (why) *why = "$outputs is read only by a step that runs a workflow";
      return std::nullopt;
    }
    return named(*scope.outputs, head.substr(9), pointer, "the workflow", why);
  }
  auto from = [&](const auto* table, std::string_view rest,
                  const std::string& kind) -> std::optional<json> {
    auto parts = id_and_output(rest);
    if (!table || !parts || !table->contains(parts->first)) {
      if (why) *why = kind + " '" + (parts ? parts->first : std::string(rest)) + "' has not run";
      return std::nullopt;
    }
    return named(table->at(parts->first), parts->second, pointer, kind + " '" + parts->first + "'",
                 why);
  };
  if (head.rfind("$steps.", 0) == 0) return from(scope.steps, head.substr(7), "step");
  if (head.rfind("$workflows.", 0) == 0) return from(scope.workflows, head.substr(11), "workflow");
  if (head.rfind("$sourceDescriptions.", 0) == 0) {
    std::string rest(head.substr(20));
    auto dot = rest.rfind('.');
    if (scope.source_urls && dot != std::string::npos && rest.substr(dot + 1) == "url") {
      auto found = scope.source_urls->find(rest.substr(0, dot));
      if (found != scope.source_urls->end()) return json(found->second);
    }
  }
  if (why) *why = std::string(text) + " has no value while a workflow runs";
  return std::nullopt;
}

json resolve(const json& value, const Scope& scope, std::vector<std::string>& problems) {
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) out[key] = resolve(item, scope, problems);
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(resolve(item, scope, problems));
    return out;
  }
  if (!value.is_string()) return value;
  const std::string& text = value.get_ref<const std::string&>();
  if (!text.empty() && text.front() == '$' && !expression_problem(text)) {
    std::string why;
    if (auto v = evaluate(text, scope, &why)) return *v;
    problems.push_back(text + ": " + why);
    return value;
  }
  if (text.find("{$") == std::string::npos) return value;
  std::string out;
  for (const auto& piece : spec::link_text_pieces(text)) {
    if (!piece.expression) {
      out += piece.text;
      continue;
    }
    std::string why;
    auto v = evaluate(piece.text, scope, &why);
    if (!v) {
      problems.push_back(piece.text + ": " + why);
      out += "{" + piece.text + "}";
      continue;
    }
    out += v->is_string() ? v->get<std::string>() : json_text(*v);
  }
  return out;
}

std::string json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::string> expressions_of(const json& value) {
  std::vector<std::string> out;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      auto inner = expressions_of(item);
      out.insert(out.end(), inner.begin(), inner.end());
    }
    return out;
  }
  if (!value.is_string()) return out;
  const std::string& text = value.get_ref<const std::string&>();
  if (!text.empty() && text.front() == '$') {
    out.push_back(text);
    return out;
  }
  if (text.find("{$") == std::string::npos) return out;
  for (const auto& piece : spec::link_text_pieces(text)) {
    if (piece.expression) out.push_back(piece.text);
  }
  return out;
}

}  // namespace conform::arazzo
