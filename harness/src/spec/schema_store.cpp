#include "conform/spec/schema_store.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "conform/core/error.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/spec/schema_walk.hpp"

namespace conform::spec {
namespace {

// Nesting beyond this in one schema is treated as hostile input rather than recursed into.
constexpr int kMaxSchemaDepth = 200;

const std::set<std::string>& copied_keywords() {
  static const std::set<std::string> keywords = {
      "enum",          "const",   "multipleOf", "maximum",  "minimum",     "maxLength",
      "minLength",     "pattern", "maxItems",   "minItems", "uniqueItems", "maxProperties",
      "minProperties", "format",  "readOnly",   "writeOnly"};
  return keywords;
}

const std::set<std::string>& single_schema_keywords() {
  static const std::set<std::string> keywords = {"additionalProperties",
                                                 "additionalItems",
                                                 "contains",
                                                 "propertyNames",
                                                 "not",
                                                 "if",
                                                 "then",
                                                 "else"};
  return keywords;
}

// Annotations: they describe, they do not constrain, so leaving them out loses nothing.
const std::set<std::string>& annotation_keywords() {
  static const std::set<std::string> keywords = {
      "title",           "description",   "default",     "example",
      "examples",        "deprecated",    "xml",         "externalDocs",
      "discriminator",   "$comment",      "$schema",     "contentMediaType",
      "contentEncoding", "contentSchema", "definitions", "$defs"};
  return keywords;
}

// Keywords of JSON Schema 2019-09/2020-12 that a draft-7 validator cannot honour.
const std::set<std::string>& unsupported_keywords() {
  static const std::set<std::string> keywords = {
      "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$dynamicAnchor",
      "$recursiveRef",         "$recursiveAnchor", "$anchor",     "minContains",
      "maxContains",           "$vocabulary",      "$id",         "id"};
  return keywords;
}

const std::set<std::string>& json_types() {
  static const std::set<std::string> types = {"null",   "boolean", "object", "array",
                                              "number", "string",  "integer"};
  return types;
}

bool is_true(const nlohmann::json& schema, const char* keyword) {
  auto it = schema.find(keyword);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

class SchemaStore::Normalizer {
 public:
  Normalizer(SchemaStore& store, DocumentSet& documents) : store_(store), documents_(documents) {}

  SchemaId add(const Location& location) {
    auto first_new = static_cast<SchemaId>(store_.entries_.size());
    SchemaId first = enqueue(location);
    while (!queue_.empty()) {
      SchemaId id = queue_.front();
      queue_.pop_front();
      Location where = store_.entries_[id].location;
      current_ = id;
      const nlohmann::json* node = documents_.find(where);
      nlohmann::json schema =
          node != nullptr ? normalize(*node, where, 0) : nlohmann::json::object();
      Entry& entry = store_.entries_[id];
      entry.schema = std::move(schema);
      if (node != nullptr && node->is_object()) {
        entry.read_only = is_true(*node, "readOnly");
        entry.write_only = is_true(*node, "writeOnly");
      }
    }
    check_reach(first_new);
    return first;
  }

 private:
  SchemaId enqueue(const Location& location) {
    auto it = store_.ids_.find(location);
    if (it != store_.ids_.end()) return it->second;
    if (store_.entries_.size() >= std::numeric_limits<SchemaId>::max()) {
      core::fail_input("schema.limit", location.file, location.pointer, "too many schemas");
    }
    auto id = static_cast<SchemaId>(store_.entries_.size());
    Entry entry;
    entry.location = location;
    entry.schema = nlohmann::json::object();
    store_.entries_.push_back(std::move(entry));
    store_.ids_.emplace(location, id);
    queue_.push_back(id);
    return id;
  }

  void report(core::Severity severity, std::string code, const Location& at, std::string message) {
    store_.diagnostics_.add(severity, std::move(code), at.file, at.pointer, std::move(message));
  }

  Location child(const Location& at, std::string_view token) const {
    return {at.file, core::append_pointer(at.pointer, token)};
  }

  nlohmann::json reference(const Location& at, const std::string& ref, int depth) {
    try {
      Location target = documents_.resolve(at, ref);
      SchemaId id = enqueue(target);
      store_.entries_[current_].references.push_back(id);
      store_.entries_[current_].edges.push_back({id, depth, descents_ == 0});
      return {{"$ref", "#/definitions/" + definition_name(id)}};
    } catch (const core::Error& e) {
      store_.diagnostics_.add(e.diagnostic());
      return nlohmann::json::object();
    }
  }

  void note_examples(const nlohmann::json& node, const Location& at) {
    if (node.contains("example")) {
      store_.examples_.insert({at, child(at, "example"), "example"});
    }
    if (node.contains("default")) {
      store_.examples_.insert({at, child(at, "default"), "default"});
    }
    auto examples = node.find("examples");
    if (examples != node.end() && examples->is_array()) {
      for (std::size_t i = 0; i < examples->size(); ++i) {
        store_.examples_.insert(
            {at, {at.file, core::append_pointer(child(at, "examples").pointer, i)}, "examples"});
      }
    }
  }

  nlohmann::json normalize(const nlohmann::json& node, const Location& at, int depth) {
    if (depth > kMaxSchemaDepth) {
      report(core::Severity::error, "schema.too-deep", at,
             "schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
      return nlohmann::json::object();
    }
    if (node.is_boolean()) {
      if (store_.version_ == OpenApiVersion::v3_0) {
        report(core::Severity::warning, "schema.boolean", at,
               "boolean schemas are OpenAPI 3.1; read as JSON Schema");
      }
      return node;
    }
    if (!node.is_object()) {
      report(core::Severity::error, "schema.not-object", at,
             std::string("a schema must be an object, found ") + node.type_name());
      return nlohmann::json::object();
    }
    note_examples(node, at);

    nlohmann::json out = nlohmann::json::object();
    nlohmann::json all_of = nlohmann::json::array();
    nlohmann::json dependencies = nlohmann::json::object();
    std::set<std::string> replaced_bounds;
    bool has_ref = false;

    if (auto ref = node.find("$ref"); ref != node.end()) {
      if (!ref->is_string()) {
        report(core::Severity::error, "ref.malformed", child(at, "$ref"), "$ref must be a string");
      } else {
        has_ref = true;
        all_of.push_back(reference(at, ref->get<std::string>(), depth));
      }
    }

    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& keyword = it.key();
      const nlohmann::json& value = it.value();
      const Location where = child(at, keyword);
      if (keyword == "$ref") continue;
      if (has_ref && store_.version_ == OpenApiVersion::v3_0 && keyword != "readOnly" &&
          keyword != "writeOnly" && !annotation_keywords().contains(keyword) &&
          keyword.rfind("x-", 0) != 0) {
        report(core::Severity::warning, "schema.ref-sibling", where,
               "'" + keyword + "' beside $ref is ignored in OpenAPI 3.0");
        continue;
      }
      if (keyword.rfind("x-", 0) == 0 || annotation_keywords().contains(keyword)) continue;
      if (copied_keywords().contains(keyword)) {
        if (auto problem = invalid_value(keyword, value)) {
          report(core::Severity::error, "schema.invalid-keyword", where,
                 keyword + " " + *problem + "; the constraint is not checked");
          continue;
        }
        out[keyword] = value;
      } else if (keyword == "type") {
        normalize_type(value, where, out);
      } else if (keyword == "required") {
        if (value.is_array() &&
            std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
          out[keyword] = value;
        } else if (!value.is_boolean()) {  // a boolean `required` is Swagger 2 style; meaningless
          report(core::Severity::error, "schema.invalid-keyword", where,
                 "required must be an array of property names");
        }
      } else if (keyword == "exclusiveMinimum" || keyword == "exclusiveMaximum") {
        if (auto replaced = normalize_exclusive_bound(node, keyword, value, where, out)) {
          replaced_bounds.insert(*replaced);
        }
      } else if (keyword == "nullable") {
        if (store_.version_ == OpenApiVersion::v3_1) {
          report(
              core::Severity::warning, "schema.nullable-in-3.1", where,
              "nullable is not an OpenAPI 3.1 keyword (use a type array with \"null\"); ignored");
        }
      } else if (single_schema_keywords().contains(keyword)) {
        // OpenAPI 3.0 allows a boolean here, and only here.
        bool boolean_allowed = keyword == "additionalProperties" || keyword == "additionalItems";
        Descent descent(
            *this, keyword != "not" && keyword != "if" && keyword != "then" && keyword != "else");
        out[keyword] =
            boolean_allowed && value.is_boolean() ? value : normalize(value, where, depth + 1);
      } else if (keyword == "allOf" || keyword == "anyOf" || keyword == "oneOf") {
        if (!value.is_array() || value.empty()) {
          report(core::Severity::error, "schema.invalid-keyword", where,
                 keyword + " must be a non-empty array of schemas");
          continue;
        }
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = 0; i < value.size(); ++i) {
          list.push_back(normalize(value[i], child(where, std::to_string(i)), depth + 1));
        }
        if (keyword == "allOf") {
          for (auto& item : list) all_of.push_back(std::move(item));
        } else {
          out[keyword] = std::move(list);
        }
      } else if (keyword == "properties" || keyword == "patternProperties") {
        if (!value.is_object()) {
          report(core::Severity::error, "schema.invalid-keyword", where,
                 keyword + " must be an object");
          continue;
        }
        nlohmann::json map = nlohmann::json::object();
        Descent descent(*this);
        for (auto entry = value.begin(); entry != value.end(); ++entry) {
          map[entry.key()] = normalize(entry.value(), child(where, entry.key()), depth + 1);
        }
        out[keyword] = std::move(map);
      } else if (keyword == "items") {
        Descent descent(*this);
        if (value.is_array()) {  // draft-7 tuple form, kept as is
          nlohmann::json list = nlohmann::json::array();
          for (std::size_t i = 0; i < value.size(); ++i) {
            list.push_back(normalize(value[i], child(where, std::to_string(i)), depth + 1));
          }
          out["items"] = std::move(list);
        } else if (node.contains("prefixItems")) {  // 2020-12: items after the prefix
          out["additionalItems"] = normalize(value, where, depth + 1);
        } else {
          out["items"] = normalize(value, where, depth + 1);
        }
      } else if (keyword == "prefixItems") {
        if (!value.is_array()) {
          report(core::Severity::error, "schema.invalid-keyword", where,
                 "prefixItems must be an array of schemas");
          continue;
        }
        nlohmann::json list = nlohmann::json::array();
        Descent descent(*this);
        for (std::size_t i = 0; i < value.size(); ++i) {
          list.push_back(normalize(value[i], child(where, std::to_string(i)), depth + 1));
        }
        out["items"] = std::move(list);
      } else if (keyword == "dependentRequired" || keyword == "dependentSchemas" ||
                 keyword == "dependencies") {
        if (!value.is_object()) {
          report(core::Severity::error, "schema.invalid-keyword", where,
                 keyword + " must be an object");
          continue;
        }
        for (auto entry = value.begin(); entry != value.end(); ++entry) {
          if (entry->is_array()) {
            dependencies[entry.key()] = entry.value();
          } else {
            dependencies[entry.key()] =
                normalize(entry.value(), child(where, entry.key()), depth + 1);
          }
        }
      } else if (unsupported_keywords().contains(keyword)) {
        report(core::Severity::warning, "schema.unsupported-keyword", where,
               "'" + keyword + "' cannot be honoured by the draft-7 validator; it is not checked");
      } else {
        report(core::Severity::info, "schema.unknown-keyword", where,
               "'" + keyword + "' is not a schema keyword; ignored");
      }
    }

    if (!dependencies.empty()) out["dependencies"] = std::move(dependencies);
    keep_examples(node, out);
    // The inclusive bound gives way where a 3.0 boolean exclusive form took its value.
    for (const auto& bound : replaced_bounds) out.erase(bound);
    apply_nullable(node, at, out);
    apply_integer_format(out, all_of);
    if (all_of.empty()) return out;
    // A lone $ref with only readOnly/writeOnly beside it stays a plain reference.
    bool only_annotations = std::all_of(out.items().begin(), out.items().end(), [](const auto& kv) {
      return kv.key() == "readOnly" || kv.key() == "writeOnly" || kv.key() == "examples" ||
             kv.key() == "default";
    });
    if (only_annotations && all_of.size() == 1 && all_of[0].contains("$ref")) {
      nlohmann::json single = std::move(all_of[0]);
      single.update(out);
      return single;
    }
    out["allOf"] = std::move(all_of);
    return out;
  }

  // Draft 7 has `examples` and `default` as annotations: validators ignore them, generators use
  // them first. OpenAPI's single `example` joins the list.
  static void keep_examples(const nlohmann::json& node, nlohmann::json& out) {
    nlohmann::json examples = nlohmann::json::array();
    if (auto list = node.find("examples"); list != node.end() && list->is_array()) {
      for (const auto& value : *list) examples.push_back(value);
    }
    if (auto example = node.find("example"); example != node.end()) examples.push_back(*example);
    if (!examples.empty()) out["examples"] = std::move(examples);
    if (auto fallback = node.find("default"); fallback != node.end()) out["default"] = *fallback;
  }

  void normalize_type(const nlohmann::json& value, const Location& where, nlohmann::json& out) {
    auto valid = [&](const nlohmann::json& type) {
      if (type.is_string() && json_types().contains(type.get<std::string>())) return true;
      report(core::Severity::error, "schema.invalid-type", where,
             "unknown type " + type.dump() + "; the type constraint is not checked");
      return false;
    };
    if (value.is_array()) {
      if (store_.version_ == OpenApiVersion::v3_0) {
        report(core::Severity::warning, "schema.type-array", where,
               "type arrays are OpenAPI 3.1; read as JSON Schema");
      }
      nlohmann::json types = nlohmann::json::array();
      for (const auto& type : value) {
        if (valid(type)) types.push_back(type);
      }
      if (!types.empty()) out["type"] = std::move(types);
    } else if (valid(value)) {
      out["type"] = value;
    }
  }

  // Returns the inclusive keyword that the 3.0 boolean form replaces, if any.
  std::optional<std::string> normalize_exclusive_bound(const nlohmann::json& node,
                                                       const std::string& keyword,
                                                       const nlohmann::json& value,
                                                       const Location& where, nlohmann::json& out) {
    if (value.is_number()) {
      out[keyword] = value;
      return std::nullopt;
    }
    if (!value.is_boolean()) {
      report(core::Severity::error, "schema.invalid-keyword", where,
             keyword + " must be a number (or, in OpenAPI 3.0, a boolean)");
      return std::nullopt;
    }
    const char* bound = keyword == "exclusiveMinimum" ? "minimum" : "maximum";
    auto limit = node.find(bound);
    if (!value.get<bool>()) return std::nullopt;  // false: the plain bound stays inclusive
    if (limit == node.end() || !limit->is_number()) {
      report(core::Severity::warning, "schema.invalid-keyword", where,
             keyword + ": true without " + bound + " has no effect");
      return std::nullopt;
    }
    out[keyword] = *limit;
    return bound;
  }

  void apply_nullable(const nlohmann::json& node, const Location& at, nlohmann::json& out) {
    if (store_.version_ != OpenApiVersion::v3_0 || !is_true(node, "nullable")) return;
    auto type = out.find("type");
    if (type == out.end()) return;  // OpenAPI 3.0.3: nullable without type adds nothing
    if (type->is_string()) *type = nlohmann::json::array({*type});
    if (std::find(type->begin(), type->end(), "null") == type->end()) type->push_back("null");
    auto values = out.find("enum");
    if (values != out.end() && values->is_array() &&
        std::find(values->begin(), values->end(), nullptr) == values->end()) {
      report(core::Severity::info, "schema.nullable-enum", child(at, "nullable"),
             "nullable with an enum that lacks null: null is still refused (OpenAPI 3.0.3)");
    }
  }

  // int32/int64 are ranges that a validator would not otherwise check.
  void apply_integer_format(nlohmann::json& out, nlohmann::json& all_of) {
    auto format = out.find("format");
    if (format == out.end() || !format->is_string()) return;
    if (*format == "int32") {
      all_of.push_back({{"minimum", std::numeric_limits<std::int32_t>::min()},
                        {"maximum", std::numeric_limits<std::int32_t>::max()}});
    } else if (*format == "int64") {
      // As doubles: past 2^53 integers and doubles no longer agree, and validators compare doubles.
      all_of.push_back(
          {{"minimum", static_cast<double>(std::numeric_limits<std::int64_t>::min())},
           {"maximum", static_cast<double>(std::numeric_limits<std::int64_t>::max())}});
    }
  }

  // Reference cycles that never leave the value (A: allOf [B], B: $ref A) mean nothing and recurse
  // without end in validators and generators; chains of references deeper than kMaxReach overflow
  // their stacks. Both are reported where they start, and the schemas involved read as {}: the
  // error keeps `run` and `mock` away from the operations that use them, and nothing recurses.
  void check_reach(SchemaId first_new) {
    std::vector<Entry>& entries = store_.entries_;
    enum class State { unseen, on_path, done };
    std::vector<State> state(entries.size(), State::unseen);
    std::fill(state.begin(), state.begin() + first_new, State::done);
    struct Frame {
      SchemaId id;
      std::size_t next = 0;
    };
    std::set<SchemaId> cut;
    for (SchemaId start = first_new; start < entries.size(); ++start) {
      if (state[start] != State::unseen) continue;
      std::vector<Frame> path{{start}};
      state[start] = State::on_path;
      while (!path.empty()) {
        Frame& frame = path.back();
        Entry& entry = entries[frame.id];
        if (frame.next == entry.edges.size()) {
          state[frame.id] = State::done;
          path.pop_back();
          continue;
        }
        const Edge edge = entry.edges[frame.next++];
        if (state[edge.target] == State::unseen) {
          state[edge.target] = State::on_path;
          path.push_back({edge.target});
          continue;
        }
        if (state[edge.target] == State::on_path && edge.in_place) {
          report_cycle_in_place(path, edge.target, cut);
        }
      }
      settle_reach(start, first_new);
    }
    std::set<SchemaId> over;
    for (SchemaId id = first_new; id < entries.size(); ++id) {
      if (entries[id].reach > kMaxReach) over.insert(id);
    }
    std::set<SchemaId> inner;  // reached from another schema over the limit: reported there
    for (SchemaId id : over) {
      for (const Edge& edge : entries[id].edges) {
        if (over.contains(edge.target)) inner.insert(edge.target);
      }
    }
    for (SchemaId id : over) {
      if (!inner.contains(id)) {
        report(core::Severity::error, "schema.too-deep", entries[id].location,
               "references from here nest more than " + std::to_string(kMaxReach) +
                   " levels deep (" + std::to_string(entries[id].reach) +
                   "); conform does not follow them");
      }
      cut.insert(id);
    }
    for (SchemaId id : cut) {
      entries[id].schema = nlohmann::json::object();
      entries[id].references.clear();
      entries[id].edges.clear();
    }
  }

  // Reach of each schema from `start`: the deepest its nesting and references go, a cycle
  // counted once. Iterative, memoised on entries already settled in this pass.
  void settle_reach(SchemaId start, SchemaId first_new) {
    std::vector<Entry>& entries = store_.entries_;
    std::vector<SchemaId> order;
    std::set<SchemaId> seen{start};
    std::vector<std::pair<SchemaId, std::size_t>> stack{{start, 0}};
    while (!stack.empty()) {
      auto& [id, next] = stack.back();
      if (next < entries[id].edges.size()) {
        SchemaId target = entries[id].edges[next++].target;
        if (target >= first_new && !settled_.contains(target) && seen.insert(target).second) {
          stack.push_back({target, 0});
        }
        continue;
      }
      order.push_back(id);
      stack.pop_back();
    }
    for (SchemaId id : order) {  // post-order: targets before the schemas that reach them
      int reach = 0;
      for (const Edge& edge : entries[id].edges) {
        int beyond = edge.target == id ? 0 : std::max(entries[edge.target].reach, 0);
        reach = std::max(reach, edge.depth + 1 + beyond);
      }
      entries[id].reach = reach;
      settled_.insert(id);
    }
  }

  template <class Frame>
  void report_cycle_in_place(const std::vector<Frame>& path, SchemaId target,
                             std::set<SchemaId>& cut) {
    const std::vector<Entry>& entries = store_.entries_;
    std::size_t from = 0;
    while (path[from].id != target) ++from;
    for (std::size_t i = from; i + 1 < path.size(); ++i) {
      const Edge& taken = entries[path[i].id].edges[path[i].next - 1];
      if (!taken.in_place) return;  // the value descends somewhere on the way: a recursive type
    }
    std::string cycle;
    for (std::size_t i = from; i < path.size(); ++i) {
      cycle += entries[path[i].id].location.to_string() + " -> ";
    }
    cycle += entries[target].location.to_string();
    report(core::Severity::error, "schema.ref-cycle", entries[target].location,
           "these references form a cycle that never reaches a value: " + cycle);
    cut.insert(path.back().id);
  }

  // What is wrong with a constraint's value, when it cannot be used as written.
  static std::optional<std::string> invalid_value(const std::string& keyword,
                                                  const nlohmann::json& value) {
    if (keyword == "multipleOf") {
      if (!value.is_number() || !(value.get<double>() > 0)) return "must be a number above 0";
    } else if (keyword == "maximum" || keyword == "minimum") {
      if (!value.is_number()) return "must be a number";
    } else if (keyword == "maxLength" || keyword == "minLength" || keyword == "maxItems" ||
               keyword == "minItems" || keyword == "maxProperties" || keyword == "minProperties") {
      bool count = value.is_number_unsigned() ||
                   (value.is_number_integer() && value.get<std::int64_t>() >= 0) ||
                   (value.is_number_float() && value.get<double>() >= 0 &&
                    std::floor(value.get<double>()) == value.get<double>());
      if (!count) return "must be a whole number of at least 0";
    }
    return std::nullopt;
  }

  // Marks the subschemas normalised while it lives as applying to a part of the instance.
  struct Descent {
    explicit Descent(Normalizer& owner, bool descending = true)
        : normalizer(owner), descends(descending) {
      if (descends) ++normalizer.descents_;
    }
    ~Descent() {
      if (descends) --normalizer.descents_;
    }
    Descent(const Descent&) = delete;
    Descent& operator=(const Descent&) = delete;
    Normalizer& normalizer;
    bool descends;
  };

  SchemaStore& store_;
  DocumentSet& documents_;
  std::deque<SchemaId> queue_;
  SchemaId current_ = 0;
  int descents_ = 0;
  std::set<SchemaId> settled_;
};

SchemaStore::SchemaStore(OpenApiVersion version) : version_(version) {}

SchemaId SchemaStore::add(DocumentSet& documents, const Location& location) {
  return Normalizer(*this, documents).add(location);
}

std::optional<SchemaId> SchemaStore::find(const Location& location) const {
  auto it = ids_.find(location);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

namespace {

std::optional<SchemaId> referenced_id(const nlohmann::json& schema) {
  if (!schema.is_object()) return std::nullopt;
  auto ref = schema.find("$ref");
  if (ref == schema.end() || !ref->is_string()) return std::nullopt;
  const std::string& text = ref->get_ref<const std::string&>();
  constexpr std::string_view prefix = "#/definitions/s";
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  return static_cast<SchemaId>(std::stoul(text.substr(prefix.size())));
}

}  // namespace

void SchemaStore::hide_properties(nlohmann::json& definitions, Direction direction) const {
  if (direction == Direction::neutral) return;
  const char* hidden = direction == Direction::request ? "readOnly" : "writeOnly";
  auto is_hidden = [&](const nlohmann::json& property) {
    if (!property.is_object()) return false;
    if (is_true(property, hidden)) return true;
    auto target = referenced_id(property);
    if (!target) return false;
    const Entry& entry = entries_.at(*target);
    return direction == Direction::request ? entry.read_only : entry.write_only;
  };
  auto filter = [&](auto& self, nlohmann::json& schema) -> void {
    if (!schema.is_object()) return;
    auto properties = schema.find("properties");
    if (properties != schema.end() && properties->is_object()) {
      std::vector<std::string> removed;
      for (auto it = properties->begin(); it != properties->end(); ++it) {
        if (is_hidden(it.value())) removed.push_back(it.key());
      }
      for (const auto& name : removed) properties->erase(name);
      auto required = schema.find("required");
      if (!removed.empty() && required != schema.end() && required->is_array()) {
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& name : *required) {
          if (std::find(removed.begin(), removed.end(), name) == removed.end()) {
            kept.push_back(name);
          }
        }
        *required = std::move(kept);
      }
    }
    for_each_subschema(schema, [&](nlohmann::json& sub, const std::string&) { self(self, sub); });
  };
  for (auto it = definitions.begin(); it != definitions.end(); ++it) filter(filter, it.value());
}

nlohmann::json SchemaStore::standalone(SchemaId id, Direction direction) const {
  nlohmann::json definitions = nlohmann::json::object();
  std::vector<SchemaId> pending{id};
  std::set<SchemaId> seen{id};
  while (!pending.empty()) {
    SchemaId next = pending.back();
    pending.pop_back();
    definitions[definition_name(next)] = entries_.at(next).schema;
    for (SchemaId reached : entries_.at(next).references) {
      if (seen.insert(reached).second) pending.push_back(reached);
    }
  }
  hide_properties(definitions, direction);
  return {{"$ref", "#/definitions/" + definition_name(id)},
          {"definitions", std::move(definitions)}};
}

nlohmann::json SchemaStore::bundle(Direction direction) const {
  nlohmann::json definitions = nlohmann::json::object();
  for (SchemaId id = 0; id < entries_.size(); ++id) {
    definitions[definition_name(id)] = entries_[id].schema;
  }
  hide_properties(definitions, direction);
  return {{"definitions", std::move(definitions)}};
}

}  // namespace conform::spec
