#include "conform/gen/operation_cases.hpp"

#include <algorithm>

#include "conform/core/text.hpp"
#include "conform/gen/boundaries.hpp"
#include "conform/gen/draw.hpp"
#include "conform/gen/keyword_coverage.hpp"
#include "conform/gen/mutations.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::gen {
namespace {

// A deterministic value for a part that a case does not vary.
constexpr std::uint64_t kBaseSeed = 0x5eed;
// Valid bodies with every declared member, drawn to reach each keyword location of the coverage
// phase (each draw may take other oneOf/anyOf branches).
constexpr int kCoverageBodies = 4;
constexpr int kCoverageDepth = 8;  // deeper than the fuzzing phase's 5: nested documents
// Locations named in the note of those the coverage phase could not exercise both ways.
constexpr std::size_t kLocationsNamed = 6;
// Whole requests drawn before a valid one is declared out of reach.
constexpr int kRequestAttempts = 12;

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

// A required header left out has a name of its own: the missing_required_header check owns it.
std::string missing_mutation(const spec::Parameter& parameter) {
  return parameter.in == "header" ? "missing_required_header" : "missing_required_parameter";
}

}  // namespace

struct OperationCases::State {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  const spec::Operation& operation;
  std::vector<Part> parameters;
  std::optional<Part> body;
  bool body_required = false;

  // Serialises the chosen values into a request. Values of header and cookie parameters that
  // cannot travel there are percent-encoded.
  Request assemble(const std::map<const spec::Parameter*, nlohmann::json>& values,
                   const std::optional<nlohmann::json>& body_value) const {
    Request request;
    request.method = core::ascii_upper(operation.method);
    request.path = operation.path;
    for (const Part& part : parameters) {
      auto found = values.find(part.parameter);
      if (found == values.end()) continue;
      const spec::Parameter& p = *part.parameter;
      nlohmann::json value = found->second;
      // OpenAPI has no null on the wire: a null query, header or cookie value is no value.
      if (value.is_null() && p.in != "path" && part.media.empty()) continue;
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

  using Values = std::map<const spec::Parameter*, nlohmann::json>;

  // Inside a generation context: parameter values and a body that read as valid together, or
  // Unsatisfiable with the reason the last attempt failed.
  std::pair<Values, std::optional<nlohmann::json>> draw_valid_parts() const {
    std::string why;
    for (int attempt = 0; attempt < kRequestAttempts; ++attempt) {
      Values values = draw_parameters();
      std::optional<nlohmann::json> drawn_body = draw_body();
      if (!drawn_body && body && body->source) drawn_body = *positive_values(body->source);
      Judgement judgement = judge(assemble(values, drawn_body));
      if (judgement.valid()) return {std::move(values), std::move(drawn_body)};
      why = judgement.why_not_valid();
    }
    throw Unsatisfiable(operation.operation_id, "no generated request reads as valid: " + why);
  }

  Judgement judge(const Request& request) const {
    return gen::judge(spec, schemas, operation, request);
  }

  // Inside a generation context: a request that reads as valid, or Unsatisfiable with the reason
  // the last attempt failed.
  Request draw_valid_request() const {
    std::string why;
    for (int attempt = 0; attempt < kRequestAttempts; ++attempt) {
      Request request = assemble(draw_parameters(), draw_body());
      Judgement judgement = judge(request);
      if (judgement.valid()) return request;
      why = judgement.why_not_valid();
    }
    throw Unsatisfiable(operation.operation_id, "no generated request reads as valid: " + why);
  }
};

OperationCases::OperationCases(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                               const spec::Operation& operation) {
  auto state = std::make_shared<State>(State{spec, schemas, operation, {}, std::nullopt, false});
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
        part.flat = schema::Flattener(part.source->document)(part.source->document);
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
  return rc::gen::exec(
      [state]() { return RequestCase{state->draw_valid_request(), "fuzzing", false, "", "", ""}; });
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
      std::string type = primary_type(part.flat);
      if (type == "integer" || type == "number" || type == "boolean") {
        kinds.emplace_back(Kind::wrong_type, &part);
      }
    }
    // The rest of the request is valid as sent, so that what the server refuses is the mutation.
    auto [values, body] = state->draw_valid_parts();
    std::string why = "the operation declares nothing that a negative request can break";
    for (int attempt = 0; attempt < 40 && !kinds.empty(); ++attempt) {
      std::size_t pick = draw::index(kinds.size());
      auto [kind, part] = kinds[pick];
      auto drop_kind = [&, pick = pick] {
        kinds.erase(kinds.begin() + static_cast<std::ptrdiff_t>(pick));
      };
      RequestCase out{{}, "fuzzing", true, "", "", ""};
      std::optional<nlohmann::json> mutated_value;  // what the server must read, for value kinds
      switch (kind) {
        case Kind::body_value: {
          auto drawn = draw_negative(*part);
          if (!drawn) {
            drop_kind();
            continue;
          }
          out.request = state->assemble(values, drawn->value);
          mutated_value = drawn->value;
          out.mutation = drawn->mutation;
          out.where = "body " + (drawn->pointer.empty() ? "/" : drawn->pointer);
          out.detail = drawn->detail;
          out.pointer = drawn->pointer;
          break;
        }
        case Kind::parameter_value: {
          auto drawn = draw_negative(*part);
          if (!drawn) {
            drop_kind();
            continue;
          }
          auto mutated = values;
          mutated[part->parameter] = drawn->value;
          mutated_value = drawn->value;
          out.request = state->assemble(mutated, body);
          out.mutation = drawn->mutation;
          out.where = describe(*part->parameter);
          out.detail = drawn->detail;
          out.pointer = drawn->pointer;
          break;
        }
        case Kind::missing_parameter: {
          auto mutated = values;
          mutated.erase(part->parameter);
          out.request = state->assemble(mutated, body);
          out.mutation = missing_mutation(*part->parameter);
          out.where = describe(*part->parameter);
          out.detail = "required " + describe(*part->parameter) + " left out";
          break;
        }
        case Kind::wrong_type: {
          auto mutated = values;
          mutated[part->parameter] = "conform";
          out.request = state->assemble(mutated, body);
          out.mutation = "parameter_wrong_type";
          out.where = describe(*part->parameter);
          out.detail = "text that is not a " + primary_type(part->flat);
          break;
        }
        case Kind::malformed_body:
          out.request = state->assemble(values, body);
          out.request.content_type = encode_body(state->body->media, nullptr).content_type;
          out.request.body = "{\"conform\": [1, 2,";
          out.mutation = "malformed_body";
          out.where = "body";
          out.detail = "truncated JSON";
          break;
        case Kind::wrong_content_type: {
          out.request = state->assemble(values, body ? body : nlohmann::json::object());
          out.request.content_type = "text/x-conform";
          out.mutation = "wrong_content_type";
          out.where = "body";
          out.detail = "sent as text/x-conform";
          break;
        }
        case Kind::missing_body:
          out.request = state->assemble(values, std::nullopt);
          out.mutation = "missing_body";
          out.where = "body";
          out.detail = "no body where one is required";
          break;
      }
      Judgement judgement = state->judge(out.request);
      // The label names what the server refuses only if the mutated value arrives as it was:
      // a wrong_type 7 for a text parameter arrives as the string "7" and breaks, if anything,
      // its pattern; a string for a multipart body arrives as no parts at all.
      const nlohmann::json* arrived = nullptr;
      if (kind == Kind::body_value) arrived = &judgement.read.body;
      if (kind == Kind::parameter_value) {
        auto found = judgement.read.parameters.find(part->parameter->name);
        if (found != judgement.read.parameters.end()) arrived = &found->second;
      }
      const bool label_holds = !mutated_value || (arrived != nullptr && *arrived == *mutated_value);
      if (judgement.invalid() && label_holds) return out;
      why = out.mutation + " at " + out.where + ": " +
            (label_holds ? judgement.why_not_invalid()
                         : "the value does not arrive as it was mutated, once serialised");
      // Kinds without random values cannot do better on another attempt.
      if (kind != Kind::body_value && kind != Kind::parameter_value) drop_kind();
    }
    throw Unsatisfiable(state->operation.operation_id,
                        "no invalid request reads as invalid once serialised (" + why + ")");
  });
}

FixedCases OperationCases::examples() const {
  const State& state = *state_;
  FixedCases out;
  // Keeps a case that reads as valid; says why another is not sent.
  auto offer = [&](RequestCase c) {
    Judgement judgement = state.judge(c.request);
    if (judgement.valid()) {
      out.cases.push_back(std::move(c));
    } else {
      out.left_out.push_back(c.detail + " (" + c.where +
                             ") is not a valid request: " + judgement.why_not_valid());
    }
  };
  // The values a case does not vary: each parameter's first example that reads as valid, else a
  // fixed draw.
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
      } catch (const Unsatisfiable& e) {
        out.left_out.push_back("no value for " + describe(*part.parameter) + ": " + e.reason());
        return out;
      }
    }
  }
  bool any_parameter_examples = false;
  for (const Part& part : state.parameters) {
    for (std::size_t i = 1; i < part.parameter->examples.size(); ++i) {
      auto values = base;
      values[part.parameter] = part.parameter->examples[i].value;
      offer({state.assemble(values, std::nullopt), "examples", false, "", describe(*part.parameter),
             "example '" + part.parameter->examples[i].name + "'"});
    }
    any_parameter_examples = any_parameter_examples || !part.parameter->examples.empty();
  }
  bool any_body_examples = false;
  if (state.operation.request_body) {
    for (const auto& media : state.operation.request_body->content) {
      for (const auto& example : media.examples) {
        Request request = state.assemble(base, std::nullopt);
        EncodedBody encoded = encode_body(media.name, example.value);
        request.content_type = encoded.content_type;
        request.body = encoded.bytes;
        offer({std::move(request), "examples", false, "", "body",
               "example '" + example.name + "' of " + media.name});
        any_body_examples = true;
      }
    }
  }
  if (!any_body_examples && any_parameter_examples && !state.body_required) {
    offer({state.assemble(base, std::nullopt), "examples", false, "", "parameters",
           "the parameters' examples"});
  }
  return out;
}

std::optional<RequestCase> OperationCases::minimal() const {
  const State& state = *state_;
  std::map<const spec::Parameter*, nlohmann::json> values;
  try {
    for (const Part& part : state.parameters) {
      if (!part.parameter->required) continue;
      if (!part.parameter->examples.empty()) {
        values[part.parameter] = part.parameter->examples.front().value;
      } else if (part.flat.is_object() && part.flat.contains("default")) {
        values[part.parameter] = part.flat["default"];
      } else {
        values[part.parameter] =
            sample(rc::gen::exec([&state, &part] { return state.draw_value(part); }), kBaseSeed, 1)
                .front();
      }
    }
    std::optional<nlohmann::json> body;
    if (state.body && state.body_required) {
      body = state.body->source ? sample(positive_values(state.body->source), kBaseSeed, 1).front()
                                : nlohmann::json::object();
    }
    Request request = state.assemble(values, body);
    if (!state.judge(request).valid()) return std::nullopt;
    return RequestCase{std::move(request), "stateful", false, "", "", "required parameters only"};
  } catch (const Unsatisfiable&) {
    return std::nullopt;
  }
}

FixedCases OperationCases::coverage() const {
  const State& state = *state_;
  FixedCases out;
  std::map<const spec::Parameter*, nlohmann::json> base;
  std::optional<nlohmann::json> base_body;
  try {
    auto parts =
        sample(rc::gen::exec([&state] { return state.draw_valid_parts(); }), kBaseSeed, 1).front();
    base = std::move(parts.first);
    base_body = std::move(parts.second);
  } catch (const Unsatisfiable& e) {
    out.left_out.push_back("no valid request to vary: " + e.reason());
    return out;
  }
  std::map<std::string, int> dropped;  // reason → count, said once each
  KeywordCoverage keywords(state.spec, state.schemas, state.operation);
  KeywordCoverage::Exercised seen;
  // Whether the case would exercise a location no case so far has, the way it is meant to.
  auto adds = [&](const RequestCase& c) {
    auto exercised = keywords.exercised(c);
    const auto& mine = c.negative ? exercised.invalid : exercised.valid;
    const auto& before = c.negative ? seen.invalid : seen.valid;
    return std::any_of(mine.begin(), mine.end(),
                       [&](const std::string& l) { return !before.contains(l); });
  };
  auto offer = [&](RequestCase c) {
    Judgement judgement = state.judge(c.request);
    bool fits = c.negative ? judgement.invalid() : judgement.valid();
    if (fits) {
      auto exercised = keywords.exercised(c);
      seen.valid.merge(exercised.valid);
      seen.invalid.merge(exercised.invalid);
      out.cases.push_back(std::move(c));
      return;
    }
    std::string what = c.negative ? "invalid boundary values" : "valid boundary values";
    ++dropped[what + " of " + c.where + " not sent: " +
              (c.negative ? judgement.why_not_invalid() : judgement.why_not_valid())];
  };
  for (const Part& part : state.parameters) {
    if (!part.source) continue;
    Boundaries edges = boundary_values(*part.source);
    for (const auto& value : edges.positive) {
      auto values = base;
      values[part.parameter] = value;
      offer({state.assemble(values, base_body), "coverage", false, "", describe(*part.parameter),
             "boundary value " + value.dump()});
    }
    for (const auto& negative : edges.negative) {
      auto values = base;
      values[part.parameter] = negative.value;
      offer({state.assemble(values, base_body), "coverage", true, negative.mutation,
             describe(*part.parameter), "one past a bound: " + negative.value.dump(),
             negative.pointer});
    }
  }
  if (state.body && state.body->source) {
    Boundaries edges = boundary_values(*state.body->source);
    for (const auto& value : edges.positive) {
      offer({state.assemble(base, value), "coverage", false, "", "body", "boundary value"});
    }
    for (const auto& negative : edges.negative) {
      offer({state.assemble(base, negative.value), "coverage", true, negative.mutation,
             "body " + (negative.pointer.empty() ? "/" : negative.pointer), negative.detail,
             negative.pointer});
    }
  }
  // Every keyword location both ways: bodies with every member reach the locations the base does
  // not, and each keeps the verified mutations that break a location no case has broken yet.
  if (state.body && state.body->source) {
    for (int draw = 0; draw < kCoverageBodies; ++draw) {
      nlohmann::json value;
      try {
        value = sample(positive_values(state.body->source, {.max_depth = kCoverageDepth,
                                                            .example_odds = 1000000,
                                                            .every_property = true}),
                       kBaseSeed + static_cast<std::uint64_t>(draw), 1)
                    .front();
      } catch (const std::exception&) {
        break;  // the boundary values and the base already said why
      }
      RequestCase full{state.assemble(base, value), "coverage", false, "", "body",
                       "every declared member"};
      if (adds(full)) offer(std::move(full));
      // Verified only when it would add a location: verifying every candidate of a large body
      // costs a validation each.
      for (const auto& negative : mutation_candidates(*state.body->source, value)) {
        RequestCase broken{state.assemble(base, negative.value),
                           "coverage",
                           true,
                           negative.mutation,
                           "body " + (negative.pointer.empty() ? "/" : negative.pointer),
                           negative.detail,
                           negative.pointer};
        if (adds(broken) && refused_where_named(*state.body->source, negative)) {
          offer(std::move(broken));
        }
      }
    }
  }
  for (const Part& part : state.parameters) {
    auto value = base.find(part.parameter);
    if (!part.source || value == base.end()) continue;
    for (const auto& negative : mutation_candidates(*part.source, value->second)) {
      auto values = base;
      values[part.parameter] = negative.value;
      RequestCase broken{state.assemble(values, base_body),
                         "coverage",
                         true,
                         negative.mutation,
                         describe(*part.parameter),
                         negative.detail,
                         negative.pointer};
      // The label holds only if the value arrives as it was: 7 for a text parameter arrives as
      // "7", and breaks its enum, if anything, not its type.
      if (!adds(broken) || !refused_where_named(*part.source, negative)) continue;
      Judgement read = state.judge(broken.request);
      auto arrived = read.read.parameters.find(part.parameter->name);
      if (arrived != read.read.parameters.end() && arrived->second == negative.value) {
        offer(std::move(broken));
      }
    }
  }
  // Each required part left out in turn.
  for (const Part& part : state.parameters) {
    if (!part.parameter->required || part.parameter->in == "path") continue;
    auto values = base;
    values.erase(part.parameter);
    offer({state.assemble(values, base_body), "coverage", true, missing_mutation(*part.parameter),
           describe(*part.parameter), "required " + describe(*part.parameter) + " left out"});
  }
  if (state.body && state.body_required) {
    offer({state.assemble(base, std::nullopt), "coverage", true, "missing_body", "body",
           "no body where one is required"});
  }
  for (const auto& [reason, count] : dropped) {
    out.left_out.push_back(std::to_string(count) + " " + reason);
  }
  // What stays unexercised is said, by location, not dropped.
  for (bool negative : {false, true}) {
    std::vector<std::string> missing;
    for (const auto& l : keywords.locations()) {
      if (negative && keywords.unbreakable().contains(l)) continue;  // the coverage file says why
      if (!(negative ? seen.invalid : seen.valid).contains(l)) missing.push_back(l);
    }
    if (missing.empty()) continue;
    std::string named;
    for (std::size_t i = 0; i < missing.size() && i < kLocationsNamed; ++i) {
      named += (i == 0 ? "" : "; ") + missing[i];
    }
    if (missing.size() > kLocationsNamed) {
      named += "; and " + std::to_string(missing.size() - kLocationsNamed) + " more";
    }
    out.left_out.push_back(std::to_string(missing.size()) + " of " +
                           std::to_string(keywords.locations().size()) + " keyword locations " +
                           (negative ? "not broken alone" : "not reached by a valid value") +
                           " (docs/coverage.md): " + named);
  }
  return out;
}

}  // namespace conform::gen
