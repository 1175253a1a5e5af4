#include "conform/arazzo/binding.hpp"

#include <set>

#include "conform/arazzo/criteria.hpp"
#include "conform/arazzo/expression.hpp"
#include "conform/checks/checks.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/runtime_expression.hpp"

namespace conform::arazzo {
namespace {

class Binder {
 public:
  Binder(const Document& document, const Sources& sources, core::Diagnostics& problems)
      : document_(document), sources_(sources), problems_(problems) {
    for (const auto& [name, spec] : sources) {
      if (!distinct_.insert(spec).second) continue;
      for (const auto& op : spec->operations()) ids_.push_back(op.operation_id);
    }
  }

  Binding run() {
    for (const auto& w : document_.workflows) workflow(w);
    return std::move(binding_);
  }

 private:
  void error(const std::string& pointer, std::string message) {
    problems_.add(core::Severity::error, "arazzo.binding", document_.file, pointer,
                  std::move(message));
  }

  // "$sourceDescriptions.<name>.<rest>": <name>'s description and the rest, when <name> is an
  // openapi source; nullptr for a bare text (any source may have it).
  std::optional<std::pair<const spec::Spec*, std::string>> in_source(const std::string& text,
                                                                     const std::string& at) {
    const std::string prefix = "$sourceDescriptions.";
    if (text.rfind(prefix, 0) != 0) return std::pair<const spec::Spec*, std::string>{nullptr, text};
    std::string rest = text.substr(prefix.size());
    for (const auto& [name, spec] : sources_) {
      if (rest.rfind(name + ".", 0) == 0) return std::pair(spec, rest.substr(name.size() + 1));
    }
    error(at, "'" + text + "' names no openapi source description of this document");
    return std::nullopt;
  }

  std::pair<const spec::Operation*, const spec::Spec*> operation(const Step& step) {
    if (!step.operation_id.empty()) {
      const std::string at = step.pointer + "/operationId";
      auto named = in_source(step.operation_id, at);
      if (!named) return {};
      const auto& [only, id] = *named;
      std::vector<std::pair<const spec::Operation*, const spec::Spec*>> found;
      std::set<const spec::Spec*> seen;
      for (const auto& [name, spec] : sources_) {
        if ((only && spec != only) || !seen.insert(spec).second) continue;
        if (const auto* op = spec->find_operation(id)) found.emplace_back(op, spec);
      }
      if (found.size() == 1) return found.front();
      if (found.size() > 1) {
        error(at, "'" + id +
                      "' is an operation of several source descriptions: name one, "
                      "as $sourceDescriptions.<name>." +
                      id);
        return {};
      }
      error(at, std::string(distinct_.size() > 1 ? "no source description has"
                                                 : "the description has no") +
                    " operation '" + id + "'" + core::did_you_mean(id, ids_));
      return {};
    }
    // "{$sourceDescriptions.<name>.url}#/paths/<path>/<method>"
    const std::string at = step.pointer + "/operationPath";
    auto hash = step.operation_path.find('#');
    if (hash == std::string::npos) {
      error(at, "an operationPath is '{$sourceDescriptions.<name>.url}#<JSON pointer>'");
      return {};
    }
    // The source the path's url names; with a single description, that one.
    const spec::Spec* spec = distinct_.size() == 1 ? *distinct_.begin() : nullptr;
    std::string source = step.operation_path.substr(0, hash);
    if (source.size() > 2 && source.front() == '{' && source.back() == '}') {
      auto named = in_source(source.substr(1, source.size() - 2), at);
      if (!named) return {};
      if (named->first) spec = named->first;
    }
    if (spec == nullptr) {
      error(at, "an operationPath names its source: {$sourceDescriptions.<name>.url}#...");
      return {};
    }
    auto tokens = core::split_pointer(step.operation_path.substr(hash + 1));
    if (!tokens || tokens->size() != 3 || (*tokens)[0] != "paths") {
      error(at,
            "'" + step.operation_path.substr(hash) + "' does not point at /paths/<path>/<method>");
      return {};
    }
    for (const auto& op : spec->operations()) {
      if (op.path == (*tokens)[1] && op.method == core::ascii_lower((*tokens)[2])) {
        return {&op, spec};
      }
    }
    error(at, "the description has no operation " + core::ascii_upper((*tokens)[2]) + " " +
                  (*tokens)[1]);
    return {};
  }

  // An expression a field must hold; `earlier`: the steps that ran before.
  void expression(const std::string& text, const std::string& at,
                  const std::set<std::string>& steps) {
    if (auto problem = expression_problem(text)) {
      error(at, *problem);
      return;
    }
    if (auto step = step_read(text); step && !steps.contains(*step)) {
      error(at, "'" + text + "' reads step '" + *step + "', which this workflow does not have");
    }
  }

  // A value that may be a constant or hold expressions.
  void value(const nlohmann::json& given, const std::string& at,
             const std::set<std::string>& steps) {
    for (const auto& text : expressions_of(given)) {
      // A constant that starts with '$' but names no source is a constant.
      if (text.rfind("$", 0) == 0 && expression_problem(text) && given.is_string() &&
          given.get<std::string>() == text && text.find('.') == std::string::npos) {
        continue;
      }
      expression(text, at, steps);
    }
  }

  void criteria(const std::vector<Criterion>& list, const std::set<std::string>& steps) {
    for (const auto& c : list) {
      if (auto problem = criterion_problem(c)) error(c.pointer, *problem);
      if (!c.context.empty()) expression(c.context, c.pointer + "/context", steps);
    }
  }

  void workflow(const Workflow& w) {
    std::set<std::string> steps;
    for (const auto& s : w.steps) steps.insert(s.step_id);
    for (const auto& p : w.parameters) value(p.value, p.pointer + "/value", steps);
    for (const auto& a : w.success_actions) criteria(a.criteria, steps);
    for (const auto& a : w.failure_actions) criteria(a.criteria, steps);
    for (const auto& [name, text] : w.outputs) {
      expression(text, core::append_pointer(w.pointer + "/outputs", name), steps);
    }
    for (const auto& s : w.steps) step(w, s, steps);
  }

  void step(const Workflow& w, const Step& s, const std::set<std::string>& steps) {
    if (!s.check.empty() && !checks::is_check_name(s.check)) {
      std::vector<std::string> names;
      for (const auto& c : checks::catalogue()) names.emplace_back(c.name);
      error(s.pointer + "/x-conform-check", "'" + s.check + "' is not a check" +
                                                core::did_you_mean(s.check, names) +
                                                " (docs/checks.md)");
    }
    for (const auto& p : s.parameters) value(p.value, p.pointer + "/value", steps);
    if (s.request_body) {
      if (s.request_body->payload) {
        value(*s.request_body->payload, s.request_body->pointer + "/payload", steps);
      }
      for (const auto& r : s.request_body->replacements) {
        value(r.value, s.request_body->pointer + "/replacements", steps);
      }
    }
    criteria(s.success_criteria, steps);
    if (s.on_success) {
      for (const auto& a : *s.on_success) criteria(a.criteria, steps);
    }
    if (s.on_failure) {
      for (const auto& a : *s.on_failure) criteria(a.criteria, steps);
    }
    for (const auto& [name, text] : s.outputs) {
      expression(text, core::append_pointer(s.pointer + "/outputs", name), steps);
    }
    if (!s.workflow_id.empty()) {
      if (s.workflow_id.rfind("$sourceDescriptions.", 0) == 0) {
        error(s.pointer + "/workflowId",
              "workflows of other Arazzo documents are not run; copy the workflow into this one");
      }
      return;
    }
    if (s.operation_id.empty() && s.operation_path.empty()) return;
    const auto found = operation(s);  // not a structured binding: a lambda captures it
    const spec::Operation* op = found.first;
    const spec::Spec* spec = found.second;
    if (!op) return;
    binding_.operations[&s] = op;
    binding_.descriptions[&s] = spec;
    std::set<std::string> given;
    auto declared = [&](const Parameter& p) -> bool {
      if (p.in.empty()) return true;
      if (spec::linked_parameter(*op, p.in + "." + p.name)) return true;
      return p.in == "header";  // a header the description does not list (Authorization...)
    };
    for (const auto* list : {&w.parameters, &s.parameters}) {
      for (const auto& p : *list) {
        if (p.in.empty() && list == &w.parameters) continue;
        if (!declared(p)) {
          error(p.pointer, op->operation_id + " has no " + p.in + " parameter '" + p.name + "'");
        }
        given.insert(p.in + "." + p.name);
      }
    }
    for (const auto& p : op->parameters) {
      if (p.in == "path" && !given.contains("path." + p.name)) {
        error(s.pointer + "/parameters", "the step gives no value for " + op->operation_id +
                                             "'s path parameter '" + p.name + "'");
      }
    }
  }

  const Document& document_;
  const Sources& sources_;
  std::set<const spec::Spec*> distinct_;
  core::Diagnostics& problems_;
  std::vector<std::string> ids_;
  Binding binding_;
};

}  // namespace

Binding bind_operations(const Document& document, const Sources& sources,
                        core::Diagnostics& problems) {
  return Binder(document, sources, problems).run();
}

Binding bind_operations(const Document& document, const spec::Spec& spec,
                        core::Diagnostics& problems) {
  Sources sources;
  for (const auto& s : document.sources) {
    if (s.type == "openapi") sources[s.name] = &spec;
  }
  return arazzo::bind_operations(document, sources, problems);
}

}  // namespace conform::arazzo
