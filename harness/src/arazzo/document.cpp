#include "conform/arazzo/document.hpp"

#include <functional>
#include <set>

#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/document.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;

// The fixed fields of each object, as the Arazzo 1.0 schema lists them (its
// unevaluatedProperties: false): any other field must be an extension (x-...).
const std::set<std::string> kDocumentFields = {"arazzo", "info", "sourceDescriptions", "workflows",
                                               "components"};
const std::set<std::string> kInfoFields = {"title", "summary", "description", "version"};
const std::set<std::string> kSourceFields = {"name", "url", "type"};
const std::set<std::string> kWorkflowFields = {
    "workflowId", "summary",        "description",    "inputs",  "dependsOn",
    "steps",      "successActions", "failureActions", "outputs", "parameters"};
const std::set<std::string> kStepFields = {
    "stepId",      "description",     "operationId", "operationPath", "workflowId", "parameters",
    "requestBody", "successCriteria", "onSuccess",   "onFailure",     "outputs"};
const std::set<std::string> kParameterFields = {"name", "in", "value"};
const std::set<std::string> kReusableFields = {"reference", "value"};
const std::set<std::string> kRequestBodyFields = {"contentType", "payload", "replacements"};
const std::set<std::string> kReplacementFields = {"target", "value"};
const std::set<std::string> kCriterionFields = {"context", "condition", "type"};
const std::set<std::string> kExpressionTypeFields = {"type", "version"};
const std::set<std::string> kActionFields = {"name",       "type",       "workflowId", "stepId",
                                             "retryAfter", "retryLimit", "criteria"};
const std::set<std::string> kComponentsFields = {"inputs", "parameters", "successActions",
                                                 "failureActions"};

class Reader {
 public:
  Reader(std::string file, core::Diagnostics& problems)
      : file_(std::move(file)), problems_(problems) {}

  Document document(const json& root) {
    Document out;
    out.file = file_;
    if (!object(root, "", "an Arazzo document")) return out;
    fields(root, "", kDocumentFields, "an Arazzo document");
    out.arazzo = text(root, "", "arazzo", true);
    if (!out.arazzo.empty() && out.arazzo.rfind("1.0.", 0) != 0) {
      error("/arazzo", "'" + out.arazzo + "' is not an Arazzo 1.0.x version");
    }
    if (require(root, "", "info") && object(root["info"], "/info", "the info object")) {
      fields(root["info"], "/info", kInfoFields, "the info object");
      out.title = text(root["info"], "/info", "title", true);
      text(root["info"], "/info", "version", true);
      text(root["info"], "/info", "summary", false);
      text(root["info"], "/info", "description", false);
    }
    if (root.contains("components")) components(root["components"]);
    if (require(root, "", "sourceDescriptions")) {
      each(root["sourceDescriptions"], "/sourceDescriptions", true,
           [&](const json& item, const std::string& at) {
             out.sources.push_back(source(item, at));
           });
    }
    std::set<std::string> sources;
    for (std::size_t i = 0; i < out.sources.size(); ++i) {
      if (!out.sources[i].name.empty() && !sources.insert(out.sources[i].name).second) {
        error(core::append_pointer("/sourceDescriptions", i) + "/name",
              "a second source description named '" + out.sources[i].name + "'");
      }
    }
    if (require(root, "", "workflows")) {
      each(root["workflows"], "/workflows", true, [&](const json& item, const std::string& at) {
        out.workflows.push_back(workflow(item, at));
      });
    }
    links(out);
    return out;
  }

 private:
  void error(const std::string& pointer, std::string message) {
    problems_.add(core::Severity::error, "arazzo.invalid", file_, pointer, std::move(message));
  }

  bool object(const json& value, const std::string& at, const std::string& what) {
    if (value.is_object()) return true;
    error(at, what + " must be an object");
    return false;
  }

  bool require(const json& object, const std::string& at, const char* name) {
    if (object.contains(name)) return true;
    error(at, std::string("'") + name + "' is required");
    return false;
  }

  void fields(const json& object, const std::string& at, const std::set<std::string>& known,
              const std::string& what) {
    for (const auto& [key, value] : object.items()) {
      if (known.contains(key) || key.rfind("x-", 0) == 0) continue;
      std::vector<std::string> names(known.begin(), known.end());
      error(core::append_pointer(at, key), "'" + key + "' is not a field of " + what +
                                               core::did_you_mean(key, names) +
                                               " (extensions start with x-)");
    }
  }

  std::string text(const json& object, const std::string& at, const char* name, bool required) {
    if (!object.contains(name)) {
      if (required) error(at, std::string("'") + name + "' is required");
      return "";
    }
    const json& value = object[name];
    if (!value.is_string()) {
      error(core::append_pointer(at, name), std::string("'") + name + "' must be a string");
      return "";
    }
    return value.get<std::string>();
  }

  std::string id(const json& object, const std::string& at, const char* name, bool required) {
    std::string value = text(object, at, name, required);
    if (!value.empty() && !is_name(value)) {  // the specification recommends it; runtime
      // expressions cannot name it otherwise
      problems_.add(core::Severity::warning, "arazzo.id", file_, core::append_pointer(at, name),
                    "'" + value +
                        "' should hold only letters, digits, '.', '-' and '_': "
                        "runtime expressions cannot name it");
    }
    return value;
  }

  // An array's items, each with its pointer; `non_empty` as the schema's minItems: 1.
  void each(const json& array, const std::string& at, bool non_empty,
            const std::function<void(const json&, const std::string&)>& read_item) {
    if (!array.is_array()) {
      error(at, "must be an array");
      return;
    }
    if (non_empty && array.empty()) error(at, "must hold at least one item");
    for (std::size_t i = 0; i < array.size(); ++i) read_item(array[i], core::append_pointer(at, i));
  }

  std::map<std::string, std::string> outputs(const json& object, const std::string& at) {
    std::map<std::string, std::string> out;
    if (!object.contains("outputs")) return out;
    const std::string here = at + "/outputs";
    if (!this->object(object["outputs"], here, "outputs")) return out;
    for (const auto& [name, value] : object["outputs"].items()) {
      const std::string where = core::append_pointer(here, name);
      if (!is_name(name)) error(where, "an output's name may hold only letters, digits, . - _");
      if (!value.is_string()) {
        error(where, "an output must be a runtime expression (a string)");
        continue;
      }
      out[name] = value.get<std::string>();
    }
    return out;
  }

  void components(const json& value) {
    if (!object(value, "/components", "the components object")) return;
    fields(value, "/components", kComponentsFields, "the components object");
    for (const char* kind : {"inputs", "parameters", "successActions", "failureActions"}) {
      if (!value.contains(kind)) continue;
      const std::string at = std::string("/components/") + kind;
      if (!object(value[kind], at, std::string("components.") + kind)) continue;
      for (const auto& [name, item] : value[kind].items()) {
        if (!is_name(name)) {
          error(core::append_pointer(at, name),
                "a component's name may hold only letters, "
                "digits, '.', '-' and '_'");
        }
        components_[kind][name] = {item, core::append_pointer(at, name)};
      }
    }
  }

  SourceDescription source(const json& value, const std::string& at) {
    SourceDescription out;
    if (!object(value, at, "a source description")) return out;
    fields(value, at, kSourceFields, "a source description");
    out.name = id(value, at, "name", true);
    out.url = text(value, at, "url", true);
    out.type = value.contains("type") ? text(value, at, "type", false) : "openapi";
    if (out.type != "openapi" && out.type != "arazzo") {
      error(at + "/type", "'" + out.type + "' is not a source type (openapi or arazzo)");
    }
    return out;
  }

  // A reusable object's target: "$components.<kind>.<name>", found, with its pointer.
  const std::pair<json, std::string>* reusable(const json& item, const std::string& at,
                                               const char* kind) {
    const std::string reference = text(item, at, "reference", true);
    const std::string prefix = std::string("$components.") + kind + ".";
    if (reference.rfind(prefix, 0) != 0) {
      if (!reference.empty()) {
        error(at + "/reference", "'" + reference + "' does not name " + prefix + "<name>");
      }
      return nullptr;
    }
    auto& of_kind = components_[kind];
    auto found = of_kind.find(reference.substr(prefix.size()));
    if (found == of_kind.end()) {
      std::vector<std::string> names;
      for (const auto& [name, _] : of_kind) names.push_back(prefix + name);
      error(at + "/reference", "'" + reference + "' is not defined in components" +
                                   core::did_you_mean(reference, names));
      return nullptr;
    }
    return &found->second;
  }

  std::vector<Parameter> parameters(const json& object, const std::string& at) {
    std::vector<Parameter> out;
    if (!object.contains("parameters")) return out;
    each(object["parameters"], at + "/parameters", false,
         [&](const json& item, const std::string& here) {
           if (!this->object(item, here, "a parameter")) return;
           if (item.contains("reference")) {
             fields(item, here, kReusableFields, "a reusable object");
             const auto* target = reusable(item, here, "parameters");
             if (!target) return;
             Parameter p = parameter(target->first, target->second);
             if (item.contains("value")) p.value = item["value"];
             p.pointer = here;
             out.push_back(std::move(p));
             return;
           }
           out.push_back(parameter(item, here));
         });
    return out;
  }

  Parameter parameter(const json& item, const std::string& at) {
    Parameter out;
    out.pointer = at;
    if (!object(item, at, "a parameter")) return out;
    fields(item, at, kParameterFields, "a parameter");
    out.name = text(item, at, "name", true);
    out.in = text(item, at, "in", false);
    if (!out.in.empty() && out.in != "path" && out.in != "query" && out.in != "header" &&
        out.in != "cookie") {
      error(at + "/in", "'" + out.in + "' is not a location (path, query, header or cookie)");
    }
    if (require(item, at, "value")) out.value = item["value"];
    return out;
  }

  Criterion criterion(const json& item, const std::string& at) {
    Criterion out;
    out.pointer = at;
    if (!object(item, at, "a criterion")) return out;
    fields(item, at, kCriterionFields, "a criterion");
    out.condition = text(item, at, "condition", true);
    out.context = text(item, at, "context", false);
    if (!item.contains("type")) return out;
    std::string type;
    const json& given = item["type"];
    if (given.is_object()) {
      fields(given, at + "/type", kExpressionTypeFields, "a criterion expression type");
      type = text(given, at + "/type", "type", true);
      std::string version = text(given, at + "/type", "version", true);
      if (type == "jsonpath" && !version.empty() &&
          version != "draft-goessner-dispatch-jsonpath-00") {
        error(at + "/type/version", "'" + version + "' is not a JSONPath version");
      }
      if (type == "simple" || type == "regex") {
        error(at + "/type/type", "an expression type is jsonpath or xpath");
      }
    } else if (given.is_string()) {
      type = given.get<std::string>();
    } else {
      error(at + "/type", "a criterion's type is a string or an expression type object");
      return out;
    }
    if (type == "simple") {
      out.type = Criterion::Type::simple;
    } else if (type == "regex") {
      out.type = Criterion::Type::regex;
    } else if (type == "jsonpath") {
      out.type = Criterion::Type::jsonpath;
    } else if (type == "xpath") {
      out.type = Criterion::Type::xpath;
    } else {
      error(at + "/type",
            "'" + type + "' is not a criterion type (simple, regex, jsonpath, xpath)");
    }
    if (out.context.empty()) error(at, "'context' is required with a type");
    return out;
  }

  std::vector<Criterion> criteria(const json& object, const std::string& at, const char* name) {
    std::vector<Criterion> out;
    if (!object.contains(name)) return out;
    each(object[name], at + "/" + name, true,
         [&](const json& item, const std::string& here) { out.push_back(criterion(item, here)); });
    return out;
  }

  Action action(const json& item, const std::string& at, bool success) {
    Action out;
    out.pointer = at;
    if (!object(item, at, "an action")) return out;
    fields(item, at, kActionFields, success ? "a success action" : "a failure action");
    out.name = text(item, at, "name", true);
    const std::string type = text(item, at, "type", true);
    if (type == "end") {
      out.type = Action::Type::end;
    } else if (type == "goto") {
      out.type = Action::Type::go_to;
    } else if (type == "retry" && !success) {
      out.type = Action::Type::retry;
    } else if (!type.empty()) {
      error(at + "/type", "'" + type + "' is not " +
                              (success ? "a success action (end or goto)"
                                       : "a failure action (end, retry or goto)"));
    }
    out.workflow_id = text(item, at, "workflowId", false);
    out.step_id = text(item, at, "stepId", false);
    if (!out.workflow_id.empty() && !out.step_id.empty()) {
      error(at, "an action names a workflowId or a stepId, not both");
    }
    if ((type == "goto" || type == "retry") && out.workflow_id.empty() && out.step_id.empty()) {
      error(at, "a " + type + " action needs a workflowId or a stepId");
    }
    if (item.contains("retryAfter") || item.contains("retryLimit")) {
      if (success || type != "retry") {
        error(at, "retryAfter and retryLimit belong to retry actions");
      }
      if (item.contains("retryAfter")) {
        if (!item["retryAfter"].is_number() || item["retryAfter"].get<double>() < 0) {
          error(at + "/retryAfter", "retryAfter must be a number of seconds, 0 or more");
        } else {
          out.retry_after = item["retryAfter"].get<double>();
        }
      }
      if (item.contains("retryLimit")) {
        if (!item["retryLimit"].is_number_integer() || item["retryLimit"].get<long>() < 0) {
          error(at + "/retryLimit", "retryLimit must be an integer, 0 or more");
        } else {
          out.retry_limit = static_cast<int>(std::min(item["retryLimit"].get<long>(), 1000L));
        }
      }
    }
    out.criteria = criteria(item, at, "criteria");
    return out;
  }

  std::vector<Action> actions(const json& object, const std::string& at, const char* name,
                              bool success) {
    std::vector<Action> out;
    each(object[name], at + "/" + name, false, [&](const json& item, const std::string& here) {
      if (item.is_object() && item.contains("reference")) {
        if (!this->object(item, here, "an action")) return;
        fields(item, here, kReusableFields, "a reusable object");
        const auto* target = reusable(item, here, success ? "successActions" : "failureActions");
        if (target) out.push_back(action(target->first, target->second, success));
        return;
      }
      out.push_back(action(item, here, success));
    });
    return out;
  }

  std::optional<RequestBody> request_body(const json& step, const std::string& at) {
    if (!step.contains("requestBody")) return std::nullopt;
    RequestBody out;
    out.pointer = at + "/requestBody";
    const json& value = step["requestBody"];
    if (!object(value, out.pointer, "a request body")) return out;
    fields(value, out.pointer, kRequestBodyFields, "a request body");
    out.content_type = text(value, out.pointer, "contentType", false);
    if (value.contains("payload")) out.payload = value["payload"];
    if (value.contains("replacements")) {
      each(value["replacements"], out.pointer + "/replacements", false,
           [&](const json& item, const std::string& here) {
             if (!object(item, here, "a payload replacement")) return;
             fields(item, here, kReplacementFields, "a payload replacement");
             Replacement r;
             r.target = text(item, here, "target", true);
             if (require(item, here, "value")) r.value = item["value"];
             out.replacements.push_back(std::move(r));
           });
    }
    return out;
  }

  Step step(const json& value, const std::string& at) {
    Step out;
    out.pointer = at;
    if (!object(value, at, "a step")) return out;
    fields(value, at, kStepFields, "a step");
    out.step_id = id(value, at, "stepId", true);
    out.description = text(value, at, "description", false);
    out.operation_id = text(value, at, "operationId", false);
    out.operation_path = text(value, at, "operationPath", false);
    out.workflow_id = text(value, at, "workflowId", false);
    int targets =
        !out.operation_id.empty() + !out.operation_path.empty() + !out.workflow_id.empty();
    if (targets != 1) {
      error(at, "a step names exactly one of operationId, operationPath and workflowId");
    }
    out.parameters = parameters(value, at);
    for (const auto& p : out.parameters) {
      if (out.workflow_id.empty() && p.in.empty() && !p.name.empty()) {
        error(p.pointer, "a parameter of an operation step needs 'in'");
      }
    }
    out.request_body = request_body(value, at);
    if (out.request_body && !out.workflow_id.empty()) {
      error(at + "/requestBody", "a step that runs a workflow sends no request body");
    }
    out.success_criteria = criteria(value, at, "successCriteria");
    if (value.contains("onSuccess")) out.on_success = actions(value, at, "onSuccess", true);
    if (value.contains("onFailure")) out.on_failure = actions(value, at, "onFailure", false);
    out.outputs = outputs(value, at);
    out.check = text(value, at, "x-conform-check", false);
    return out;
  }

  Workflow workflow(const json& value, const std::string& at) {
    Workflow out;
    out.pointer = at;
    if (!object(value, at, "a workflow")) return out;
    fields(value, at, kWorkflowFields, "a workflow");
    out.workflow_id = id(value, at, "workflowId", true);
    out.summary = text(value, at, "summary", false);
    out.description = text(value, at, "description", false);
    if (value.contains("inputs")) {
      const json& inputs = value["inputs"];
      if (inputs.is_object() && inputs.contains("$ref") && inputs["$ref"].is_string()) {
        // The examples keep inputs in components: "#/components/inputs/<name>".
        const std::string ref = inputs["$ref"].get<std::string>();
        const std::string prefix = "#/components/inputs/";
        auto found = ref.rfind(prefix, 0) == 0
                         ? components_["inputs"].find(ref.substr(prefix.size()))
                         : components_["inputs"].end();
        if (found == components_["inputs"].end()) {
          error(at + "/inputs/$ref", "'" + ref + "' is not an input schema of components");
        } else {
          out.inputs = found->second.first;
        }
      } else if (!inputs.is_object()) {
        error(at + "/inputs", "inputs must be a JSON Schema (an object)");
      } else {
        out.inputs = inputs;
      }
    }
    if (value.contains("dependsOn")) {
      each(value["dependsOn"], at + "/dependsOn", false,
           [&](const json& item, const std::string& here) {
             if (!item.is_string()) {
               error(here, "dependsOn lists workflowIds (strings)");
               return;
             }
             out.depends_on.push_back(item.get<std::string>());
           });
    }
    if (require(value, at, "steps")) {
      each(value["steps"], at + "/steps", true, [&](const json& item, const std::string& here) {
        out.steps.push_back(step(item, here));
      });
    }
    if (value.contains("successActions")) {
      out.success_actions = actions(value, at, "successActions", true);
    }
    if (value.contains("failureActions")) {
      out.failure_actions = actions(value, at, "failureActions", false);
    }
    out.outputs = outputs(value, at);
    out.parameters = parameters(value, at);
    if (value.contains("x-conform-vast-rules")) {
      if (!value["x-conform-vast-rules"].is_boolean()) {
        error(at + "/x-conform-vast-rules", "x-conform-vast-rules is true or false");
      } else {
        out.vast_rules = value["x-conform-vast-rules"].get<bool>();
      }
    }
    return out;
  }

  // What the schema cannot say: ids unique, goto targets and dependsOn that exist, no cycle.
  void links(const Document& document) {
    std::set<std::string> workflow_ids;
    for (const auto& w : document.workflows) {
      if (!w.workflow_id.empty() && !workflow_ids.insert(w.workflow_id).second) {
        error(w.pointer + "/workflowId", "a second workflow '" + w.workflow_id + "'");
      }
    }
    std::vector<std::string> known(workflow_ids.begin(), workflow_ids.end());
    auto check_workflow = [&](const std::string& id, const std::string& at) {
      // "$sourceDescriptions.<name>.<workflowId>" names a workflow of another Arazzo document.
      if (id.empty() || id.rfind("$sourceDescriptions.", 0) == 0) return;
      if (!workflow_ids.contains(id)) {
        error(at, "no workflow '" + id + "' in this document" + core::did_you_mean(id, known));
      }
    };
    for (const auto& w : document.workflows) {
      std::set<std::string> step_ids;
      for (const auto& s : w.steps) {
        if (!s.step_id.empty() && !step_ids.insert(s.step_id).second) {
          error(s.pointer + "/stepId", "a second step '" + s.step_id + "' in this workflow");
        }
      }
      std::vector<std::string> steps(step_ids.begin(), step_ids.end());
      auto check_actions = [&](const std::vector<Action>& actions) {
        for (const auto& a : actions) {
          check_workflow(a.workflow_id, a.pointer + "/workflowId");
          if (!a.step_id.empty() && !step_ids.contains(a.step_id)) {
            error(a.pointer + "/stepId", "no step '" + a.step_id + "' in workflow '" +
                                             w.workflow_id + "'" +
                                             core::did_you_mean(a.step_id, steps));
          }
        }
      };
      check_actions(w.success_actions);
      check_actions(w.failure_actions);
      for (const auto& s : w.steps) {
        check_workflow(s.workflow_id, s.pointer + "/workflowId");
        if (s.on_success) check_actions(*s.on_success);
        if (s.on_failure) check_actions(*s.on_failure);
      }
      for (std::size_t i = 0; i < w.depends_on.size(); ++i) {
        check_workflow(w.depends_on[i], core::append_pointer(w.pointer + "/dependsOn", i));
      }
    }
    // dependsOn cycles: a workflow that waits for itself never runs.
    std::map<std::string, const Workflow*> by_id;
    for (const auto& w : document.workflows) by_id[w.workflow_id] = &w;
    std::map<std::string, int> state;  // 1 visiting, 2 done
    std::function<bool(const Workflow&)> cyclic = [&](const Workflow& w) {
      int& s = state[w.workflow_id];
      if (s == 1) return true;
      if (s == 2) return false;
      s = 1;
      for (const auto& d : w.depends_on) {
        auto found = by_id.find(d);
        if (found != by_id.end() && cyclic(*found->second)) return true;
      }
      state[w.workflow_id] = 2;
      return false;
    };
    for (const auto& w : document.workflows) {
      if (state[w.workflow_id] == 0 && cyclic(w)) {
        error(w.pointer + "/dependsOn", "workflow '" + w.workflow_id + "' depends on itself");
        return;
      }
    }
  }

  std::string file_;
  core::Diagnostics& problems_;
  // components.<kind>.<name> → (the object, its pointer)
  std::map<std::string, std::map<std::string, std::pair<json, std::string>>> components_;
};

}  // namespace

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

const Step* Workflow::find_step(const std::string& id) const {
  for (const auto& s : steps) {
    if (s.step_id == id) return &s;
  }
  return nullptr;
}

const Workflow* Document::find_workflow(const std::string& id) const {
  for (const auto& w : workflows) {
    if (w.workflow_id == id) return &w;
  }
  return nullptr;
}

Reading read(const nlohmann::json& root, const std::string& file) {
  Reading out;
  out.document = Reader(file, out.problems).document(root);
  return out;
}

Reading read(const std::filesystem::path& file) {
  return read(spec::load_document(file, file.string()), file.string());
}

}  // namespace conform::arazzo
