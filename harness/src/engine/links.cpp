#include "conform/engine/links.hpp"

#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/media_type.hpp"
#include "conform/spec/runtime_expression.hpp"

namespace conform::engine {
namespace {

std::optional<std::string> pair_value(const gen::Pairs& pairs, const std::string& name,
                                      bool encoded, bool case_insensitive) {
  for (const auto& [key, value] : pairs) {
    std::string decoded_key = encoded ? core::percent_decode(key).value_or(key) : key;
    bool same = case_insensitive ? core::ascii_lower(decoded_key) == core::ascii_lower(name)
                                 : decoded_key == name;
    if (same) return encoded ? core::percent_decode(value) : std::optional<std::string>(value);
  }
  return std::nullopt;
}

std::optional<nlohmann::json> body_value(const std::string& body, const std::string& fragment) {
  auto json = core::parse_json_or_discarded(body);
  if (json.is_discarded()) {
    if (fragment.empty()) return nlohmann::json(body);
    return std::nullopt;
  }
  if (fragment.empty()) return json;
  try {
    nlohmann::json::json_pointer pointer(fragment);
    if (!json.contains(pointer)) return std::nullopt;
    return json.at(pointer);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<nlohmann::json> expression(const std::string& text, const Exchanged& x) {
  using Source = spec::RuntimeExpression::Source;
  using Part = spec::RuntimeExpression::Part;
  auto parsed = spec::parse_runtime_expression(text);
  if (!parsed) return std::nullopt;
  auto as_json = [](std::optional<std::string> v) -> std::optional<nlohmann::json> {
    if (!v) return std::nullopt;
    return nlohmann::json(*v);
  };
  switch (parsed->source) {
    case Source::url:
      return x.url;
    case Source::method:
      return x.request.method;
    case Source::status_code:
      return x.response.status;
    case Source::request:
      switch (parsed->part) {
        case Part::path: {
          auto values = gen::path_values(x.operation.path, x.request.path);
          auto it = values.find(parsed->name);
          if (it == values.end()) return std::nullopt;
          return it->second;
        }
        case Part::query:
          return as_json(pair_value(x.request.query, parsed->name, true, false));
        case Part::header:
          return as_json(pair_value(x.request.headers, parsed->name, false, true));
        case Part::body:
          if (!x.request.body) return std::nullopt;
          return body_value(*x.request.body, parsed->pointer);
        case Part::none:
          return std::nullopt;
      }
      return std::nullopt;
    case Source::response:
      if (parsed->part == Part::header) {
        return as_json(x.response.header(core::ascii_lower(parsed->name)));
      }
      if (parsed->part == Part::body) return body_value(x.response.body, parsed->pointer);
      return std::nullopt;
  }
  return std::nullopt;
}

// `base` with `given` laid over it: members of objects on both sides merged, anything else
// replaced by what the link gives.
void lay_over(nlohmann::json& base, const nlohmann::json& given) {
  if (!base.is_object() || !given.is_object()) {
    base = given;
    return;
  }
  for (const auto& [name, value] : given.items()) {
    auto it = base.find(name);
    if (it == base.end()) {
      base[name] = value;
    } else {
      lay_over(*it, value);
    }
  }
}

}  // namespace

std::optional<nlohmann::json> evaluate_within(const nlohmann::json& value,
                                              const Exchanged& exchanged) {
  if (!value.is_structured()) return evaluate(value, exchanged);
  nlohmann::json out = value.is_object() ? nlohmann::json::object() : nlohmann::json::array();
  for (const auto& [key, member] : value.items()) {
    auto inner = evaluate_within(member, exchanged);
    if (!inner) return std::nullopt;
    if (value.is_object()) {
      out[key] = std::move(*inner);
    } else {
      out.push_back(std::move(*inner));
    }
  }
  return out;
}

std::optional<nlohmann::json> evaluate(const nlohmann::json& value, const Exchanged& exchanged) {
  if (!value.is_string()) return value;
  const std::string& text = value.get_ref<const std::string&>();
  if (!text.empty() && text.front() == '$') return expression(text, exchanged);
  // Embedded expressions: "{$...}" inside a string.
  std::string out;
  for (const auto& piece : spec::link_text_pieces(text)) {
    if (!piece.expression) {
      out += piece.text;
      continue;
    }
    auto inner = expression(piece.text, exchanged);
    if (!inner) return std::nullopt;
    out += inner->is_string() ? inner->get<std::string>() : inner->dump();
  }
  return out;
}

std::variant<gen::Request, std::string> linked_request(const spec::Operation& target,
                                                       gen::Request request, const spec::Link& link,
                                                       const Exchanged& from) {
  for (const auto& [key, given] : link.parameters.items()) {
    const spec::Parameter* parameter = spec::linked_parameter(target, key);
    if (parameter == nullptr) {
      return "link '" + link.name + "' sets '" + key + "', which " + target.operation_id +
             " has no parameter of";
    }
    auto value = evaluate(given, from);
    if (!value) {
      return "link '" + link.name +
             "': " + (given.is_string() ? given.get<std::string>() : given.dump()) +
             " is not in the exchange with " + from.operation.operation_id;
    }
    std::string text = gen::parameter_text(*value);
    const std::string& name = parameter->name;
    if (parameter->in == "path") {
      request.path = gen::with_path_value(target.path, request.path, name, text);
    } else if (parameter->in == "query") {
      gen::set_pair(request.query, gen::percent_encode(name), gen::percent_encode(text), false);
    } else if (parameter->in == "header") {
      gen::set_pair(request.headers, name, text, true);
    } else {
      gen::set_pair(request.cookies, name, text, false);
    }
  }
  if (link.request_body) {
    auto body = evaluate_within(*link.request_body, from);
    if (!body) {
      return "link '" + link.name + "': its requestBody is not in the exchange with " +
             from.operation.operation_id;
    }
    // What the link gives goes over the valid body the target was given, so that what the
    // target requires and the link leaves out is still there.
    const bool json_body =
        request.body && request.content_type && spec::is_json_media_type(*request.content_type);
    nlohmann::json merged = json_body ? core::parse_json_or_discarded(*request.body)
                                      : nlohmann::json(nlohmann::json::value_t::discarded);
    if (merged.is_discarded()) {
      merged = std::move(*body);
      request.content_type = "application/json";
    } else {
      lay_over(merged, *body);
    }
    request.body = merged.dump();
  }
  return request;
}

}  // namespace conform::engine
