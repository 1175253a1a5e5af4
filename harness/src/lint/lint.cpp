#include "conform/lint/lint.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "conform/core/error.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/regex.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/schema_walk.hpp"

namespace conform::lint {
namespace {

using core::Severity;

// The path template's {names} and the operation's path parameters name the same set.
void check_path_parameters(const spec::Operation& op, core::Diagnostics& findings) {
  std::set<std::string> in_template;
  for (std::size_t open = op.path.find('{'); open != std::string::npos;
       open = op.path.find('{', open + 1)) {
    std::size_t close = op.path.find('}', open);
    if (close == std::string::npos) break;
    in_template.insert(op.path.substr(open + 1, close - open - 1));
  }
  std::set<std::string> declared;
  for (const spec::Parameter& parameter : op.parameters) {
    if (parameter.in != "path") continue;
    declared.insert(parameter.name);
    if (!in_template.contains(parameter.name)) {
      findings.add(Severity::error, "operation.path-parameter-unused", parameter.location.file,
                   parameter.location.pointer,
                   "path parameter '" + parameter.name + "' does not appear in " + op.path);
    }
  }
  for (const std::string& name : in_template) {
    if (!declared.contains(name)) {
      findings.add(
          Severity::error, "operation.path-parameter-undeclared", op.location.file,
          op.location.pointer,
          "path template " + op.path + " uses {" + name + "}, which no path parameter declares");
    }
  }
}

class Linter {
 public:
  explicit Linter(const spec::Spec& spec) : spec_(spec), schemas_(spec) {}

  core::Diagnostics run() {
    findings_ = spec_.diagnostics();
    check_operation_ids();
    for (const spec::Operation& op : spec_.operations()) {
      check_path_parameters(op, findings_);
      check_operation_examples(op);
    }
    check_schema_examples();
    check_schemas_compile();
    for (const spec::Operation& op : spec_.operations()) check_schemas_satisfiable(op);
    return std::move(findings_);
  }

 private:
  void report(Severity severity, std::string code, const spec::Location& at, std::string message) {
    findings_.add(severity, std::move(code), at.file, at.pointer, std::move(message));
  }

  void check_operation_ids() {
    std::map<std::string, const spec::Operation*> seen;
    for (const spec::Operation& op : spec_.operations()) {
      if (!op.declared_id) continue;
      auto [it, inserted] = seen.emplace(op.operation_id, &op);
      if (!inserted) {
        report(Severity::error, "operation.duplicate-id", op.location,
               "operationId '" + op.operation_id + "' is also used by " +
                   it->second->location.pointer);
      }
    }
  }

  void check_example(const spec::Example& example, std::optional<spec::SchemaId> schema,
                     spec::Direction direction) {
    if (!schema || !checked_.insert(example.location).second) return;
    for (const schema::Violation& violation :
         schemas_.validate(*schema, direction, example.value)) {
      report(Severity::error, "example.invalid", example.location,
             "example does not match its schema (" + violation.schema_location + "): " +
                 (violation.instance_pointer.empty() ? "the value" : violation.instance_pointer) +
                 " " + violation.message);
    }
  }

  void check_media_examples(const std::vector<spec::MediaType>& content,
                            spec::Direction direction) {
    for (const spec::MediaType& media : content) {
      for (const spec::Example& example : media.examples) {
        check_example(example, media.schema, direction);
      }
    }
  }

  void check_operation_examples(const spec::Operation& op) {
    for (const spec::Parameter& parameter : op.parameters) {
      for (const spec::Example& example : parameter.examples) {
        check_example(example, parameter.schema, spec::Direction::request);
      }
      check_media_examples(parameter.content, spec::Direction::request);
    }
    if (op.request_body) check_media_examples(op.request_body->content, spec::Direction::request);
    for (const spec::Response& response : op.responses) {
      check_media_examples(response.content, spec::Direction::response);
    }
  }

  void check_schema_examples() {
    const spec::DocumentSet& documents = spec_.documents();
    for (const spec::SchemaExample& example : spec_.schemas().examples()) {
      auto id = spec_.schemas().find(example.schema);
      const nlohmann::json* value = documents.find(example.value);
      if (!id || value == nullptr) continue;
      check_example({example.keyword, *value, example.value}, *id, spec::Direction::neutral);
    }
  }

  // Schemas conform cannot make a valid value for: some no value satisfies (an allOf of a closed
  // object and a branch requiring another property; a oneOf of open objects, which every object
  // matches twice), others are beyond the generator. Either way the mock answers 500 where they
  // are used and the run cannot send valid values: a note says so, without claiming which.
  void check_schemas_satisfiable(const spec::Operation& op) {
    auto check = [&](std::optional<spec::SchemaId> id, spec::Direction direction) {
      if (!id || schemas_.compile_error(*id, direction)) return;
      if (!satisfiable_checked_.insert({*id, direction}).second) return;
      // Only composition (allOf, oneOf, not) or contradictory bounds leave a schema without values:
      // the generator, costly on large descriptions, is asked only about schemas that hold them.
      if (!may_be_empty(spec_.schemas().standalone(*id, direction))) return;
      gen::ValueOptions quick;  // optional members kept shallow: lint stays fast on large APIs
      quick.max_depth = 2;
      quick.attempts = 12;
      try {
        gen::sample(gen::positive_values(gen::source_for(spec_, schemas_, *id, direction), quick),
                    1, 1);
      } catch (const gen::Unsatisfiable& e) {
        report(Severity::info, "schema.unsatisfiable", spec_.schemas().location(*id),
               "conform could not make a value valid by this schema (" + e.reason() +
                   "); if none exists no server can conform to it, and the mock answers 500 "
                   "where it is used");
      }
    };
    const auto direction_request = spec::Direction::request;
    for (const spec::Parameter& p : op.parameters) check(p.schema, direction_request);
    if (op.request_body) {
      for (const auto& media : op.request_body->content) check(media.schema, direction_request);
    }
    for (const spec::Response& response : op.responses) {
      for (const auto& media : response.content) check(media.schema, spec::Direction::response);
    }
  }

  static bool may_be_empty(const nlohmann::json& schema) {
    if (schema.is_boolean()) return !schema.get<bool>();
    if (schema.is_array()) {
      return std::any_of(schema.begin(), schema.end(),
                         [](const auto& s) { return may_be_empty(s); });
    }
    if (!schema.is_object()) return false;
    for (const char* keyword : {"allOf", "oneOf", "not"}) {
      if (schema.contains(keyword)) return true;
    }
    auto above = [&](const char* low, const char* high) {
      auto a = schema.find(low), b = schema.find(high);
      return a != schema.end() && b != schema.end() && a->is_number() && b->is_number() &&
             a->get<double>() > b->get<double>();
    };
    if (above("minimum", "maximum") || above("minLength", "maxLength") ||
        above("minItems", "maxItems") || above("minProperties", "maxProperties")) {
      return true;
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && e->empty()) return true;
    // Minimums past what conform generates (see gen::positive_values): said once, here.
    auto beyond = [&](const char* keyword, double cap) {
      auto it = schema.find(keyword);
      return it != schema.end() && it->is_number() && it->get<double>() > cap;
    };
    if (beyond("minLength", 65536) || beyond("minItems", 10000) || beyond("minProperties", 10000)) {
      return true;
    }
    for (const auto& [keyword, value] : schema.items()) {
      if (keyword != "enum" && keyword != "const" && keyword != "examples" &&
          keyword != "default" && value.is_structured() && may_be_empty(value)) {
        return true;
      }
    }
    return false;
  }

  void check_schemas_compile() {
    for (spec::SchemaId id = 0; id < spec_.schemas().size(); ++id) {
      if (auto error = schemas_.compile_error(id, spec::Direction::neutral);
          error && !schemas_.inherits_compile_error(id, spec::Direction::neutral)) {
        report(Severity::error, "schema.compile", spec_.schemas().location(id), *error);
      }
    }
  }

  const spec::Spec& spec_;
  schema::SpecSchemas schemas_;
  core::Diagnostics findings_;
  std::set<spec::Location> checked_;
  std::set<std::pair<spec::SchemaId, spec::Direction>> satisfiable_checked_;
};

}  // namespace

core::Diagnostics lint(const spec::Spec& spec) { return Linter(spec).run(); }

namespace {

// The schemas an operation's parameters, body and responses use.
std::vector<spec::SchemaId> schemas_of(const spec::Operation& op) {
  std::vector<spec::SchemaId> ids;
  auto add = [&](const std::optional<spec::SchemaId>& id) {
    if (id) ids.push_back(*id);
  };
  auto add_content = [&](const std::vector<spec::MediaType>& content) {
    for (const spec::MediaType& media : content) add(media.schema);
  };
  for (const spec::Parameter& p : op.parameters) {
    add(p.schema);
    add_content(p.content);
  }
  if (op.request_body) add_content(op.request_body->content);
  for (const spec::Response& response : op.responses) add_content(response.content);
  return ids;
}

// Patterns the bounded matcher refuses (50,000 nested groups, repetitions past its limits), in
// the schemas the operations reach: generating or checking against them cannot be done safely.
void check_patterns(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
                    core::Diagnostics& errors) {
  const spec::SchemaStore& store = spec.schemas();
  std::vector<spec::SchemaId> pending;
  for (const spec::Operation* op : operations) {
    for (spec::SchemaId id : schemas_of(*op)) pending.push_back(id);
  }
  std::set<spec::SchemaId> seen(pending.begin(), pending.end());
  std::set<std::string> refused;
  while (!pending.empty()) {
    spec::SchemaId id = pending.back();
    pending.pop_back();
    for (spec::SchemaId next : store.references(id)) {
      if (seen.insert(next).second) pending.push_back(next);
    }
    auto check = [&](const std::string& pattern) {
      std::string why;
      if (refused.contains(pattern) || schema::Regex::compile(pattern, &why)) return;
      refused.insert(pattern);
      const spec::Location& at = store.location(id);
      errors.add(Severity::error, "schema.invalid-pattern", at.file, at.pointer,
                 "pattern '" + pattern.substr(0, 80) + (pattern.size() > 80 ? "..." : "") +
                     "' cannot be used: " + why);
    };
    std::vector<const nlohmann::json*> schemas{&store.normalized(id)};
    while (!schemas.empty()) {  // within one entry: nesting is bounded by the store
      const nlohmann::json* schema = schemas.back();
      schemas.pop_back();
      if (!schema->is_object()) continue;
      if (auto it = schema->find("pattern"); it != schema->end() && it->is_string()) check(*it);
      if (auto it = schema->find("patternProperties"); it != schema->end() && it->is_object()) {
        for (auto entry = it->begin(); entry != it->end(); ++entry) check(entry.key());
      }
      spec::for_each_subschema(
          *schema, [&](const nlohmann::json& sub, const std::string&) { schemas.push_back(&sub); });
    }
  }
}

}  // namespace

core::Diagnostics blocking_errors(const spec::Spec& spec,
                                  const std::vector<const spec::Operation*>& operations) {
  std::set<const spec::Operation*> chosen(operations.begin(), operations.end());
  // Inside an operation not chosen: at its pointer or below it, in its file.
  auto elsewhere = [&](const core::Diagnostic& d) {
    for (const spec::Operation& op : spec.operations()) {
      if (chosen.contains(&op) || d.file != op.location.file) continue;
      const std::string& at = op.location.pointer;
      if (d.pointer == at || d.pointer.rfind(at + "/", 0) == 0) return true;
    }
    return false;
  };
  core::Diagnostics errors;
  for (const core::Diagnostic& d : spec.diagnostics().items()) {
    if (d.severity == Severity::error && !elsewhere(d)) errors.add(d);
  }
  for (const spec::Operation* op : operations) check_path_parameters(*op, errors);
  check_patterns(spec, operations, errors);
  return errors;
}

bool has_findings(const core::Diagnostics& diagnostics) {
  return diagnostics.count(Severity::error) + diagnostics.count(Severity::warning) > 0;
}

bool usable(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
            const std::string& doing, bool selected, std::ostream& errors) {
  core::Diagnostics found = blocking_errors(spec, operations);
  if (found.empty()) return true;
  for (const auto& d : found.items()) errors << "conform: " << format(d) << "\n";
  errors << "conform: the description has errors (see `conform lint`); not " << doing;
  if (selected) errors << " (--operation, --exclude-operation or --path can leave them out)";
  errors << "\n";
  return false;
}

bool usable(const spec::Spec& spec, const std::string& doing, std::ostream& errors) {
  std::vector<const spec::Operation*> every;
  for (const spec::Operation& op : spec.operations()) every.push_back(&op);
  return usable(spec, every, doing, false, errors);
}

}  // namespace conform::lint
