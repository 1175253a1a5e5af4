#include "conform/gen/mutations.hpp"

#include <cmath>
#include <set>

#include "conform/core/json_pointer.hpp"
#include "conform/gen/request.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/schema/formats.hpp"
#include "conform/schema/regex.hpp"

namespace conform::gen {
namespace {

const std::set<std::string> kAllTypes = {"null",   "boolean", "integer", "number",
                                         "string", "array",   "object"};

// The declared types, an integer counting as a number.
std::set<std::string> declared_types(const nlohmann::json& schema) {
  auto names = type_names(schema);
  std::set<std::string> types(names.begin(), names.end());
  if (types.contains("number")) types.insert("integer");
  return types;
}

// Item and property counts, for the keywords that take them.
std::optional<std::size_t> count_of(const nlohmann::json& schema, const char* keyword) {
  auto value = numeric_keyword(schema, keyword);
  if (!value || *value < 0 || *value > 1e6) return std::nullopt;
  return static_cast<std::size_t>(*value);
}

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

class Collector {
 public:
  Collector(const SchemaSource& source, const nlohmann::json& valid, bool verify = true)
      : source_(source), valid_(valid), verify_(verify), flatten_(source.document) {}

  bool verify(const NegativeValue& candidate) const {
    return refused_where_named(source_, candidate);
  }

  std::vector<NegativeValue> run() {
    visit(source_.document, valid_, "", 0);
    return std::move(kept_);
  }

 private:
  // Keeps the candidate if the validator refuses it at (or below) the pointer it names (or keeps
  // it unverified, for a caller that verifies lazily).
  void offer(const std::string& pointer, nlohmann::json replacement, const char* mutation,
             std::string detail, bool remove = false) {
    nlohmann::json whole = valid_;
    nlohmann::json::json_pointer where(pointer);
    if (remove) {
      // `pointer` names the property to remove; the violation is reported at its object.
      whole.at(where.parent_pointer()).erase(where.back());
    } else if (pointer.empty()) {
      whole = replacement;
    } else {
      whole.at(where) = replacement;
    }
    NegativeValue candidate{std::move(whole), mutation, pointer, std::move(detail),
                            remove ? where.parent_pointer().to_string() : pointer};
    if (!verify_ || verify(candidate)) kept_.push_back(std::move(candidate));
  }

  void visit(const nlohmann::json& raw, const nlohmann::json& value, const std::string& pointer,
             int depth) {
    if (depth > 12) return;
    const nlohmann::json* flat = flatten_.try_flatten(raw);
    if (flat == nullptr) return;
    const nlohmann::json& schema = *flat;
    if (!schema.is_object()) return;

    std::set<std::string> types = declared_types(schema);
    if (!types.empty()) {
      static const std::vector<std::pair<std::string, nlohmann::json>> kReplacements = {
          {"string", "conform"},
          {"integer", 7},
          {"number", 7.5},
          {"boolean", true},
          {"array", nlohmann::json::array()},
          {"object", nlohmann::json::object()}};
      for (const auto& [type, replacement] : kReplacements) {
        if (!types.contains(type) && !(type == "number" && types.contains("integer") &&
                                       types.size() > 1 && types.contains("number"))) {
          offer(pointer, replacement, "wrong_type",
                "a " + type + " where the schema allows " + nlohmann::json(types).dump());
          break;
        }
      }
      if (!types.contains("null")) {
        offer(pointer, nullptr, "null_not_allowed", "null where the schema does not allow it");
      }
    }
    if (auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
      for (const nlohmann::json& candidate : {nlohmann::json("conform-not-in-enum"),
                                              nlohmann::json(987654321), nlohmann::json(false)}) {
        if (std::find(values->begin(), values->end(), candidate) == values->end()) {
          offer(pointer, candidate, "enum_violation", "a value outside the enum");
          break;
        }
      }
    }
    if (auto constant = schema.find("const"); constant != schema.end()) {
      nlohmann::json other =
          constant->is_string() ? nlohmann::json("conform-not-const") : nlohmann::json("conform");
      offer(pointer, other, "const_violation", "a value other than the const");
    }

    // Inside a choice, each branch's constraints: the verification keeps a mutation only where no
    // branch accepts the value any more (a member's enum broken for every branch, say).
    for (const char* keyword : {"oneOf", "anyOf"}) {
      auto branches = schema.find(keyword);
      if (branches == schema.end() || !branches->is_array()) continue;
      for (const auto& branch : *branches) visit(branch, value, pointer, depth + 1);
    }
    if (value.is_number()) numeric(schema, value, pointer);
    if (value.is_string()) text(schema, value.get<std::string>(), pointer);
    if (value.is_array()) array(schema, value, pointer, depth);
    if (value.is_object()) object(schema, value, pointer, depth);
  }

  void numeric(const nlohmann::json& schema, const nlohmann::json& value,
               const std::string& pointer) {
    bool integral =
        declared_types(schema).contains("integer") && !declared_types(schema).contains("number");
    double step = integral ? 1.0 : 0.5;
    if (auto minimum = numeric_keyword(schema, "minimum")) {
      offer(pointer, json_number(strictly_below(integral ? std::ceil(*minimum) : *minimum, step)),
            "below_minimum", "below the minimum " + nlohmann::json(*minimum).dump());
    }
    if (auto minimum = numeric_keyword(schema, "exclusiveMinimum")) {
      offer(pointer, json_number(*minimum), "below_minimum",
            "equal to the exclusive minimum " + nlohmann::json(*minimum).dump());
    }
    if (auto maximum = numeric_keyword(schema, "maximum")) {
      offer(pointer, json_number(strictly_above(integral ? std::floor(*maximum) : *maximum, step)),
            "above_maximum", "above the maximum " + nlohmann::json(*maximum).dump());
    }
    if (auto maximum = numeric_keyword(schema, "exclusiveMaximum")) {
      offer(pointer, json_number(*maximum), "above_maximum",
            "equal to the exclusive maximum " + nlohmann::json(*maximum).dump());
    }
    if (auto multiple = numeric_keyword(schema, "multipleOf"); multiple && *multiple > 0) {
      double broken = value.get<double>() + *multiple / 2;
      offer(pointer, json_number(broken), "not_multiple_of",
            "not a multiple of " + nlohmann::json(*multiple).dump());
    }
  }

  void text(const nlohmann::json& schema, const std::string& value, const std::string& pointer) {
    if (auto min = numeric_keyword(schema, "minLength"); min && *min >= 1) {
      offer(pointer, std::string(static_cast<std::size_t>(*min) - 1, 'a'), "too_short",
            "shorter than minLength " + nlohmann::json(*min).dump());
    }
    if (auto max = numeric_keyword(schema, "maxLength"); max && *max < 65536) {
      std::string longer = value;
      std::size_t length = code_points(value);
      if (length <= static_cast<std::size_t>(*max)) {
        longer.append(static_cast<std::size_t>(*max) + 1 - length, 'z');
      }
      offer(pointer, longer, "too_long", "longer than maxLength " + nlohmann::json(*max).dump());
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      if (auto regex = schema::Regex::compile(pattern->get<std::string>())) {
        for (const char* candidate : {"", "!", "~~~ conform ~~~", "0", "a", "\n"}) {
          if (regex->search(candidate) == schema::Regex::Outcome::no_match) {
            offer(pointer, candidate, "pattern_mismatch",
                  "does not match the pattern " + pattern->get<std::string>());
            break;
          }
        }
      }
    }
    if (auto format = schema.find("format"); format != schema.end() && format->is_string()) {
      const std::string& name = format->get_ref<const std::string&>();
      if (schema::is_checked_format(name)) {
        std::string broken = "not a " + name + " [%]";
        if (check_broken(name, broken)) {
          offer(pointer, broken, "format_broken", "not a valid " + name);
        }
      }
    }
  }

  static bool check_broken(const std::string& format, const std::string& candidate) {
    auto verdict = schema::check_format(format, candidate);
    return verdict && !*verdict;
  }

  void array(const nlohmann::json& schema, const nlohmann::json& value, const std::string& pointer,
             int depth) {
    if (auto min = count_of(schema, "minItems"); min && *min >= 1 && value.size() >= *min) {
      nlohmann::json fewer = value;
      while (fewer.size() >= *min) fewer.erase(fewer.size() - 1);
      offer(pointer, fewer, "too_few_items", "fewer items than minItems");
    }
    if (auto max = count_of(schema, "maxItems"); max && *max < 10000 && !value.empty()) {
      nlohmann::json more = value;
      while (more.size() <= *max) more.push_back(value.back());
      offer(pointer, more, "too_many_items", "more items than maxItems");
    }
    if (schema.value("uniqueItems", false) && !value.empty()) {
      nlohmann::json duplicated = value;
      duplicated.push_back(value.front());
      offer(pointer, duplicated, "duplicate_items", "a repeated item where items must be unique");
    }
    auto items = schema.find("items");
    if (items == schema.end()) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const nlohmann::json& item_schema =
          items->is_array() ? (i < items->size() ? (*items)[i] : nlohmann::json::object()) : *items;
      visit(item_schema, value[i], core::append_pointer(pointer, i), depth + 1);
    }
  }

  void object(const nlohmann::json& schema, const nlohmann::json& value, const std::string& pointer,
              int depth) {
    if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const auto& name : *required) {
        if (name.is_string() && value.contains(name.get<std::string>())) {
          offer(core::append_pointer(pointer, name.get<std::string>()), nullptr, "missing_required",
                "required property '" + name.get<std::string>() + "' left out", true);
        }
      }
    }
    auto additional = schema.find("additionalProperties");
    if (additional != schema.end() && additional->is_boolean() && !additional->get<bool>()) {
      std::string name = "conform-unexpected";
      if (!value.contains(name)) {
        nlohmann::json extra = value;
        extra[name] = 1;
        offer(pointer, extra, "extra_property",
              "an undeclared property where additionalProperties is false");
      }
    }
    if (auto min = count_of(schema, "minProperties"); min && *min >= 1 && !value.empty()) {
      nlohmann::json fewer = value;
      while (!fewer.empty() && fewer.size() >= *min) fewer.erase(fewer.begin());
      offer(pointer, fewer, "too_few_properties", "fewer properties than minProperties");
    }
    if (auto max = count_of(schema, "maxProperties"); max && *max < 10000) {
      nlohmann::json more = value;
      for (int i = 0; more.size() <= *max; ++i) more["conform-extra-" + std::to_string(i)] = 0;
      offer(pointer, more, "too_many_properties", "more properties than maxProperties");
    }
    auto properties = schema.find("properties");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const nlohmann::json* property_schema = nullptr;
      if (properties != schema.end() && properties->is_object() && properties->contains(it.key())) {
        property_schema = &(*properties)[it.key()];
      } else if (additional != schema.end() && additional->is_object()) {
        property_schema = &*additional;
      }
      if (property_schema) {
        visit(*property_schema, it.value(), core::append_pointer(pointer, it.key()), depth + 1);
      }
    }
  }

  const SchemaSource& source_;
  const nlohmann::json& valid_;
  bool verify_;
  schema::Flattener flatten_;
  std::vector<NegativeValue> kept_;
};

}  // namespace

const std::vector<MutationInfo>& mutation_catalogue() {
  static const std::vector<MutationInfo> catalogue = {
      {"wrong_type", "a value of a type the schema does not allow", "type"},
      {"null_not_allowed", "null where the schema's types exclude it", "type"},
      {"enum_violation", "a value outside `enum`", "enum"},
      {"const_violation", "a value other than `const`", "const"},
      {"below_minimum", "a number below `minimum`, or equal to `exclusiveMinimum`", "minimum"},
      {"above_maximum", "a number above `maximum`, or equal to `exclusiveMaximum`", "maximum"},
      {"not_multiple_of", "a number that is not a multiple of `multipleOf`", "multipleOf"},
      {"too_short", "a string shorter than `minLength`", "minLength"},
      {"too_long", "a string longer than `maxLength`", "maxLength"},
      {"pattern_mismatch", "a string that `pattern` does not match", "pattern"},
      {"format_broken", "a string that is not of its `format` (date-time, email, uuid, ...)",
       "format"},
      {"missing_required", "an object without one of its `required` properties", "required"},
      {"extra_property", "an undeclared property where `additionalProperties` is false",
       "additionalProperties"},
      {"too_few_properties", "an object with fewer properties than `minProperties`",
       "minProperties"},
      {"too_many_properties", "an object with more properties than `maxProperties`",
       "maxProperties"},
      {"too_few_items", "an array with fewer items than `minItems`", "minItems"},
      {"too_many_items", "an array with more items than `maxItems`", "maxItems"},
      {"duplicate_items", "a repeated item where `uniqueItems` is true", "uniqueItems"},
      {"missing_required_parameter",
       "a request without one of its required query or cookie parameters", "required"},
      {"missing_required_header", "a request without one of its required header parameters",
       "required"},
      {"parameter_wrong_type", "a parameter whose text cannot be read as its schema's type",
       "type"},
      {"malformed_body", "a request body that is not well-formed JSON", ""},
      {"wrong_content_type", "a request body sent with a media type the operation does not accept",
       ""},
      {"missing_body", "no request body where one is required", "required"},
  };
  return catalogue;
}

std::vector<NegativeValue> mutations_of(const SchemaSource& source, const nlohmann::json& valid) {
  return Collector(source, valid).run();
}

std::vector<NegativeValue> mutation_candidates(const SchemaSource& source,
                                               const nlohmann::json& valid) {
  return Collector(source, valid, /*verify=*/false).run();
}

bool refused_where_named(const SchemaSource& source, const NegativeValue& candidate) {
  auto violations = source.validate(candidate.value);
  const std::string& at = candidate.expected_at;
  return !violations.empty() &&
         std::any_of(violations.begin(), violations.end(), [&](const auto& v) {
           return v.instance_pointer == at || v.instance_pointer.rfind(at + "/", 0) == 0 ||
                  (v.instance_pointer.empty() && violations.size() == 1);
         });
}

rc::Gen<NegativeValue> negative_values(SchemaSourcePtr source, ValueOptions options) {
  auto positives = positive_values(source, options);
  return rc::gen::exec([source, positives]() -> NegativeValue {
    for (int attempt = 0; attempt < 8; ++attempt) {
      nlohmann::json base = *positives;
      // Candidates are verified one at a time, in a drawn order, until one holds: verifying all
      // of them would validate the whole value once per node.
      Collector collector(*source, base, /*verify=*/false);
      std::vector<NegativeValue> candidates = collector.run();
      while (!candidates.empty()) {
        std::size_t pick =
            *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(0, candidates.size()));
        if (collector.verify(candidates[pick])) return candidates[pick];
        candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(pick));
      }
    }
    throw Unsatisfiable(source->location,
                        "the schema constrains nothing that a mutation can break");
  });
}

}  // namespace conform::gen
