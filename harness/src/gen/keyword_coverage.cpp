#include "conform/gen/keyword_coverage.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "conform/core/json_pointer.hpp"
#include "conform/gen/mutations.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/gen/schema_source.hpp"
#include "conform/schema/flatten.hpp"
#include "conform/spec/media_type.hpp"

namespace conform::gen {
namespace {

// Deeper than any request body a description means to be sent; recursion ends here too.
constexpr int kMaxDepth = 12;
// Items of one array walked for a valid value: the first ones show what the rest would.
constexpr std::size_t kItemsWalked = 32;
// Schemas visited to list one part's locations: descriptions whose objects expand into one
// another (a customer's invoices' customer...) would otherwise grow without end.
constexpr int kVisitBudget = 20000;

// The keywords with a value (besides `required`, `additionalProperties: false` and
// `uniqueItems: true`) that a location is made of.
constexpr std::array<const char*, 15> kValueKeywords = {"type",
                                                        "enum",
                                                        "const",
                                                        "minimum",
                                                        "exclusiveMinimum",
                                                        "maximum",
                                                        "exclusiveMaximum",
                                                        "multipleOf",
                                                        "minLength",
                                                        "maxLength",
                                                        "pattern",
                                                        "minProperties",
                                                        "maxProperties",
                                                        "minItems",
                                                        "maxItems"};

std::string location(const std::string& part, const std::string& path, const std::string& what) {
  return part + (path.empty() ? "" : " " + path) + ": " + what;
}

std::string escaped(const std::string& token) { return core::escape_pointer_token(token); }

std::vector<std::string> pointer_tokens(const std::string& pointer) {
  return core::split_pointer(pointer).value_or(std::vector<std::string>{});
}

bool is_index(const std::string& token) {
  return !token.empty() && token.size() < 10 &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The JSON Schema type names a value has ("integer" is also a "number").
std::set<std::string> types_of_value(const nlohmann::json& value) {
  if (value.is_null()) return {"null"};
  if (value.is_boolean()) return {"boolean"};
  if (value.is_string()) return {"string"};
  if (value.is_array()) return {"array"};
  if (value.is_object()) return {"object"};
  if (value.is_number_integer() || value.is_number_unsigned()) return {"integer", "number"};
  double d = value.get<double>();
  if (std::isfinite(d) && d == static_cast<double>(static_cast<long long>(d))) {
    return {"integer", "number"};
  }
  return {"number"};
}

}  // namespace

struct KeywordCoverage::Impl {
  struct Part {
    std::string name;  // "body", "query parameter 'limit'"
    const spec::Parameter* parameter = nullptr;
    SchemaSourcePtr source;
    std::unique_ptr<schema::Flattener> flatten;
    int visits = 0;  // schemas visited listing its locations
  };

  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  const spec::Operation& operation;
  std::vector<Part> parts;
  std::set<std::string> locations;
  std::map<std::string, std::string> unbreakable;

  // Each location a flattened schema holds at `path`; `value`, when given, keeps only what it
  // reaches (a required name it has, `additionalProperties` of an object).
  static void keywords_at(const nlohmann::json& flat, const std::string& part,
                          const std::string& path, const nlohmann::json* value,
                          const std::function<void(std::string)>& add) {
    for (const char* keyword : kValueKeywords) {
      if (flat.contains(keyword)) add(location(part, path, keyword));
    }
    // A format is broken as a string; on numbers (int32, double) it only names the size.
    if (flat.contains("format") && schema::types_of(flat).contains("string")) {
      add(location(part, path, "format"));
    }
    if (flat.value("uniqueItems", false)) add(location(part, path, "uniqueItems"));
    bool object = value == nullptr || value->is_object();
    if (auto required = flat.find("required"); required != flat.end() && required->is_array()) {
      for (const auto& name : *required) {
        if (!name.is_string()) continue;
        if (value != nullptr && !(value->is_object() && value->contains(name.get<std::string>())))
          continue;
        add(location(part, path, "required " + name.get<std::string>()));
      }
    }
    if (auto additional = flat.find("additionalProperties"); object && additional != flat.end() &&
                                                             additional->is_boolean() &&
                                                             !additional->get<bool>()) {
      add(location(part, path, "additionalProperties"));
    }
  }

  // A recursive schema (a tree's node) is walked into once more, to show its locations below
  // itself, and no further.
  static bool recursed(const std::vector<const nlohmann::json*>& stack,
                       const nlohmann::json* flat) {
    return std::count(stack.begin(), stack.end(), flat) >= 2;
  }

  // Each subschema a schema applies to its children, with the path it gives them.
  static void children(const nlohmann::json& flat, const std::string& path,
                       const std::function<void(const nlohmann::json&, std::string)>& visit) {
    if (auto properties = flat.find("properties");
        properties != flat.end() && properties->is_object()) {
      for (const auto& [name, sub] : properties->items()) visit(sub, path + "/" + escaped(name));
    }
    if (auto items = flat.find("items"); items != flat.end()) {
      if (items->is_object()) visit(*items, path + "/*");
      if (items->is_array()) {
        for (std::size_t i = 0; i < items->size(); ++i)
          visit((*items)[i], path + "/" + std::to_string(i));
      }
    }
    if (auto additional = flat.find("additionalProperties");
        additional != flat.end() && additional->is_object()) {
      visit(*additional, path + "/<additional>");
    }
    branches(flat, path, visit);
  }

  static void branches(const nlohmann::json& flat, const std::string& path,
                       const std::function<void(const nlohmann::json&, std::string)>& visit) {
    for (const char* keyword : {"oneOf", "anyOf"}) {
      auto found = flat.find(keyword);
      if (found == flat.end() || !found->is_array()) continue;
      for (std::size_t i = 0; i < found->size(); ++i) {
        visit((*found)[i], path + "[" + keyword + " " + std::to_string(i) + "]");
      }
    }
  }

  void collect(Part& part, const nlohmann::json& raw, const std::string& path, int depth,
               std::vector<const nlohmann::json*>& stack) {
    if (depth > kMaxDepth || ++part.visits > kVisitBudget) return;
    const nlohmann::json* flat = part.flatten->try_flatten(raw);
    if (flat == nullptr || !flat->is_object()) return;
    if (recursed(stack, flat)) return;
    stack.push_back(flat);
    keywords_at(*flat, part.name, path, nullptr,
                [&](std::string l) { locations.insert(std::move(l)); });
    if (part.parameter != nullptr && flat->contains("type")) {
      std::set<std::string> types = schema::types_of(*flat);
      if (types.contains("string")) {
        unbreakable.emplace(location(part.name, path, "type"),
                            "a parameter's text always reads as a string");
      } else if (path.empty() && part.parameter->content.empty() &&
                 (types.contains("array") || types.contains("object"))) {
        unbreakable.emplace(location(part.name, path, "type"),
                            "a parameter's text is read by its style into this shape");
      }
    }
    children(*flat, path, [&](const nlohmann::json& sub, std::string sub_path) {
      collect(part, sub, sub_path, depth + 1, stack);
    });
    stack.pop_back();
  }

  // Whether a valid value went down a oneOf/anyOf branch: it has the branch's type, its required
  // properties, and its const or one of its enum values; so do the members it has (a
  // discriminating `kind: {enum: [dog]}`).
  bool fits(Part& part, const nlohmann::json& raw, const nlohmann::json& value,
            bool members = true) const {
    const nlohmann::json* flat = part.flatten->try_flatten(raw);
    if (flat == nullptr || !flat->is_object()) return false;
    if (auto properties = flat->find("properties");
        members && value.is_object() && properties != flat->end() && properties->is_object()) {
      for (const auto& [name, member] : value.items()) {
        if (properties->contains(name) && !fits(part, (*properties)[name], member, false))
          return false;
      }
    }
    std::set<std::string> allowed = schema::types_of(*flat);
    auto has = types_of_value(value);
    if (std::none_of(has.begin(), has.end(),
                     [&](const std::string& t) { return allowed.contains(t); }))
      return false;
    if (auto c = flat->find("const"); c != flat->end() && *c != value) return false;
    if (auto e = flat->find("enum");
        e != flat->end() && e->is_array() && std::find(e->begin(), e->end(), value) == e->end()) {
      return false;
    }
    if (auto required = flat->find("required"); required != flat->end() && required->is_array()) {
      for (const auto& name : *required) {
        if (name.is_string() && !(value.is_object() && value.contains(name.get<std::string>())))
          return false;
      }
    }
    return true;
  }

  void reach(Part& part, const nlohmann::json& raw, const nlohmann::json& value,
             const std::string& path, int depth, std::vector<const nlohmann::json*>& stack,
             std::set<std::string>& out) const {
    if (depth > kMaxDepth) return;
    const nlohmann::json* flat = part.flatten->try_flatten(raw);
    if (flat == nullptr || !flat->is_object()) return;
    if (recursed(stack, flat)) return;
    stack.push_back(flat);
    keywords_at(*flat, part.name, path, &value, [&](std::string l) { out.insert(std::move(l)); });
    if (value.is_object()) {
      auto properties = flat->find("properties");
      auto additional = flat->find("additionalProperties");
      for (const auto& [name, member] : value.items()) {
        if (properties != flat->end() && properties->is_object() && properties->contains(name)) {
          reach(part, (*properties)[name], member, path + "/" + escaped(name), depth + 1, stack,
                out);
        } else if (additional != flat->end() && additional->is_object()) {
          reach(part, *additional, member, path + "/<additional>", depth + 1, stack, out);
        }
      }
    } else if (value.is_array()) {
      if (auto items = flat->find("items"); items != flat->end()) {
        for (std::size_t i = 0; i < value.size() && i < kItemsWalked; ++i) {
          if (items->is_object()) {
            reach(part, *items, value[i], path + "/*", depth + 1, stack, out);
          } else if (items->is_array() && i < items->size()) {
            reach(part, (*items)[i], value[i], path + "/" + std::to_string(i), depth + 1, stack,
                  out);
          }
        }
      }
    }
    branches(*flat, path, [&](const nlohmann::json& branch, std::string branch_path) {
      if (fits(part, branch, value)) reach(part, branch, value, branch_path, depth + 1, stack, out);
    });
    stack.pop_back();
  }

  // The schemas that apply at `pointer` in the part's value, each with its path: every
  // oneOf/anyOf branch on the way, since an invalid value says nothing of the branch it meant.
  std::vector<std::pair<const nlohmann::json*, std::string>> at_pointer(
      Part& part, const std::string& pointer) const {
    using Candidates = std::vector<std::pair<const nlohmann::json*, std::string>>;
    auto expand = [&](const Candidates& raw) {
      Candidates out;
      std::function<void(const nlohmann::json&, const std::string&, int)> add =
          [&](const nlohmann::json& schema, const std::string& path, int depth) {
            const nlohmann::json* flat = part.flatten->try_flatten(schema);
            if (flat == nullptr || !flat->is_object() || depth > kMaxDepth) return;
            out.emplace_back(flat, path);
            branches(*flat, path, [&](const nlohmann::json& branch, std::string branch_path) {
              add(branch, branch_path, depth + 1);
            });
          };
      for (const auto& [schema, path] : raw) add(*schema, path, 0);
      return out;
    };
    Candidates current = expand({{&part.source->document, ""}});
    for (const std::string& token : pointer_tokens(pointer)) {
      Candidates next;
      for (const auto& [flat, path] : current) {
        auto properties = flat->find("properties");
        auto items = flat->find("items");
        auto additional = flat->find("additionalProperties");
        if (properties != flat->end() && properties->is_object() && properties->contains(token)) {
          next.emplace_back(&(*properties)[token], path + "/" + escaped(token));
        } else if (is_index(token) && items != flat->end() && items->is_object()) {
          next.emplace_back(&*items, path + "/*");
        } else if (is_index(token) && items != flat->end() && items->is_array() &&
                   std::stoul(token) < items->size()) {
          next.emplace_back(&(*items)[std::stoul(token)], path + "/" + token);
        } else if (additional != flat->end() && additional->is_object()) {
          next.emplace_back(&*additional, path + "/<additional>");
        }
      }
      current = expand(next);
      if (current.empty()) break;
    }
    return current;
  }

  Part* part_named(const std::string& name) {
    for (Part& part : parts) {
      if (part.name == name) return &part;
    }
    return nullptr;
  }
};

KeywordCoverage::KeywordCoverage(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                                 const spec::Operation& operation)
    : impl_(std::make_unique<Impl>(Impl{spec, schemas, operation, {}, {}, {}})) {
  Impl& m = *impl_;
  for (const spec::Parameter& parameter : operation.parameters) {
    Impl::Part part;
    part.name = describe(parameter);
    part.parameter = &parameter;
    std::optional<spec::SchemaId> id = parameter.schema;
    if (!id && !parameter.content.empty()) id = parameter.content.front().schema;
    if (id) part.source = source_for(spec, schemas, *id, spec::Direction::request);
    if (parameter.required && parameter.in != "path") {
      m.locations.insert(location(part.name, "", "required"));
    }
    m.parts.push_back(std::move(part));
  }
  if (operation.request_body && !operation.request_body->content.empty()) {
    const auto& content = operation.request_body->content;
    auto chosen = std::find_if(content.begin(), content.end(), [](const spec::MediaType& media) {
      return spec::is_json_media_type(media.name);
    });
    if (chosen == content.end()) chosen = content.begin();
    Impl::Part part;
    part.name = "body";
    if (chosen->schema) {
      part.source = source_for(spec, schemas, *chosen->schema, spec::Direction::request);
    }
    if (operation.request_body->required) m.locations.insert(location("body", "", "required"));
    m.parts.push_back(std::move(part));
  }
  for (Impl::Part& part : m.parts) {
    if (!part.source) continue;
    part.flatten = std::make_unique<schema::Flattener>(part.source->document);
    std::vector<const nlohmann::json*> stack;
    m.collect(part, part.source->document, "", 0, stack);
  }
}

KeywordCoverage::~KeywordCoverage() = default;

const std::set<std::string>& KeywordCoverage::locations() const { return impl_->locations; }

const std::map<std::string, std::string>& KeywordCoverage::unbreakable() const {
  return impl_->unbreakable;
}

std::vector<std::string> KeywordCoverage::parameters() const {
  std::vector<std::string> names;
  for (const auto& part : impl_->parts) {
    if (part.parameter != nullptr) names.push_back(part.name);
  }
  return names;
}

KeywordCoverage::Exercised KeywordCoverage::exercised(const RequestCase& sent) const {
  Impl& m = *impl_;
  Exercised out;
  if (!sent.negative) {
    Judgement judgement = judge(m.spec, m.schemas, m.operation, sent.request);
    if (!judgement.routed) return out;
    for (Impl::Part& part : m.parts) {
      const nlohmann::json* value = nullptr;
      if (part.parameter != nullptr) {
        auto found = judgement.read.parameters.find(part.parameter->name);
        if (found != judgement.read.parameters.end()) value = &found->second;
      } else if (!judgement.read.body.is_null() && !judgement.read.body.is_discarded()) {
        value = &judgement.read.body;
      }
      if (value == nullptr) continue;
      if (part.parameter != nullptr) out.parameters.insert(part.name);
      out.valid.insert(location(part.name, "", "required"));
      if (part.source) {
        std::vector<const nlohmann::json*> stack;
        m.reach(part, part.source->document, *value, "", 0, stack, out.valid);
      }
    }
  } else {
    std::string keyword;
    for (const auto& info : mutation_catalogue()) {
      if (info.name == sent.mutation) keyword = info.keyword;
    }
    std::string part_name = sent.where.rfind("body", 0) == 0 ? "body" : sent.where;
    Impl::Part* part = m.part_named(part_name);
    if (keyword.empty() || part == nullptr) return out;
    if (sent.mutation == "missing_required_parameter" ||
        sent.mutation == "missing_required_header" || sent.mutation == "missing_body") {
      out.invalid.insert(location(part_name, "", "required"));
    } else if (part->source) {
      std::string pointer = sent.pointer;
      std::string what = keyword;
      if (sent.mutation == "missing_required") {
        auto slash = pointer.rfind('/');
        auto tokens = pointer_tokens(pointer);
        what = "required " + (tokens.empty() ? std::string() : tokens.back());
        pointer = slash == std::string::npos ? "" : pointer.substr(0, slash);
      }
      for (const auto& [flat, path] : m.at_pointer(*part, pointer)) {
        std::string found = what;
        // below_minimum and above_maximum break the exclusive bound where there is one.
        if (what == "minimum" && !flat->contains("minimum")) found = "exclusiveMinimum";
        if (what == "maximum" && !flat->contains("maximum")) found = "exclusiveMaximum";
        bool holds = found.rfind("required ", 0) == 0 ? true : flat->contains(found);
        std::string named = location(part_name, path, found);
        if (holds && m.locations.contains(named) && !m.unbreakable.contains(named)) {
          out.invalid.insert(std::move(named));
        }
      }
    }
  }
  std::erase_if(out.valid, [&](const std::string& l) { return !m.locations.contains(l); });
  return out;
}

}  // namespace conform::gen
