#include "conform/schema/compiled_schema.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <unordered_map>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <variant>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/schema/explain.hpp"
#include "conform/schema/formats.hpp"
#include "conform/schema/regex.hpp"
#include "conform/schema/unique_items.hpp"
#include "conform/spec/schema_walk.hpp"

namespace conform::schema {
namespace {

// The keywords this module checks itself; `prepare` renames them so that valijson leaves them to
// us.
constexpr const char* kPatternKeyword = "x-conform-pattern";
constexpr const char* kFormatKeyword = "x-conform-format";
// valijson 1.0 gives a `propertyNames` subschema its parent's cache key, so inside any schema
// reached through $ref the parent is applied to the names instead. This module checks names itself.
constexpr const char* kPropertyNamesKeyword = "x-conform-property-names";
// valijson matches patternProperties with std::regex, which backtracks without bound and recurses
// per character: this module takes patternProperties (and the additionalProperties beside it,
// which depends on what the patterns match) and matches with the bounded Regex.
constexpr const char* kPatternPropertiesKeyword = "x-conform-pattern-properties";
// valijson checks an integer multipleOf by converting the instance to int64 first: undefined past
// 2^63, and 9.5 passes as a multiple of 3. This module checks integer divisors itself.
constexpr const char* kIntegerMultipleOfKeyword = "x-conform-integer-multiple-of";
// valijson's integer is an int64; JSON Schema's is any number without a fractional part (1e20,
// a 21-digit integer). `prepare` reads "integer" in `type` as "number" and this keyword.
constexpr const char* kIntegralKeyword = "x-conform-integral";
// valijson compares every pair of items, and lists every equal pair; see unique_items.hpp.
constexpr const char* kUniqueItemsKeyword = "x-conform-unique-items";
// valijson lists every failure it meets: a 10 MB array of wrong items is millions of failures and
// gigabytes. `prepare` puts this keyword in every subschema, so that the list is looked at on each
// visit, and the validation is cut short once it is full.
constexpr const char* kFailureBudgetKeyword = "x-conform-failure-budget";

// Thrown out of valijson when a failure list is full; not a std::exception, so that nothing on
// the way catches it as an error.
struct FailureListFull {};

void check_failure_budget(const valijson::ValidationResults* results) {
  if (results != nullptr && results->numErrors() >= CompiledSchema::kMaxListedFailures) {
    throw FailureListFull{};
  }
}

// valijson copies each constraint into memory it owns: ours are copied as what they are.
template <typename Derived>
class OwnConstraint : public valijson::constraints::PolyConstraint {
 private:
  valijson::constraints::Constraint* cloneInto(void* memory) const override {
    return new (memory) Derived(static_cast<const Derived&>(*this));
  }
  size_t sizeOf() const override { return sizeof(Derived); }
};

// Builds a constraint that takes nothing from its keyword's value.
template <typename Made>
class PlainBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter&) const override {
    return new Made();
  }
};

class FailureBudgetConstraint : public OwnConstraint<FailureBudgetConstraint> {
 public:
  bool validate(const valijson::adapters::Adapter&, const std::vector<std::string>&,
                valijson::ValidationResults* results) const override {
    check_failure_budget(results);
    return true;
  }
};

class PatternConstraint : public OwnConstraint<PatternConstraint> {
 public:
  explicit PatternConstraint(Regex regex) : regex_(std::move(regex)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    switch (regex_.search(target.getString())) {
      case Regex::Outcome::match:
        return true;
      case Regex::Outcome::no_match:
        if (results)
          results->pushError(context, "does not match pattern '" + regex_.pattern() + "'");
        return false;
      case Regex::Outcome::gave_up:
        if (results) {
          results->pushError(context, "pattern '" + regex_.pattern() +
                                          "' could not be evaluated within the match limit");
        }
        return false;
    }
    return false;
  }

 private:
  Regex regex_;
};

class FormatConstraint : public OwnConstraint<FormatConstraint> {
 public:
  explicit FormatConstraint(std::string format) : format_(std::move(format)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    std::optional<bool> ok = check_format(format_, target.getString());
    if (!ok || *ok) return true;
    if (results) results->pushError(context, "is not a valid " + format_);
    return false;
  }

 private:
  std::string format_;
};

// multipleOf with an integer divisor, exact for integers and for doubles of any size.
class IntegerMultipleOfConstraint : public OwnConstraint<IntegerMultipleOfConstraint> {
 public:
  explicit IntegerMultipleOfConstraint(double divisor) : divisor_(divisor) {
    if (divisor < 9223372036854775808.0) exact_ = static_cast<std::int64_t>(divisor);
  }

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    bool multiple = true;
    if (target.isInteger() && exact_) {
      multiple = target.getInteger() % *exact_ == 0;
    } else if (target.isInteger()) {
      multiple = target.getInteger() == 0;  // smaller than the divisor
    } else if (target.isDouble()) {
      multiple = std::fmod(target.getDouble(), divisor_) == 0;  // fmod is exact
    }
    if (!multiple && results) {
      results->pushError(context,
                         "Value should be a multiple of " +
                             (exact_ ? std::to_string(*exact_) : nlohmann::json(divisor_).dump()));
    }
    return multiple;
  }

 private:
  double divisor_;
  std::optional<std::int64_t> exact_;
};

class IntegerMultipleOfBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    double divisor = 0;
    if (!value.maybeDouble() || !value.asDouble(divisor) || !(divisor > 0)) {
      core::fail_input("schema.compile", "", "", "multipleOf must be a number above 0");
    }
    return new IntegerMultipleOfConstraint(divisor);
  }
};

class IntegralConstraint : public OwnConstraint<IntegralConstraint> {
 public:
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isNumber() || target.isInteger()) return true;
    double number = target.getDouble();
    if (std::isfinite(number) && std::floor(number) == number) return true;
    // valijson's own wording, so that the failure is explained as the `type` it stands for.
    if (results) results->pushError(context, "Value type not permitted by 'type' constraint.");
    return false;
  }
};

using NameSchemas = std::vector<std::shared_ptr<const CompiledSchema>>;

class PropertyNamesConstraint : public OwnConstraint<PropertyNamesConstraint> {
 public:
  explicit PropertyNamesConstraint(std::shared_ptr<const CompiledSchema> names)
      : names_(std::move(names)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isObject()) return true;
    bool valid = true;
    target.applyToObject([&](const std::string& name, const valijson::adapters::Adapter&) {
      std::vector<Violation> violations = names_->validate(nlohmann::json(name));
      if (violations.empty()) return true;
      valid = false;
      if (results) {
        std::vector<std::string> where = context;
        where.push_back("[" + name + "]");
        results->pushError(where, "property name '" + name + "' is not allowed by propertyNames: " +
                                      violations.front().message);
        check_failure_budget(results);
      }
      return results != nullptr;  // without a results list the first failure settles it
    });
    return valid;
  }

 private:
  std::shared_ptr<const CompiledSchema> names_;
};

class PropertyNamesBuilder : public valijson::ConstraintBuilder {
 public:
  explicit PropertyNamesBuilder(const NameSchemas& schemas) : schemas_(schemas) {}

  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    int64_t index = -1;
    if (!value.maybeInteger() || !value.asInteger(index) || index < 0 ||
        static_cast<std::size_t>(index) >= schemas_.size()) {
      core::fail_input("schema.compile", "", "", "internal: bad propertyNames reference");
    }
    return new PropertyNamesConstraint(schemas_[static_cast<std::size_t>(index)]);
  }

 private:
  const NameSchemas& schemas_;
};

// An instance value as nlohmann JSON: the side schemas validate JSON values, and valijson's
// adapter does not hand out the one it wraps. The instance is no deeper than kMaxInstanceDepth.
nlohmann::json to_json(const valijson::adapters::Adapter& value) {
  if (value.isObject()) {
    nlohmann::json out = nlohmann::json::object();
    value.applyToObject([&](const std::string& name, const valijson::adapters::Adapter& member) {
      out[name] = to_json(member);
      return true;
    });
    return out;
  }
  if (value.isArray()) {
    nlohmann::json out = nlohmann::json::array();
    value.applyToArray([&](const valijson::adapters::Adapter& element) {
      out.push_back(to_json(element));
      return true;
    });
    return out;
  }
  if (value.isString()) return value.getString();
  if (value.isBool()) return value.getBool();
  if (value.isInteger()) return value.getInteger();
  if (value.isDouble()) return value.getDouble();
  return nullptr;
}

class UniqueItemsConstraint : public OwnConstraint<UniqueItemsConstraint> {
 public:
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isArray()) return true;
    std::vector<nlohmann::json> items;
    target.applyToArray([&](const valijson::adapters::Adapter& item) {
      items.push_back(to_json(item));
      return true;
    });
    auto repeats = repeated_items(items);
    if (results) {
      for (const auto& [first, again] : repeats) {
        // valijson's wording, which the explanation reads as uniqueItems.
        results->pushError(context, "Elements at indexes #" + std::to_string(first) + " and #" +
                                        std::to_string(again) + " violate uniqueness constraint.");
        check_failure_budget(results);
      }
    }
    return repeats.empty();
  }
};

// patternProperties with the additionalProperties that goes with it, matched with bounded effort.
class PatternPropertiesConstraint : public OwnConstraint<PatternPropertiesConstraint> {
 public:
  struct Pattern {
    Regex regex;
    std::shared_ptr<const CompiledSchema> schema;
  };
  PatternPropertiesConstraint(std::vector<Pattern> patterns, std::set<std::string> declared,
                              std::variant<bool, std::shared_ptr<const CompiledSchema>> additional)
      : patterns_(std::move(patterns)),
        declared_(std::move(declared)),
        additional_(std::move(additional)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isObject()) return true;
    bool valid = true;
    auto fail = [&](const std::string& name, const std::string& message,
                    const std::string& inside = "") {
      valid = false;
      if (results) {
        std::vector<std::string> where = context;
        where.push_back("[" + name + "]");
        for (const std::string& token :
             core::split_pointer(inside).value_or(std::vector<std::string>{})) {
          where.push_back("[" + token + "]");
        }
        results->pushError(where, message);
        check_failure_budget(results);
      }
    };
    target.applyToObject([&](const std::string& name, const valijson::adapters::Adapter& value) {
      bool matched = declared_.contains(name);
      std::optional<nlohmann::json> member;
      for (const Pattern& pattern : patterns_) {
        Regex::Outcome outcome = pattern.regex.search(name);
        if (outcome == Regex::Outcome::gave_up) {
          fail(name, "property name could not be matched against pattern '" +
                         pattern.regex.pattern() + "' within the match limit");
          matched = true;
          continue;
        }
        if (outcome == Regex::Outcome::no_match) continue;
        matched = true;
        if (!member) member = to_json(value);
        for (const Violation& v : pattern.schema->validate(*member)) {
          fail(name, v.message, v.instance_pointer);
        }
      }
      if (!matched) {
        if (const bool* allowed = std::get_if<bool>(&additional_)) {
          if (!*allowed) fail(name, "is not allowed (additionalProperties is false)");
        } else {
          for (const Violation& v : std::get<std::shared_ptr<const CompiledSchema>>(additional_)
                                        ->validate(to_json(value))) {
            fail(name, v.message, v.instance_pointer);
          }
        }
      }
      return valid || results != nullptr;  // without a results list the first failure settles it
    });
    return valid;
  }

 private:
  std::vector<Pattern> patterns_;
  std::set<std::string> declared_;
  std::variant<bool, std::shared_ptr<const CompiledSchema>> additional_;
};

class PatternPropertiesBuilder : public valijson::ConstraintBuilder {
 public:
  explicit PatternPropertiesBuilder(const NameSchemas& schemas) : schemas_(schemas) {}

  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    nlohmann::json spec = to_json(value);
    std::vector<PatternPropertiesConstraint::Pattern> patterns;
    for (const auto& entry : spec["patterns"]) {
      const std::string& text = entry[0].get_ref<const std::string&>();
      std::string error;
      auto regex = Regex::compile(text, &error);
      if (!regex) {
        core::fail_input(
            "schema.invalid-pattern", "", "",
            "patternProperties pattern '" + text + "' is not a valid regular expression: " + error);
      }
      patterns.push_back({std::move(*regex), side(entry[1])});
    }
    std::set<std::string> declared;
    for (const auto& name : spec["declared"]) declared.insert(name.get<std::string>());
    std::variant<bool, std::shared_ptr<const CompiledSchema>> additional = true;
    if (spec["additional"].is_boolean()) additional = spec["additional"].get<bool>();
    if (spec["additional"].is_number_integer()) additional = side(spec["additional"]);
    return new PatternPropertiesConstraint(std::move(patterns), std::move(declared),
                                           std::move(additional));
  }

 private:
  std::shared_ptr<const CompiledSchema> side(const nlohmann::json& index) const {
    if (!index.is_number_integer() || index.get<std::int64_t>() < 0 ||
        index.get<std::size_t>() >= schemas_.size()) {
      core::fail_input("schema.compile", "", "", "internal: bad patternProperties reference");
    }
    return schemas_[index.get<std::size_t>()];
  }

  const NameSchemas& schemas_;
};

class PatternBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::string pattern;
    if (!value.maybeString() || !value.asString(pattern)) {
      core::fail_input("schema.compile", "", "", "pattern must be a string");
    }
    std::string error;
    auto regex = Regex::compile(pattern, &error);
    if (!regex) {
      core::fail_input("schema.invalid-pattern", "", "",
                       "pattern '" + pattern + "' is not a valid regular expression: " + error);
    }
    return new PatternConstraint(std::move(*regex));
  }
};

class FormatBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::string format;
    if (!value.maybeString() || !value.asString(format)) format.clear();
    return new FormatConstraint(std::move(format));
  }
};

// Renames `pattern` and `format` to the keywords our constraint builders own, moves each
// `propertyNames` subschema to `names` (leaving its index), and notes whether patternProperties
// occurs.
// A reference valijson can follow without harm, or a compile error.
void check_reference(const std::string& ref) {
  auto shown = [&] { return core::shortened(ref); };
  // valijson reads a relative reference without a fragment ("-/definitions/n") as the document
  // itself, and recurses without end: only fragments and absolute URIs are followed.
  const std::size_t hash = ref.find('#');
  const std::string_view document = std::string_view(ref).substr(0, hash);
  if (hash != 0 && document.find("://") == std::string_view::npos) {
    core::fail_input("schema.compile", "", "",
                     "reference '" + shown() + "' is neither a fragment nor an absolute URI");
  }
  // valijson resolves a pointer one recursive call per token, empty ones too: 8,000 slashes
  // overflow the stack. No document conform reads nests deeper than kMaxJsonDepth, so a longer
  // pointer points to nothing anyway.
  if (hash == std::string::npos) return;
  const auto tokens = static_cast<std::size_t>(
      std::count(ref.begin() + static_cast<std::ptrdiff_t>(hash), ref.end(), '/'));
  if (tokens > core::kMaxJsonDepth) {
    core::fail_input("schema.compile", "", "",
                     "reference '" + shown() + "' has " + std::to_string(tokens) +
                         " tokens, more than any document nests (" +
                         std::to_string(core::kMaxJsonDepth) + ")");
  }
  // valijson drops empty tokens: "#/" is the root to it and the member "" to RFC 6901, so a
  // pointer with one is followed elsewhere than checked, and "#/" beside a member "" loops.
  const std::string_view fragment = std::string_view(ref).substr(hash + 1);
  if (fragment.find("//") != std::string_view::npos ||
      (!fragment.empty() && fragment.back() == '/')) {
    core::fail_input("schema.compile", "", "",
                     "reference '" + shown() + "' has an empty token, which is read two ways");
  }
}

void prepare(nlohmann::json& schema, std::vector<nlohmann::json>& names, int depth) {
  if (!schema.is_object() || depth > 512) return;
  if (auto it = schema.find("propertyNames"); it != schema.end()) {
    names.push_back(std::move(*it));
    schema.erase("propertyNames");
    schema[kPropertyNamesKeyword] = names.size() - 1;
  }
  if (auto it = schema.find("pattern"); it != schema.end()) {
    schema[kPatternKeyword] = std::move(*it);
    schema.erase("pattern");
  }
  if (auto it = schema.find("format"); it != schema.end()) {
    if (it->is_string() && is_checked_format(it->get_ref<const std::string&>())) {
      schema[kFormatKeyword] = std::move(*it);
    }
    schema.erase("format");
  }
  if (auto it = schema.find("$ref"); it != schema.end() && it->is_string()) {
    check_reference(it->get_ref<const std::string&>());
  }
  // valijson divides by it: 0 would be a division by zero (SIGFPE for integers).
  if (auto it = schema.find("multipleOf");
      it != schema.end() && (!it->is_number() || !(it->get<double>() > 0))) {
    core::fail_input("schema.compile", "", "", "multipleOf must be a number above 0");
  }
  if (auto it = schema.find("multipleOf");
      it != schema.end() && (it->is_number_integer() || it->is_number_unsigned())) {
    schema[kIntegerMultipleOfKeyword] = it->get<double>();
    schema.erase("multipleOf");
  }
  if (auto it = schema.find("patternProperties"); it != schema.end() && it->is_object()) {
    nlohmann::json taken = {{"patterns", nlohmann::json::array()},
                            {"declared", nlohmann::json::array()},
                            {"additional", true}};
    for (auto entry = it->begin(); entry != it->end(); ++entry) {
      names.push_back(std::move(entry.value()));
      taken["patterns"].push_back({entry.key(), names.size() - 1});
    }
    if (auto properties = schema.find("properties");
        properties != schema.end() && properties->is_object()) {
      for (auto entry = properties->begin(); entry != properties->end(); ++entry) {
        taken["declared"].push_back(entry.key());
      }
    }
    if (auto additional = schema.find("additionalProperties"); additional != schema.end()) {
      if (additional->is_boolean()) {
        taken["additional"] = *additional;
      } else {
        names.push_back(std::move(*additional));
        taken["additional"] = names.size() - 1;
      }
      schema.erase("additionalProperties");
    }
    schema.erase("patternProperties");
    schema[kPatternPropertiesKeyword] = std::move(taken);
  }
  if (auto it = schema.find("uniqueItems"); it != schema.end() && it->is_boolean()) {
    if (it->get<bool>()) schema[kUniqueItemsKeyword] = true;
    schema.erase("uniqueItems");
  }
  if (auto it = schema.find("type"); it != schema.end()) {
    auto is_integer = [](const nlohmann::json& type) { return type == "integer"; };
    if (is_integer(*it)) {
      *it = "number";
      schema[kIntegralKeyword] = true;
    } else if (it->is_array() && std::any_of(it->begin(), it->end(), is_integer)) {
      bool has_number = std::find(it->begin(), it->end(), "number") != it->end();
      nlohmann::json types = nlohmann::json::array();
      for (const nlohmann::json& type : *it) {
        if (!is_integer(type)) types.push_back(type);
      }
      if (!has_number) {
        types.push_back("number");
        schema[kIntegralKeyword] = true;
      }
      *it = std::move(types);
    }
  }
  // valijson converts integer bounds beyond 2^53 through int64 and wraps (9223372036854775807
  // becomes its negative); as doubles they compare as JSON Schema means.
  for (const char* keyword : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
    auto it = schema.find(keyword);
    if (it != schema.end() && (it->is_number_integer() || it->is_number_unsigned()) &&
        std::fabs(it->get<double>()) > 9007199254740992.0) {
      *it = it->get<double>();
    }
  }
  // valijson insists on integer counts; JSON Schema accepts 2.0 for 2.
  for (const char* keyword :
       {"maxItems", "minItems", "maxLength", "minLength", "maxProperties", "minProperties"}) {
    auto it = schema.find(keyword);
    if (it != schema.end() && it->is_number_float() && std::floor(it->get<double>()) == *it &&
        it->get<double>() >= 0 && it->get<double>() < 9e15) {
      *it = static_cast<std::uint64_t>(it->get<double>());
    }
  }
  schema[kFailureBudgetKeyword] = true;
  spec::for_each_subschema(
      schema, [&](nlohmann::json& sub, const std::string&) { prepare(sub, names, depth + 1); });
}

// A local reference's target, or nullptr ("#", "#/definitions/a").
const nlohmann::json* local_target(const nlohmann::json& root, const std::string& ref) {
  if (ref.rfind('#', 0) != 0) return nullptr;
  auto pointer = core::percent_decode(ref.substr(1));
  if (!pointer || (!pointer->empty() && pointer->front() != '/')) return nullptr;
  try {
    const nlohmann::json& target = root.at(nlohmann::json::json_pointer(*pointer));
    return &target;
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

// The first local reference ("#...") that does not resolve as a JSON pointer, strictly.
std::optional<std::string> unresolved_local_reference(const nlohmann::json& root) {
  std::vector<const nlohmann::json*> pending{&root};
  while (!pending.empty()) {
    const nlohmann::json* node = pending.back();
    pending.pop_back();
    if (node->is_object()) {
      if (auto ref = node->find("$ref"); ref != node->end() && ref->is_string()) {
        const std::string& text = ref->get_ref<const std::string&>();
        if (text.rfind('#', 0) == 0 && local_target(root, text) == nullptr) return text;
      }
    }
    if (node->is_structured()) {
      for (const auto& child : *node) pending.push_back(&child);
    }
  }
  return std::nullopt;
}

// Whether subschemas that apply to the same value as their parent ($ref, allOf, not, if, ...)
// lead back to a schema on the way: validating would then recurse without end. The walk is
// iterative; each schema is left once it is known not to lead back.
bool has_cycle_in_place(const nlohmann::json& root) {
  auto in_place = [&](const nlohmann::json& schema) {
    std::vector<const nlohmann::json*> next;
    if (!schema.is_object()) return next;
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      if (const nlohmann::json* target = local_target(root, *ref)) next.push_back(target);
    }
    for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
      if (auto list = schema.find(keyword); list != schema.end() && list->is_array()) {
        for (const auto& item : *list) next.push_back(&item);
      }
    }
    for (const char* keyword : {"not", "if", "then", "else"}) {
      if (auto one = schema.find(keyword); one != schema.end()) next.push_back(&*one);
    }
    if (auto map = schema.find("dependencies"); map != schema.end() && map->is_object()) {
      for (const auto& item : *map) next.push_back(&item);
    }
    return next;
  };
  // Every schema in the document is a possible start: the references reach anywhere.
  std::vector<const nlohmann::json*> starts;
  std::vector<const nlohmann::json*> all{&root};
  while (!all.empty()) {
    const nlohmann::json* node = all.back();
    all.pop_back();
    if (node->is_object()) starts.push_back(node);
    if (node->is_structured()) {
      for (const auto& child : *node) all.push_back(&child);
    }
  }
  std::set<const nlohmann::json*> done, on_path;
  for (const nlohmann::json* start : starts) {
    if (done.contains(start)) continue;
    std::vector<std::pair<const nlohmann::json*, std::vector<const nlohmann::json*>>> stack;
    stack.push_back({start, in_place(*start)});
    on_path.insert(start);
    while (!stack.empty()) {
      auto& [node, pending] = stack.back();
      if (pending.empty()) {
        on_path.erase(node);
        done.insert(node);
        stack.pop_back();
        continue;
      }
      const nlohmann::json* next = pending.back();
      pending.pop_back();
      if (on_path.contains(next)) return true;
      if (done.contains(next)) continue;
      on_path.insert(next);
      stack.push_back({next, in_place(*next)});
    }
  }
  return false;
}

bool contains_ref(const nlohmann::json& node) {
  if (node.is_object()) {
    if (node.contains("$ref")) return true;
    return std::any_of(node.begin(), node.end(), [](const auto& v) { return contains_ref(v); });
  }
  if (node.is_array()) {
    return std::any_of(node.begin(), node.end(), [](const auto& v) { return contains_ref(v); });
  }
  return false;
}

std::string to_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (std::size_t i = 1; i < context.size(); ++i) {  // [0] is "<root>"
    const std::string& part = context[i];
    bool bracketed = part.size() >= 2 && part.front() == '[' && part.back() == ']';
    pointer = core::append_pointer(pointer, bracketed ? part.substr(1, part.size() - 2) : part);
  }
  return pointer;
}

// Numbers valijson would misread: an integral float (1.0 equals 1 to JSON Schema's enum and
// uniqueItems, not to valijson) and an unsigned past int64 (read through int64, so negative).
bool needs_rewriting(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    return value.get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()};
  }
  if (!value.is_number_float()) return false;
  double number = value.get<double>();
  return std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9e15;
}

nlohmann::json rewritten_number(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return static_cast<double>(value.get<std::uint64_t>());
  return static_cast<std::int64_t>(value.get<double>());
}

// Depth of an instance and whether it holds numbers to rewrite, found without recursion.
struct Shape {
  bool misread_numbers = false;
  std::optional<std::string> deep_pointer;
};

Shape measure(const nlohmann::json& instance, std::size_t depth_limit) {
  Shape shape;
  if (needs_rewriting(instance)) shape.misread_numbers = true;
  if (!instance.is_structured()) return shape;
  // Depth first, one frame per level: memory follows the depth, not the size (a 10 MB array of
  // empty arrays is 3.5 million values).
  struct Frame {
    const nlohmann::json* node;
    nlohmann::json::const_iterator next;  // the child after the one being walked
  };
  std::vector<Frame> path{{&instance, instance.cbegin()}};
  while (!path.empty()) {
    Frame& top = path.back();
    if (top.next == top.node->cend()) {
      path.pop_back();
      continue;
    }
    auto child = top.next++;
    if (needs_rewriting(*child)) shape.misread_numbers = true;
    if (!child->is_structured()) continue;
    if (path.size() > depth_limit) {  // the child's depth is the number of frames above it
      std::string pointer;
      for (const Frame& frame : path) {
        auto walked = std::prev(frame.next);
        if (frame.node->is_object()) {
          pointer = core::append_pointer(pointer, walked.key());
        } else {
          pointer = core::append_pointer(
              pointer, static_cast<std::size_t>(std::distance(frame.node->cbegin(), walked)));
        }
      }
      shape.deep_pointer = std::move(pointer);
      return shape;
    }
    path.push_back({&*child, child->cbegin()});
  }
  return shape;
}

// valijson reports a failure once where it happens and again at each enclosing property or item
// ("Failed to validate against schema associated with property name 'x'"). The enclosing echoes
// add nothing once the deeper violation is listed.
std::vector<Violation> without_chain_messages(std::vector<Violation> violations) {
  static constexpr std::string_view kEchoes[] = {
      "Failed to validate against schema associated with property name",
      "Failed to validate against schema associated with pattern",
      "Failed to validate against additional properties schema", "Failed to validate item #",
      "Failed to validate against child schema #"};
  auto is_echo = [&](const Violation& v) {
    for (auto echo : kEchoes) {
      if (v.message.rfind(echo, 0) == 0) return true;
    }
    return false;
  };
  // A branch of allOf/anyOf/oneOf that fails says so at the value itself; its own failure may be
  // at the value too.
  auto has_deeper = [&](const Violation& v) {
    bool same_counts = v.message.rfind("Failed to validate against child schema #", 0) == 0;
    return std::any_of(violations.begin(), violations.end(), [&](const Violation& other) {
      if (is_echo(other)) return false;
      if (same_counts && other.instance_pointer == v.instance_pointer) return true;
      return other.instance_pointer.size() > v.instance_pointer.size() &&
             other.instance_pointer.rfind(v.instance_pointer + "/", 0) == 0;
    });
  };
  std::vector<Violation> kept;
  for (const Violation& v : violations) {
    if (!is_echo(v) || !has_deeper(v)) kept.push_back(v);
  }
  return kept;
}

// Called only on instances `measure` found within the depth limit.
nlohmann::json with_numbers_rewritten(const nlohmann::json& value) {
  if (needs_rewriting(value)) return rewritten_number(value);
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      out[it.key()] = with_numbers_rewritten(*it);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(with_numbers_rewritten(element));
    return out;
  }
  return value;
}

}  // namespace

struct CompiledSchema::Impl {
  NameSchemas name_schemas;  // before `schema`: its constraints point into this list
  valijson::Schema schema;
  std::string location;
  nlohmann::json document;  // as given: failures are explained by walking it
  // The subschemas two levels of `properties` down, by "outer\0inner": made on first use.
  mutable std::once_flag members_once;
  mutable std::unordered_map<std::string, const valijson::Subschema*> members;
};

namespace {

// The subschemas a subschema's `properties` keyword gives its members, by name.
std::vector<std::pair<std::string, const valijson::Subschema*>> property_subschemas(
    const valijson::Subschema& schema) {
  std::vector<std::pair<std::string, const valijson::Subschema*>> out;
  valijson::Subschema::ApplyFunction collect = [&](const valijson::constraints::Constraint& c) {
    if (const auto* properties =
            dynamic_cast<const valijson::constraints::PropertiesConstraint*>(&c)) {
      properties->applyToProperties([&](const auto& name, const valijson::Subschema* sub) {
        out.emplace_back(std::string(name.c_str()), sub);
        return true;
      });
    }
    return true;
  };
  schema.apply(collect);
  return out;
}

}  // namespace

CompiledSchema CompiledSchema::compile(nlohmann::json draft7, std::string location,
                                       const RemoteLoader& remote) {
  // propertyNames subschemas are compiled recursively; a schema whose names refer back to
  // itself would otherwise recurse without end.
  static thread_local int nesting = 0;
  struct Nesting {
    Nesting() { ++nesting; }
    ~Nesting() { --nesting; }
  } guard;
  if (nesting > 8) {
    core::fail_input("schema.compile", location, "", "propertyNames schemas nest too deeply");
  }
  auto impl = std::make_shared<Impl>();
  impl->location = std::move(location);
  if (auto bad = unresolved_local_reference(draft7)) {
    // valijson reads such pointers leniently ("/items/1>" as "/items/1"), into cycles unseen.
    core::fail_input("schema.compile", impl->location, "",
                     "reference '" + *bad + "' points to nothing in the schema");
  }
  if (has_cycle_in_place(draft7)) {
    core::fail_input("schema.compile", impl->location, "",
                     "references lead back to a schema that applies to the same value: "
                     "validating would never end");
  }
  nlohmann::json prepared = draft7;
  std::vector<nlohmann::json> names;
  prepare(prepared, names, 0);

  // Each propertyNames subschema is compiled on its own, with the root's definitions beside it so
  // that its references still resolve.
  auto definitions = prepared.is_object() ? prepared.find("definitions") : prepared.end();
  for (nlohmann::json& name_schema : names) {
    if (definitions != prepared.end() && name_schema.is_object() && contains_ref(name_schema) &&
        !name_schema.contains("definitions")) {
      name_schema["definitions"] = draft7.at("definitions");
    }
    impl->name_schemas.push_back(
        std::make_shared<const CompiledSchema>(compile(name_schema, impl->location, remote)));
  }

  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  parser.addConstraintBuilder(kPatternKeyword, new PatternBuilder());
  parser.addConstraintBuilder(kFormatKeyword, new FormatBuilder());
  parser.addConstraintBuilder(kIntegerMultipleOfKeyword, new IntegerMultipleOfBuilder());
  parser.addConstraintBuilder(kIntegralKeyword, new PlainBuilder<IntegralConstraint>());
  parser.addConstraintBuilder(kFailureBudgetKeyword, new PlainBuilder<FailureBudgetConstraint>());
  parser.addConstraintBuilder(kUniqueItemsKeyword, new PlainBuilder<UniqueItemsConstraint>());
  parser.addConstraintBuilder(kPropertyNamesKeyword, new PropertyNamesBuilder(impl->name_schemas));
  parser.addConstraintBuilder(kPatternPropertiesKeyword,
                              new PatternPropertiesBuilder(impl->name_schemas));
  valijson::adapters::NlohmannJsonAdapter adapter(prepared);
  std::vector<nlohmann::json> remote_names;
  auto fetch = [&](const std::string& uri) -> const nlohmann::json* {
    if (!remote) return nullptr;
    auto document = remote(uri);
    if (!document) return nullptr;
    auto* owned = new nlohmann::json(std::move(*document));
    prepare(*owned, remote_names, 0);
    return owned;
  };
  auto free_document = [](const nlohmann::json* document) { delete document; };
  try {
    parser.populateSchema(adapter, impl->schema, fetch, free_document);
  } catch (const core::Error& e) {
    core::Diagnostic diagnostic = e.diagnostic();
    diagnostic.file = impl->location;
    throw core::Error(e.exit_code(), diagnostic);
  } catch (const std::exception& e) {
    core::fail_input("schema.compile", impl->location, "",
                     std::string("the schema cannot be compiled: ") + e.what());
  }
  if (!remote_names.empty()) {
    core::fail_input("schema.compile", impl->location, "",
                     "propertyNames inside a remote document is not supported");
  }
  impl->document = std::move(draft7);  // kept to explain failures: moved, never copied
  return CompiledSchema(std::move(impl));
}

std::vector<Violation> CompiledSchema::validate(const nlohmann::json& instance) const {
  Shape shape = measure(instance, kMaxInstanceDepth);
  if (shape.deep_pointer) {
    return {{*shape.deep_pointer, impl_->location,
             "nests deeper than " + std::to_string(kMaxInstanceDepth) + " levels; not validated"}};
  }
  nlohmann::json rewritten_copy;
  const nlohmann::json* subject = &instance;
  if (shape.misread_numbers) {
    rewritten_copy = with_numbers_rewritten(instance);
    subject = &rewritten_copy;
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(*subject);
  std::vector<Violation> violations;
  bool cut_short = false;
  try {
    if (validator.validate(impl_->schema, target, &results)) return violations;
  } catch (const FailureListFull&) {
    cut_short = true;
  } catch (const std::exception& e) {
    return {{"", impl_->location, std::string("could not be validated: ") + e.what()}};
  }
  const std::string stopped = "has more failures than conform lists (" +
                              std::to_string(kMaxListedFailures) + "); the rest are not shown";
  if (cut_short && results.numErrors() == 0) {
    // The list that filled up was a branch's (anyOf, oneOf, if): whether the instance fails at
    // all is for the whole schema to say, without a list.
    if (accepts(instance)) return violations;
    return {{"", impl_->location, "does not match the schema, and " + stopped, "", "", true}};
  }
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    violations.push_back({to_pointer(error.context), impl_->location, error.description});
  }
  // Some checks (propertyNames, for one) fail without saying why; the failure still counts.
  if (violations.empty()) {
    violations.push_back({"", impl_->location, "does not match the schema"});
  }
  violations = without_chain_messages(std::move(violations));
  for (Violation& violation : violations) {
    Explanation plain =
        explain(impl_->document, *subject, violation.instance_pointer, violation.message);
    violation.message = std::move(plain.message);
    violation.reason = std::move(plain.reason);
    if (!plain.keyword_pointer.empty()) violation.keyword_location = "#" + plain.keyword_pointer;
  }
  if (cut_short) violations.push_back({"", impl_->location, stopped, "", "", true});
  return violations;
}

namespace {

// validate() without the list: valijson stops at the first failure, and nothing is explained.
bool accepted_by(const valijson::Subschema& schema, const nlohmann::json& instance) {
  Shape shape = measure(instance, CompiledSchema::kMaxInstanceDepth);
  if (shape.deep_pointer) return false;
  nlohmann::json rewritten_copy;
  if (shape.misread_numbers) rewritten_copy = with_numbers_rewritten(instance);
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter target(shape.misread_numbers ? rewritten_copy : instance);
  try {
    return validator.validate(schema, target, nullptr);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

bool CompiledSchema::accepts(const nlohmann::json& instance) const {
  return accepted_by(impl_->schema, instance);
}

std::optional<bool> CompiledSchema::accepts_member(const std::string& outer,
                                                   const std::string& inner,
                                                   const nlohmann::json& instance) const {
  std::call_once(impl_->members_once, [&] {
    for (const auto& [outer_name, outer_schema] : property_subschemas(impl_->schema)) {
      for (const auto& [inner_name, inner_schema] : property_subschemas(*outer_schema)) {
        impl_->members.emplace(outer_name + '\0' + inner_name, inner_schema);
      }
    }
  });
  auto member = impl_->members.find(outer + '\0' + inner);
  if (member == impl_->members.end()) return std::nullopt;
  return accepted_by(*member->second, instance);
}

const std::string& CompiledSchema::location() const { return impl_->location; }

}  // namespace conform::schema
