#include "conform/gen/values.hpp"

#include <cmath>
#include <deque>
#include <limits>
#include <set>

#include "conform/gen/draw.hpp"
#include "conform/gen/pattern_generator.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/schema/regex.hpp"

namespace conform::gen {
namespace detail {
namespace {

using schema::Flattener;
using schema::merge_into;
using schema::types_of;

// Past this depth a schema is given up on rather than recursed into.
constexpr int kHardDepth = 40;
// Caps on what one generated value may hold, whatever the schema asks for (minLength: 2e9,
// minItems: 1e9, or moderate minimums nested inside each other): beyond them the schema is
// reported unsatisfiable by conform rather than built.
constexpr std::size_t kMaxStringLength = 64 * 1024;
constexpr std::size_t kMaxCount = 10'000;
constexpr std::size_t kMaxValueCost = 1024 * 1024;  // bytes of text plus 16 per value
const nlohmann::json kAnything = nlohmann::json::object();

struct GiveUp : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<std::size_t> count_of(const nlohmann::json& schema, const char* keyword) {
  auto it = schema.find(keyword);
  if (it == schema.end() || !it->is_number() || it->get<double>() < 0) return std::nullopt;
  return static_cast<std::size_t>(it->get<double>());
}

std::optional<PatternGenerator> cached_pattern(const std::string& pattern) {
  static thread_local std::map<std::string, std::optional<PatternGenerator>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, PatternGenerator::parse(pattern)).first;
  return it->second;
}

}  // namespace

namespace {

class Builder {
 public:
  Builder(const nlohmann::json& document, const ValueOptions& options)
      : document_(document), options_(options), flatten_(document) {}

  // Counts what the value being built costs; past kMaxValueCost the schema asks too much.
  void spend(std::size_t cost) {
    spent_ += cost;
    if (spent_ > kMaxValueCost) {
      throw GiveUp("a valid value would be larger than conform's cap of " +
                   std::to_string(kMaxValueCost) + " bytes for one generated value");
    }
  }

  static void at_most(std::size_t asked, std::size_t cap, const char* keyword, const char* what) {
    if (asked > cap) {
      throw GiveUp(std::string(keyword) + " " + std::to_string(asked) +
                   " is above conform's cap of " + std::to_string(cap) + " " + what);
    }
  }

  nlohmann::json value(const nlohmann::json& raw, int depth) {
    if (depth > kHardDepth) throw GiveUp("recursion deeper than " + std::to_string(kHardDepth));
    spend(16);
    const nlohmann::json& schema = flatten_(raw);
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) throw GiveUp("the schema is false: nothing is valid");
      return draw::any_value(depth);
    }
    if (!schema.is_object()) return draw::any_value(depth);

    if (auto examples = schema.find("examples"); examples != schema.end() && examples->is_array() &&
                                                 !examples->empty() &&
                                                 draw::choice(options_.example_odds) == 0) {
      return (*examples)[draw::index(examples->size())];
    }
    if (auto constant = schema.find("const"); constant != schema.end()) return *constant;
    if (auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
      if (values->empty()) throw GiveUp("enum is empty");
      return (*values)[draw::index(values->size())];
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
      auto branches = schema.find(keyword);
      if (branches == schema.end() || !branches->is_array() || branches->empty()) continue;
      nlohmann::json& rest = keep(schema);
      rest.erase(keyword);
      rest.erase("examples");
      nlohmann::json& branch = keep(flatten_((*branches)[draw::index(branches->size())]));
      if (branch.is_boolean()) {
        if (!branch.get<bool>()) continue;
        return value(rest, depth + 1);
      }
      merge_into(branch, rest);
      return value(branch, depth + 1);
    }
    if (auto condition = schema.find("if"); condition != schema.end()) {
      // Taking the `then` side; the validator settles whether the `if` held.
      nlohmann::json& rest = keep(schema);
      rest.erase("if");
      rest.erase("else");
      auto then = rest.find("then");
      if (then != rest.end()) {
        nlohmann::json branch = flatten_(*then);
        rest.erase("then");
        if (branch.is_object()) merge_into(rest, branch);
      }
      return value(rest, depth + 1);
    }

    std::set<std::string> types = types_of(schema);
    if (types.empty()) throw GiveUp("no type is possible");
    std::vector<std::string> choices(types.begin(), types.end());
    // An "integer" and a "number" alternative: drawing "number" already covers integers.
    const std::string type = choices[draw::index(choices.size())];
    if (type == "null") return nullptr;
    if (type == "boolean") return draw::coin();
    if (type == "integer") return integer(schema);
    if (type == "number") return number(schema);
    if (type == "string") return string(schema);
    if (type == "array") return array(schema, depth);
    if (type == "object") return object(schema, depth);
    throw GiveUp("unknown type '" + type + "'");
  }

 private:
  // A schema made while building, kept until the builder ends: the Flattener caches by address,
  // and a schema that died would leave its address to the next one (a string schema's merge was
  // found for an object property that way, and Box's answers could not be built).
  nlohmann::json& keep(nlohmann::json schema) { return kept_.emplace_back(std::move(schema)); }

  nlohmann::json integer(const nlohmann::json& schema) {
    std::optional<double> low = numeric_keyword(schema, "minimum");
    std::optional<double> high = numeric_keyword(schema, "maximum");
    if (auto e = numeric_keyword(schema, "exclusiveMinimum"))
      low = std::max(low.value_or(*e), *e + 1e-9);
    if (auto e = numeric_keyword(schema, "exclusiveMaximum"))
      high = std::min(high.value_or(*e), *e - 1e-9);
    constexpr double kLimit = 9.2e18;
    if ((low && *low > kLimit) || (high && *high < -kLimit)) {
      // A range wholly past int64 (minimum: 1e20): every double there is already an integer.
      if (low && high && *low > *high) throw GiveUp("no integer lies between the bounds");
      return json_number(draw::number(low, high));
    }
    std::optional<std::int64_t> lo;
    std::optional<std::int64_t> hi;
    if (low) lo = static_cast<std::int64_t>(std::clamp(std::ceil(*low), -kLimit, kLimit));
    if (high) hi = static_cast<std::int64_t>(std::clamp(std::floor(*high), -kLimit, kLimit));
    if (lo && hi && *lo > *hi) throw GiveUp("no integer lies between the bounds");
    auto multiple = numeric_keyword(schema, "multipleOf");
    if (multiple && *multiple > 0 && std::floor(*multiple) == *multiple) {
      auto m = static_cast<std::int64_t>(*multiple);
      std::optional<std::int64_t> klo, khi;
      if (lo) klo = static_cast<std::int64_t>(std::ceil(static_cast<double>(*lo) / *multiple));
      if (hi) khi = static_cast<std::int64_t>(std::floor(static_cast<double>(*hi) / *multiple));
      if (klo && khi && *klo > *khi) throw GiveUp("no multiple of multipleOf lies in range");
      return draw::integer(klo, khi) * m;
    }
    return draw::integer(lo, hi);
  }

  nlohmann::json number(const nlohmann::json& schema) {
    std::optional<double> low = numeric_keyword(schema, "minimum");
    std::optional<double> high = numeric_keyword(schema, "maximum");
    auto exclusive_low = numeric_keyword(schema, "exclusiveMinimum");
    auto exclusive_high = numeric_keyword(schema, "exclusiveMaximum");
    if (exclusive_low && (!low || *exclusive_low >= *low)) {
      low = std::nextafter(*exclusive_low, std::numeric_limits<double>::infinity());
    }
    if (exclusive_high && (!high || *exclusive_high <= *high)) {
      high = std::nextafter(*exclusive_high, -std::numeric_limits<double>::infinity());
    }
    if (low && high && *low > *high) throw GiveUp("no number lies between the bounds");
    auto multiple = numeric_keyword(schema, "multipleOf");
    if (multiple && *multiple > 0) {
      std::optional<std::int64_t> klo, khi;
      if (low) klo = static_cast<std::int64_t>(std::ceil(*low / *multiple));
      if (high) khi = static_cast<std::int64_t>(std::floor(*high / *multiple));
      if (klo && khi && *klo > *khi) throw GiveUp("no multiple of multipleOf lies in range");
      auto k = draw::integer(klo, khi);
      return json_number(static_cast<double>(k) * *multiple);
    }
    return draw::number(low, high);
  }

  nlohmann::json string(const nlohmann::json& schema) {
    std::size_t min = count_of(schema, "minLength").value_or(0);
    std::optional<std::size_t> max = count_of(schema, "maxLength");
    if (max && *max < min) throw GiveUp("maxLength is below minLength");
    at_most(min, kMaxStringLength, "minLength", "characters in a string");
    spend(min * 4);  // UTF-8: up to four bytes a character
    if (auto format = schema.find("format"); format != schema.end() && format->is_string()) {
      if (auto value = draw::format(format->get<std::string>())) return *value;
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      auto generator = cached_pattern(pattern->get<std::string>());
      if (generator) return *generator->strings();
      // Outside the generator's subset: the schema's own examples, else random text that happens
      // to match (the caller lists such patterns through generation_notes).
      if (auto examples = schema.find("examples");
          examples != schema.end() && examples->is_array() && !examples->empty()) {
        return (*examples)[draw::index(examples->size())];
      }
      if (auto regex = schema::Regex::compile(pattern->get<std::string>())) {
        for (int attempt = 0; attempt < 32; ++attempt) {
          std::string candidate = draw::text(min, std::min(max.value_or(min + 24), min + 24));
          if (regex->search(candidate) == schema::Regex::Outcome::match) return candidate;
        }
      }
      throw GiveUp("pattern '" + pattern->get<std::string>() +
                   "' is outside the generator's subset and the schema has no example");
    }
    std::size_t upper = max.value_or(min + 24);
    return draw::text(min, std::min(upper, min + 24));
  }

  nlohmann::json array(const nlohmann::json& schema, int depth) {
    std::size_t min = count_of(schema, "minItems").value_or(0);
    std::optional<std::size_t> max = count_of(schema, "maxItems");
    if (max && *max < min) throw GiveUp("maxItems is below minItems");
    at_most(min, kMaxCount, "minItems", "items in an array");
    bool shallow = depth >= options_.max_depth;
    // Fewer extra items the deeper the array sits: nested arrays multiply.
    std::size_t spare = shallow ? 0 : depth < 2 ? 4 : depth < 4 ? 2 : 1;
    std::size_t upper = std::min(max.value_or(min + spare), min + spare);
    std::size_t count = min == upper ? min : *rc::gen::inRange(min, upper + 1);
    nlohmann::json out = nlohmann::json::array();
    auto items = schema.find("items");
    bool unique = schema.value("uniqueItems", false);
    for (std::size_t i = 0; i < count; ++i) {
      // A reference, never a copy: the Flattener caches merges by the schema's address.
      const nlohmann::json* item_schema = &kAnything;
      if (items != schema.end()) {
        if (items->is_array()) {
          if (i < items->size()) {
            item_schema = &(*items)[i];
          } else if (auto extra = schema.find("additionalItems"); extra != schema.end()) {
            item_schema = &*extra;
          }
        } else {
          item_schema = &*items;
        }
      }
      if (item_schema->is_boolean() && !item_schema->get<bool>()) break;  // no more items allowed
      nlohmann::json item = value(*item_schema, depth + 1);
      for (int retry = 0;
           unique && retry < 8 && std::find(out.begin(), out.end(), item) != out.end(); ++retry) {
        item = value(*item_schema, depth + 1);
      }
      out.push_back(std::move(item));
    }
    if (auto contains = schema.find("contains"); contains != schema.end()) {
      nlohmann::json item = value(*contains, depth + 1);
      if (out.empty() || (max && out.size() >= *max)) {
        if (out.empty())
          out.push_back(item);
        else
          out[draw::index(out.size())] = item;
      } else {
        out.push_back(item);
      }
    }
    return out;
  }

  nlohmann::json object(const nlohmann::json& schema, int depth) {
    nlohmann::json out = nlohmann::json::object();
    bool shallow = depth >= options_.max_depth;
    std::size_t max =
        count_of(schema, "maxProperties").value_or(std::numeric_limits<std::size_t>::max());
    std::size_t min = count_of(schema, "minProperties").value_or(0);
    at_most(min, kMaxCount, "minProperties", "properties in an object");
    const nlohmann::json& empty = kAnything;
    auto properties_it = schema.find("properties");
    const nlohmann::json& properties =
        properties_it != schema.end() && properties_it->is_object() ? *properties_it : empty;
    // A reference, never a copy: the Flattener caches merges by the schema's address.
    auto property_schema = [&](const std::string& name) -> const nlohmann::json& {
      if (auto it = properties.find(name); it != properties.end()) return *it;
      if (auto extra = schema.find("additionalProperties"); extra != schema.end()) return *extra;
      return empty;
    };
    if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const auto& name : *required) {
        if (!name.is_string()) continue;
        out[name.get<std::string>()] = value(property_schema(name.get<std::string>()), depth + 1);
      }
    }
    if (!shallow) {
      for (auto it = properties.begin(); it != properties.end(); ++it) {
        if (out.contains(it.key()) || out.size() >= max) continue;
        if (it->is_boolean() && !it->get<bool>()) continue;
        // Optional properties thin out with depth, for the same reason.
        if (options_.every_property || draw::choice(depth + 2) == 0) {
          out[it.key()] = value(*it, depth + 1);
        }
      }
    }
    auto additional = schema.find("additionalProperties");
    bool closed =
        additional != schema.end() && additional->is_boolean() && !additional->get<bool>();
    bool named = schema.contains("propertyNames");
    // Names drawn from propertyNames' pattern, when it has one the generator reads.
    std::optional<PatternGenerator> names_from;
    if (auto names = schema.find("propertyNames"); names != schema.end() && names->is_object()) {
      if (auto pattern = names->find("pattern"); pattern != names->end() && pattern->is_string()) {
        names_from = cached_pattern(pattern->get<std::string>());
      }
    }
    // Extra properties: from patternProperties, or free names where the schema allows them.
    if (auto patterns = schema.find("patternProperties");
        patterns != schema.end() && patterns->is_object() && !shallow) {
      for (auto it = patterns->begin(); it != patterns->end(); ++it) {
        if (out.size() >= max || !draw::coin()) continue;
        auto generator = cached_pattern(it.key());
        if (!generator) continue;
        std::string name = *generator->strings();
        if (!out.contains(name)) out[name] = value(*it, depth + 1);
      }
    }
    // Every member includes one of a declared additionalProperties schema (a map's entries).
    bool declared_extra = additional != schema.end() && additional->is_object();
    const bool free_names = !named || names_from.has_value();
    std::size_t wanted_extra = closed || !free_names || shallow            ? 0
                               : options_.every_property && declared_extra ? 1
                                                                           : draw::choice(3) == 0;
    while ((out.size() < min || wanted_extra > 0) && out.size() < max) {
      std::string name;
      // Prefer declared properties to reach minProperties.
      for (auto it = properties.begin(); it != properties.end() && name.empty(); ++it) {
        if (!out.contains(it.key())) name = it.key();
      }
      if (name.empty()) {
        if (closed || !free_names) break;  // the validator will say what is missing
        name = names_from ? *names_from->strings() : "x-" + draw::text(1, 8);
      }
      if (out.contains(name)) break;
      out[name] = value(property_schema(name), depth + 1);
      if (wanted_extra > 0) --wanted_extra;
    }
    // dependencies: a present property may demand others.
    if (auto dependencies = schema.find("dependencies");
        dependencies != schema.end() && dependencies->is_object()) {
      for (auto it = dependencies->begin(); it != dependencies->end(); ++it) {
        if (!out.contains(it.key()) || !it->is_array()) continue;
        for (const auto& needed : *it) {
          if (needed.is_string() && !out.contains(needed.get<std::string>())) {
            out[needed.get<std::string>()] =
                value(property_schema(needed.get<std::string>()), depth + 1);
          }
        }
      }
    }
    return out;
  }

  const nlohmann::json& document_;
  std::size_t spent_ = 0;
  const ValueOptions& options_;
  Flattener flatten_;
  std::deque<nlohmann::json> kept_;
};

}  // namespace

nlohmann::json build_value(const nlohmann::json& document, const nlohmann::json& schema,
                           const ValueOptions& options, int depth) {
  return Builder(document, options).value(schema, depth);
}

}  // namespace detail

std::vector<std::string> generation_notes(const SchemaSource& source) {
  std::vector<std::string> notes;
  std::set<std::string> seen;
  auto walk = [&](auto& self, const nlohmann::json& node) -> void {
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (it.key() == "pattern" && it->is_string() &&
            seen.insert(it->get<std::string>()).second) {
          std::string why;
          if (!PatternGenerator::parse(it->get<std::string>(), &why)) {
            notes.push_back("pattern '" + it->get<std::string>() + "' uses " + why +
                            ": values come from the schema's examples or from filtering");
          }
        } else if (it.key() == "patternProperties" && it->is_object()) {
          for (auto p = it->begin(); p != it->end(); ++p) {
            std::string why;
            if (!PatternGenerator::parse(p.key(), &why) && seen.insert(p.key()).second) {
              notes.push_back("patternProperties name '" + p.key() + "' uses " + why +
                              ": no names are generated for it");
            }
            self(self, p.value());
          }
        } else if (it->is_structured() && it.key() != "enum" && it.key() != "const" &&
                   it.key() != "examples" && it.key() != "default") {
          self(self, it.value());
        }
      }
    } else if (node.is_array()) {
      for (const auto& item : node) self(self, item);
    }
  };
  walk(walk, source.document);
  return notes;
}

rc::Gen<nlohmann::json> positive_values(SchemaSourcePtr source, ValueOptions options) {
  return rc::gen::exec([source, options]() -> nlohmann::json {
    std::string last_problem = "no value satisfied the validator";
    // A structural impossibility does not go away on a second draw, unless examples exist.
    auto gives_up = [&](const std::exception& e, int attempt) {
      last_problem = e.what();
      return attempt > 3;
    };
    for (int attempt = 0; attempt < options.attempts; ++attempt) {
      try {
        nlohmann::json value = detail::build_value(source->document, source->document, options, 0);
        auto violations = source->validate(value);
        if (violations.empty()) return value;
        last_problem = "generated values break the schema, e.g. at '" +
                       violations.front().instance_pointer + "': " + violations.front().message;
      } catch (const detail::GiveUp& e) {
        if (gives_up(e, attempt)) break;
      } catch (const schema::CannotFlatten& e) {
        if (gives_up(e, attempt)) break;
      }
    }
    throw Unsatisfiable(source->location, last_problem);
  });
}

}  // namespace conform::gen
