#include "conform/gen/operation_cases.hpp"

#include <algorithm>

#include "conform/gen/boundaries.hpp"
#include "conform/gen/draw.hpp"
#include "conform/gen/mutations.hpp"
#include "conform/gen/values.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::gen {
namespace {

// A deterministic value for a part that a case does not vary.
constexpr std::uint64_t kBaseSeed = 0x5eed;

struct Part {
  const spec::Parameter* parameter = nullptr;  // null for the body
  SchemaSourcePtr source;                      // null when the part has no schema
  nlohmann::json flat;                         // the schema's top, flattened, for reading text back
  std::string media;                           // body (or `content` parameter) media type
};

// Inside a generation context: a negative value of the part, or nothing when its schema has
// nothing to break.
std::optional<NegativeValue> draw_negative(const Part& part) {
  try {
    return *negative_values(part.source);
  } catch (const Unsatisfiable&) {
    return std::nullopt;
  }
}

std::string describe(const spec::Parameter& parameter) {
  return parameter.in + " parameter '" + parameter.name + "'";
}

}  // namespace

struct OperationCases::State {
  const spec::Spec& spec;
  const spec::Operation& operation;
  std::vector<Part> parameters;
  std::optional<Part> body;
  bool body_required = false;

  // Serialises the chosen values into a request. Values of header and cookie parameters that
  // cannot travel there are percent-encoded.
  Request assemble(const std::map<const spec::Parameter*, nlohmann::json>& values,
                   const std::optional<nlohmann::json>& body_value) const {
    Request request;
    request.method = operation.method;
    std::transform(request.method.begin(), request.method.end(), request.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    request.path = operation.path;
    for (const Part& part : parameters) {
      auto found = values.find(part.parameter);
      if (found == values.end()) continue;
      const spec::Parameter& p = *part.parameter;
      nlohmann::json value = found->second;
      if (!part.media.empty()) value = value.dump();  // the `content` form: the value as JSON text
      if (p.in == "path") {
        std::string token = "{" + p.name + "}";
        auto at = request.path.find(token);
        if (at != std::string::npos) {
          request.path.replace(at, token.size(), serialize_path_parameter(p, value));
        }
      } else if (p.in == "query") {
        for (auto& pair : serialize_query_parameter(p, value)) request.query.push_back(pair);
      } else if (p.in == "header") {
        std::string text = serialize_header_parameter(p, value);
        request.headers.emplace_back(p.name, header_safe(text) ? text : percent_encode(text));
      } else if (p.in == "cookie") {
        for (auto& pair : serialize_cookie_parameter(p, value)) request.cookies.push_back(pair);
      }
    }
    if (body && body_value) {
      EncodedBody encoded = encode_body(body->media, *body_value);
      request.content_type = encoded.content_type;
      request.body = std::move(encoded.bytes);
    }
    return request;
  }

  // Inside a generation context: valid values for every required part and some optional ones.
  // Inside a generation context: a valid value of the parameter, preferring values that travel as
  // they are: header-safe text in headers and cookies, and no empty, "." or ".." path segment (a
  // server reads "/things/" or "/things/.." as another path than "/things/{id}").
  nlohmann::json draw_value(const Part& part) const {
    auto fits = [&](const nlohmann::json& value) {
      const std::string& in = part.parameter->in;
      if (in == "header" || in == "cookie") return header_safe(parameter_text(value));
      if (in == "path") {
        std::string text = parameter_text(value);
        return !text.empty() && text != "." && text != "..";
      }
      return true;
    };
    nlohmann::json value = part.source ? *positive_values(part.source) : draw::any_value(1);
    for (int retry = 0; retry < 6 && !fits(value); ++retry) {
      value = part.source ? *positive_values(part.source) : draw::any_value(1);
    }
    return value;
  }

  std::map<const spec::Parameter*, nlohmann::json> draw_parameters() const {
    std::map<const spec::Parameter*, nlohmann::json> values;
    for (const Part& part : parameters) {
      if (!part.parameter->required && !draw::coin()) continue;
      values[part.parameter] = draw_value(part);
    }
    return values;
  }

  std::optional<nlohmann::json> draw_body() const {
    if (!body || (!body_required && !draw::coin())) return std::nullopt;
    return body->source ? *positive_values(body->source) : draw::any_value(1);
  }

  // What the server reads from a parameter's text, validated: is it refused?
  bool refused_as_sent(const Part& part, const nlohmann::json& value) const {
    if (!part.source) return false;
    nlohmann::json read =
        value.is_structured() ? value : read_parameter_text(parameter_text(value), part.flat);
    return !part.source->validate(read).empty();
  }
};

OperationCases::OperationCases(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                               const spec::Operation& operation) {
  auto state = std::make_shared<State>(State{spec, operation, {}, std::nullopt, false});
  for (const spec::Parameter& parameter : operation.parameters) {
    Part part;
    part.parameter = &parameter;
    std::optional<spec::SchemaId> id = parameter.schema;
    if (!id && !parameter.content.empty()) {
      id = parameter.content.front().schema;
      part.media = parameter.content.front().name;
    }
    if (id) {
      part.source = source_for(spec, schemas, *id, spec::Direction::request);
      try {
        part.flat = detail::Flattener(part.source->document)(part.source->document);
      } catch (const std::exception&) {
        part.flat = nlohmann::json::object();
      }
    }
    state->parameters.push_back(std::move(part));
  }
  if (operation.request_body && !operation.request_body->content.empty()) {
    const auto& content = operation.request_body->content;
    auto chosen = std::find_if(content.begin(), content.end(), [](const spec::MediaType& m) {
      return spec::is_json_media_type(m.name);
    });
    if (chosen == content.end()) chosen = content.begin();
    Part part;
    part.media = chosen->name;
    if (chosen->schema) {
      part.source = source_for(spec, schemas, *chosen->schema, spec::Direction::request);
    }
    state->body = std::move(part);
    state->body_required = operation.request_body->required;
  }
  state_ = std::move(state);
}

OperationCases::~OperationCases() = default;
OperationCases::OperationCases(OperationCases&&) noexcept = default;

const spec::Operation& OperationCases::operation() const { return state_->operation; }

rc::Gen<RequestCase> OperationCases::positive() const {
  auto state = state_;
  return rc::gen::exec([state]() {
    auto values = state->draw_parameters();
    auto body = state->draw_body();
    return RequestCase{state->assemble(values, body), "fuzzing", false, "", "", ""};
  });
}

rc::Gen<RequestCase> OperationCases::negative() const {
  auto state = state_;
  return rc::gen::exec([state]() -> RequestCase {
    enum class Kind {
      body_value,
      parameter_value,
      missing_parameter,
      wrong_type,
      malformed_body,
      wrong_content_type,
      missing_body
    };
    std::vector<std::pair<Kind, const Part*>> kinds;
    if (state->body) {
      if (state->body->source) kinds.emplace_back(Kind::body_value, &*state->body);
      if (spec::is_json_media_type(state->body->media))
        kinds.emplace_back(Kind::malformed_body, nullptr);
      kinds.emplace_back(Kind::wrong_content_type, nullptr);
      if (state->body_required) kinds.emplace_back(Kind::missing_body, nullptr);
    }
    for (const Part& part : state->parameters) {
      if (part.source) kinds.emplace_back(Kind::parameter_value, &part);
      if (part.parameter->required && part.parameter->in != "path") {
        kinds.emplace_back(Kind::missing_parameter, &part);
      }
      std::string type = part.flat.value("type", "");
      if (type == "integer" || type == "number" || type == "boolean") {
        kinds.emplace_back(Kind::wrong_type, &part);
      }
    }
    for (int attempt = 0; attempt < 12 && !kinds.empty(); ++attempt) {
      std::size_t pick = draw::index(kinds.size());
      auto [kind, part] = kinds[pick];
      auto values = state->draw_parameters();
      std::optional<nlohmann::json> body =
          state->body ? std::optional<nlohmann::json>(state->body->source
                                                          ? *positive_values(state->body->source)
                                                          : nlohmann::json::object())
                      : std::nullopt;
      RequestCase out{{}, "fuzzing", true, "", "", ""};
      switch (kind) {
        case Kind::body_value: {
          auto drawn = draw_negative(*part);
          if (!drawn) {
            kinds.erase(kinds.begin() + static_cast<std::ptrdiff_t>(pick));
            continue;
          }
          const NegativeValue& negative = *drawn;
          out.request = state->assemble(values, negative.value);
          out.mutation = negative.mutation;
          out.where = "body " + (negative.pointer.empty() ? "/" : negative.pointer);
          out.detail = negative.detail;
          return out;
        }
        case Kind::parameter_value: {
          auto drawn = draw_negative(*part);
          if (!drawn) {
            kinds.erase(kinds.begin() + static_cast<std::ptrdiff_t>(pick));
            continue;
          }
          const NegativeValue& negative = *drawn;
          // Serialised, the value must still break the schema as the server reads it.
          if (!state->refused_as_sent(*part, negative.value)) continue;
          values[part->parameter] = negative.value;
          out.request = state->assemble(values, body);
          out.mutation = negative.mutation;
          out.where = describe(*part->parameter);
          out.detail = negative.detail;
          return out;
        }
        case Kind::missing_parameter:
          values.erase(part->parameter);
          out.request = state->assemble(values, body);
          out.mutation = "missing_required_parameter";
          out.where = describe(*part->parameter);
          out.detail = "required " + describe(*part->parameter) + " left out";
          return out;
        case Kind::wrong_type:
          values[part->parameter] = "conform";
          if (!state->refused_as_sent(*part, "conform")) {
            kinds.erase(kinds.begin() + static_cast<std::ptrdiff_t>(pick));
            continue;
          }
          out.request = state->assemble(values, body);
          out.mutation = "parameter_wrong_type";
          out.where = describe(*part->parameter);
          out.detail = "text that is not a " + part->flat.value("type", std::string("value"));
          return out;
        case Kind::malformed_body:
          out.request = state->assemble(values, body);
          out.request.body = "{\"conform\": [1, 2,";
          out.mutation = "malformed_body";
          out.where = "body";
          out.detail = "truncated JSON";
          return out;
        case Kind::wrong_content_type: {
          out.request = state->assemble(values, body);
          const auto& content = state->operation.request_body->content;
          std::string type = "text/x-conform";
          bool declared = std::any_of(content.begin(), content.end(), [&](const auto& m) {
            return spec::match_media_type({m}, type) != nullptr;
          });
          if (declared) {  // `*/*` accepts everything: nothing to break
            kinds.erase(kinds.begin() + static_cast<std::ptrdiff_t>(pick));
            continue;
          }
          out.request.content_type = type;
          out.mutation = "wrong_content_type";
          out.where = "body";
          out.detail = "sent as " + type;
          return out;
        }
        case Kind::missing_body:
          out.request = state->assemble(values, std::nullopt);
          out.mutation = "missing_body";
          out.where = "body";
          out.detail = "no body where one is required";
          return out;
      }
    }
    throw Unsatisfiable(state->operation.operation_id,
                        "the operation declares nothing that a negative request can break");
  });
}

std::vector<RequestCase> OperationCases::examples() const {
  const State& state = *state_;
  std::vector<RequestCase> out;
  // The values a case does not vary: each parameter's first example, else a fixed draw.
  std::map<const spec::Parameter*, nlohmann::json> base;
  for (const Part& part : state.parameters) {
    if (!part.parameter->examples.empty()) {
      base[part.parameter] = part.parameter->examples.front().value;
    } else if (part.parameter->required) {
      try {
        base[part.parameter] =
            part.source ? sample(rc::gen::exec([&state, &part] { return state.draw_value(part); }),
                                 kBaseSeed, 1)
                              .front()
                        : nlohmann::json("x");
      } catch (const Unsatisfiable&) {
        return out;
      }
    }
  }
  bool any_parameter_examples = false;
  for (const Part& part : state.parameters) {
    for (std::size_t i = 1; i < part.parameter->examples.size(); ++i) {
      auto values = base;
      values[part.parameter] = part.parameter->examples[i].value;
      out.push_back({state.assemble(values, std::nullopt), "examples", false, "",
                     describe(*part.parameter),
                     "example '" + part.parameter->examples[i].name + "'"});
    }
    any_parameter_examples = any_parameter_examples || !part.parameter->examples.empty();
  }
  if (state.operation.request_body) {
    for (const auto& media : state.operation.request_body->content) {
      for (const auto& example : media.examples) {
        Request request = state.assemble(base, std::nullopt);
        EncodedBody encoded = encode_body(media.name, example.value);
        request.content_type = encoded.content_type;
        request.body = encoded.bytes;
        out.push_back({std::move(request), "examples", false, "", "body",
                       "example '" + example.name + "' of " + media.name});
      }
    }
  }
  if (out.empty() && any_parameter_examples && !state.body_required) {
    out.push_back({state.assemble(base, std::nullopt), "examples", false, "", "parameters",
                   "the parameters' examples"});
  }
  return out;
}

std::vector<RequestCase> OperationCases::coverage() const {
  const State& state = *state_;
  std::vector<RequestCase> out;
  std::map<const spec::Parameter*, nlohmann::json> base;
  std::optional<nlohmann::json> base_body;
  try {
    for (const Part& part : state.parameters) {
      if (part.parameter->required && part.source) {
        base[part.parameter] = sample(positive_values(part.source), kBaseSeed, 1).front();
      }
    }
    if (state.body && state.body->source) {
      base_body = sample(positive_values(state.body->source), kBaseSeed, 1).front();
    }
  } catch (const Unsatisfiable&) {
    return out;  // the fuzzing phase reports what cannot be generated
  }
  for (const Part& part : state.parameters) {
    if (!part.source) continue;
    Boundaries edges = boundary_values(*part.source);
    for (const auto& value : edges.positive) {
      auto values = base;
      values[part.parameter] = value;
      out.push_back({state.assemble(values, base_body), "coverage", false, "",
                     describe(*part.parameter), "boundary value " + value.dump()});
    }
    for (const auto& negative : edges.negative) {
      if (!state.refused_as_sent(part, negative.value)) continue;
      auto values = base;
      values[part.parameter] = negative.value;
      out.push_back({state.assemble(values, base_body), "coverage", true, negative.mutation,
                     describe(*part.parameter), "one past a bound: " + negative.value.dump()});
    }
  }
  if (state.body && state.body->source) {
    Boundaries edges = boundary_values(*state.body->source);
    for (const auto& value : edges.positive) {
      out.push_back({state.assemble(base, value), "coverage", false, "", "body", "boundary value"});
    }
    for (const auto& negative : edges.negative) {
      out.push_back({state.assemble(base, negative.value), "coverage", true, negative.mutation,
                     "body " + (negative.pointer.empty() ? "/" : negative.pointer),
                     negative.detail});
    }
  }
  return out;
}

}  // namespace conform::gen
