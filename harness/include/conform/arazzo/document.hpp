#pragma once
// Arazzo 1.0 documents (the OpenAPI Initiative's workflows of API calls), read into a model with
// every reusable object ($components.parameters, successActions, failureActions) resolved.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/core/diagnostic.hpp"

namespace conform::arazzo {

struct Parameter {
  std::string name;
  std::string in;  // path, query, header, cookie; empty for a workflow step's inputs
  nlohmann::json value;
  std::string pointer;  // where it stands in the document
};

struct Replacement {
  std::string target;  // a JSON pointer into the payload
  nlohmann::json value;
};

struct RequestBody {
  std::string content_type;  // empty: the operation's
  std::optional<nlohmann::json> payload;
  std::vector<Replacement> replacements;
  std::string pointer;
};

struct Criterion {
  enum class Type { simple, regex, jsonpath, xpath };
  std::string context;  // a runtime expression; required with a type
  std::string condition;
  Type type = Type::simple;
  std::string pointer;
};

// A success or failure action.
struct Action {
  enum class Type { end, go_to, retry };
  std::string name;
  Type type = Type::end;
  std::string workflow_id;          // goto, retry: another workflow to run
  std::string step_id;              // goto, retry: a step of this workflow
  double retry_after = 0;           // seconds
  int retry_limit = 1;              // retries before the step fails
  std::vector<Criterion> criteria;  // all must hold for the action to apply
  std::string pointer;
};

struct Step {
  std::string step_id;
  std::string description;
  std::string operation_id;    // as written: "id" or "$sourceDescriptions.<name>.id"
  std::string operation_path;  // "{$sourceDescriptions.<name>.url}#/paths/~1pets/get"
  std::string workflow_id;     // another workflow of this document, as a step
  std::vector<Parameter> parameters;
  std::optional<RequestBody> request_body;
  std::vector<Criterion> success_criteria;
  std::optional<std::vector<Action>> on_success;  // unset: the workflow's successActions
  std::optional<std::vector<Action>> on_failure;  // unset: the workflow's failureActions
  std::map<std::string, std::string> outputs;     // name → runtime expression
  // x-conform-check: the check a failed criterion reports (a catalogue name, docs/checks.md);
  // empty: workflow_success_criteria.
  std::string check;
  std::string pointer;
};

struct Workflow {
  std::string workflow_id;
  std::string summary;
  std::string description;
  nlohmann::json inputs;  // a JSON Schema, null when none
  std::vector<std::string> depends_on;
  std::vector<Step> steps;
  std::vector<Action> success_actions;
  std::vector<Action> failure_actions;
  std::map<std::string, std::string> outputs;
  std::vector<Parameter> parameters;  // applied to every operation step
  // x-conform-vast-rules: true: what the criteria expect is Vast.ai's behaviour, which the
  // description does not state; a criterion that fails is an advisory unless Vast.ai's rules
  // apply (the description's x-permission, or --enforce-vast-rules).
  bool vast_rules = false;
  std::string pointer;

  const Step* find_step(const std::string& id) const;
};

struct SourceDescription {
  std::string name;
  std::string url;
  std::string type;  // openapi or arazzo
};

struct Document {
  std::string file;
  std::string arazzo;  // the version, 1.0.x
  std::string title;
  std::vector<SourceDescription> sources;
  std::vector<Workflow> workflows;

  const Workflow* find_workflow(const std::string& id) const;
};

// The form of ids, output and component names that runtime expressions can name: letters,
// digits, '.', '-' and '_'.
bool is_name(std::string_view text);

struct Reading {
  Document document;
  core::Diagnostics problems;  // file#pointer for each: an invalid document is not run
};

// Reads an Arazzo 1.0 document (YAML or JSON). Every rule of the Arazzo 1.0 JSON Schema is
// checked, and what the schema cannot state: unique ids, references that resolve, goto targets,
// dependsOn without cycles. Throws core::Error (exit 2) only when the file cannot be read at all.
Reading read(const std::filesystem::path& file);
Reading read(const nlohmann::json& root, const std::string& file);

}  // namespace conform::arazzo
