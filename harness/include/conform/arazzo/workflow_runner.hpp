#pragma once
// Runs Arazzo workflows against the target through the run's Session: each step's request built
// from its parameters and request body, its answer judged by the step's successCriteria and by
// every per-response check, onSuccess/onFailure followed (end, goto, retry), outputs kept.
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conform/arazzo/binding.hpp"
#include "conform/arazzo/document.hpp"
#include "conform/engine/engine.hpp"
#include "conform/suites/suite_context.hpp"

namespace conform::arazzo {

// A suite file read and checked against the descriptions it calls.
struct Suite {
  Document document;
  Sources sources;                                            // each openapi source's description
  std::vector<std::unique_ptr<spec::Spec>> own_descriptions;  // those that are not --spec
  Binding binding;
  core::Diagnostics problems;  // errors: the suite is not run
};
// A suite with a single openapi source calls the description under test (`spec`), whatever its
// url says. With several, a source whose url names a file of the same name as `spec`'s is it;
// each other one is read from its url, relative to the suite's folder (remote urls are not
// fetched).
Suite load_suite(const std::filesystem::path& file, const spec::Spec& spec);

// The operations a workflow calls, with the workflows its steps and actions run, each with the
// description it is of.
struct Called {
  const spec::Operation* operation;
  const spec::Spec* description;
  friend bool operator==(const Called&, const Called&) = default;
};
std::vector<Called> operations_called(const Suite& suite, const Workflow& workflow);

// The workflows in an order that runs each after those it depends on (the document's order
// otherwise).
std::vector<const Workflow*> in_dependency_order(const Document& document);

// Inputs as `--suite-input name=value` gives them: a value that reads as JSON (a number, true,
// an object...) is that value, anything else a string.
nlohmann::json input_value(const std::string& text);

// What a workflow receives of the inputs given: the names its inputs schema lists (given, else
// the schema's default), or all of them when it lists none.
nlohmann::json inputs_for(const Workflow& workflow, const nlohmann::json& given);

// The inputs a workflow reads ($inputs.<name>) and `inputs` lacks: a workflow that lacks one is
// not run (it would send a request nobody meant).
std::vector<std::string> missing_inputs(const Workflow& workflow, const nlohmann::json& inputs);

class WorkflowRunner {
 public:
  // The context each description's requests go through, beside --spec's.
  using Contexts = std::map<const spec::Spec*, suites::SuiteContext*>;
  // `inputs`: name → value, offered to every workflow (each takes what its inputs schema names).
  // `others`: the contexts of the suite's own descriptions (Suite::own_descriptions).
  WorkflowRunner(const Suite& suite, suites::SuiteContext& context, nlohmann::json inputs,
                 const Contexts& others = {});

  // One GoogleTest test: the workflow run from its first step. Failures name the step.
  engine::PhaseResult run(const Workflow& workflow);

 private:
  struct Run;
  bool run_steps(const Workflow& workflow, const nlohmann::json& inputs, Run& run, int depth,
                 std::map<std::string, nlohmann::json>& outputs);

  const Suite& suite_;
  suites::SuiteContext& context_;
  Contexts contexts_;
  nlohmann::json inputs_;
  std::map<std::string, std::map<std::string, nlohmann::json>> workflow_outputs_;
  std::map<std::string, std::string> source_urls_;
};

}  // namespace conform::arazzo
