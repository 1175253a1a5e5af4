#include "conform/gen/values.hpp"

#include <cmath>
#include <deque>
#include <limits>
#include <set>

#include "conform/gen/draw.hpp"
#include "conform/gen/pattern_generator.hpp"
#include "conform/schema/regex.hpp"

namespace conform::gen {
namespace detail {
namespace {

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

std::set<std::string> types_of(const nlohmann::json& schema) {
  std::set<std::string> types;
  auto type = schema.find("type");
  if (type != schema.end()) {
    if (type->is_string()) types.insert(type->get<std::string>());
    if (type->is_array()) {
      for (const auto& t : *type) {
        if (t.is_string()) types.insert(t.get<std::string>());
      }
    }
    return types;
  }
  // No type: infer it from the keywords that only make sense for one.
  for (const char* k : {"properties", "required", "additionalProperties", "patternProperties",
                        "minProperties", "maxProperties", "propertyNames"}) {
    if (schema.contains(k)) types.insert("object");
  }
  for (const char* k : {"items", "minItems", "maxItems", "uniqueItems", "contains"}) {
    if (schema.contains(k)) types.insert("array");
  }
  for (const char* k : {"minLength", "maxLength", "pattern", "format"}) {
    if (schema.contains(k)) types.insert("string");
  }
  for (const char* k :
       {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) {
    if (schema.contains(k)) types.insert("number");
  }
  if (types.empty()) types = {"null", "boolean", "integer", "number", "string", "array", "object"};
  return types;
}

void merge_into(nlohmann::json& into, const nlohmann::json& from);

// Keywords where the stricter of two values wins.
void tighten(nlohmann::json& into, const nlohmann::json& from, const char* keyword, bool larger) {
  auto theirs = from.find(keyword);
  if (theirs == from.end() || !theirs->is_number()) return;
  auto ours = into.find(keyword);
  if (ours == into.end() || !ours->is_number() ||
      (larger ? theirs->get<double>() > ours->get<double>()
              : theirs->get<double>() < ours->get<double>())) {
    into[keyword] = *theirs;
  }
}

void merge_into(nlohmann::json& into, const nlohmann::json& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) {
    const std::string& key = it.key();
    if (!into.contains(key)) {
      into[key] = it.value();
      continue;
    }
    if (key == "type") {
      std::set<std::string> a = types_of(into);
      std::set<std::string> b = types_of(from);
      nlohmann::json both = nlohmann::json::array();
      for (const auto& t : a) {
        if (b.contains(t) || (t == "integer" && b.contains("number")))
          both.push_back(t);
        else if (t == "number" && b.contains("integer"))
          both.push_back("integer");
      }
      into["type"] = both;
    } else if (key == "properties" && it->is_object()) {
      for (auto p = it->begin(); p != it->end(); ++p) {
        auto& mine = into["properties"][p.key()];
        if (mine.is_null()) {
          mine = p.value();
        } else if (mine.is_object() && p->is_object()) {
          nlohmann::json combined = {{"allOf", {mine, p.value()}}};
          mine = std::move(combined);
        }
      }
    } else if (key == "required" && it->is_array()) {
      for (const auto& name : *it) {
        if (std::find(into["required"].begin(), into["required"].end(), name) ==
            into["required"].end()) {
          into["required"].push_back(name);
        }
      }
    } else if (key == "minimum" || key == "exclusiveMinimum" || key == "minLength" ||
               key == "minItems" || key == "minProperties") {
      tighten(into, from, key.c_str(), true);
    } else if (key == "maximum" || key == "exclusiveMaximum" || key == "maxLength" ||
               key == "maxItems" || key == "maxProperties") {
      tighten(into, from, key.c_str(), false);
    } else if (key == "enum" && it->is_array() && into["enum"].is_array()) {
      nlohmann::json both = nlohmann::json::array();
      for (const auto& v : into["enum"]) {
        if (std::find(it->begin(), it->end(), v) != it->end()) both.push_back(v);
      }
      into["enum"] = both;
    } else if (key == "additionalProperties" && it->is_boolean() && !it->get<bool>()) {
      into[key] = false;
    } else if (key == "examples") {
      // Examples of one branch need not satisfy the whole: keep only the first branch's.
    }
    // Anything else keeps the first value; the validator checks the whole schema anyway.
  }
}

std::optional<PatternGenerator> cached_pattern(const std::string& pattern) {
  static thread_local std::map<std::string, std::optional<PatternGenerator>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, PatternGenerator::parse(pattern)).first;
  return it->second;
}

}  // namespace

const nlohmann::json& resolve(const nlohmann::json& document, const nlohmann::json& schema) {
  const nlohmann::json* node = &schema;
  for (int hops = 0; hops < 32; ++hops) {
    if (!node->is_object()) return *node;
    auto ref = node->find("$ref");
    if (ref == node->end() || !ref->is_string()) return *node;
    const std::string& text = ref->get_ref<const std::string&>();
    if (text.empty() || text[0] != '#') throw GiveUp("reference '" + text + "' is not local");
    nlohmann::json::json_pointer pointer(text.substr(1));
    if (!document.contains(pointer)) throw GiveUp("reference '" + text + "' resolves to nothing");
    node = &document.at(pointer);
  }
  throw GiveUp("a chain of references that does not end");
}

const nlohmann::json* Flattener::try_flatten(const nlohmann::json& schema) noexcept {
  try {
    return &(*this)(schema);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const nlohmann::json& Flattener::operator()(const nlohmann::json& schema, int depth) {
  if (depth > kHardDepth) throw GiveUp("allOf/$ref nesting too deep");
  const nlohmann::json& target = resolve(document_, schema);
  if (!target.is_object()) return target;
  auto all_of = target.find("allOf");
  if (all_of == target.end() || !all_of->is_array()) return target;
  if (auto done = merged_.find(&target); done != merged_.end()) return done->second;
  nlohmann::json out = target;
  out.erase("allOf");
  for (const auto& branch : *all_of) {
    const nlohmann::json& flat = (*this)(branch, depth + 1);
    if (flat.is_boolean()) {
      if (!flat.get<bool>()) throw GiveUp("allOf contains false");
      continue;
    }
    merge_into(out, flat);
  }
  return merged_.emplace(&target, std::move(out)).first->second;
}

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
    std::size_t wanted_extra = closed || named || shallow ? 0 : draw::choice(3) == 0;
    while ((out.size() < min || wanted_extra > 0) && out.size() < max) {
      std::string name;
      // Prefer declared properties to reach minProperties.
      for (auto it = properties.begin(); it != properties.end() && name.empty(); ++it) {
        if (!out.contains(it.key())) name = it.key();
      }
      if (name.empty()) {
        if (closed || named) break;  // the validator will say what is missing
        name = "x-" + draw::text(1, 8);
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
    for (int attempt = 0; attempt < options.attempts; ++attempt) {
      try {
        nlohmann::json value = detail::build_value(source->document, source->document, options, 0);
        auto violations = source->validate(value);
        if (violations.empty()) return value;
        last_problem = "generated values break the schema, e.g. at '" +
                       violations.front().instance_pointer + "': " + violations.front().message;
      } catch (const detail::GiveUp& e) {
        last_problem = e.what();
        // A structural impossibility does not go away on a second draw, unless examples exist.
        if (attempt > 3) break;
      }
    }
    throw Unsatisfiable(source->location, last_problem);
  });
}

}  // namespace conform::gen
