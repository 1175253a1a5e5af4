#include "conform/runner/workflow_tests.hpp"

#include <set>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/document.hpp"

namespace conform::runner {

WorkflowTests::WorkflowTests(const RunConfig& config, const spec::Spec& spec,
                             std::ostream& errors) {
  if (!config.suite_inputs_file.empty()) {
    nlohmann::json given = spec::load_document(config.suite_inputs_file, config.suite_inputs_file);
    if (!given.is_object()) {
      core::fail_input("run.suite_inputs", config.suite_inputs_file, "",
                       "--suite-inputs: expected a mapping of input names to values");
    }
    inputs_ = given;
  }
  for (const auto& text : config.suite_inputs) {
    auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      core::fail_input("run.suite_inputs", "", "",
                       "--suite-input '" + text + "': expected NAME=VALUE");
    }
    inputs_[text.substr(0, equals)] = arazzo::input_value(text.substr(equals + 1));
  }
  std::set<std::string> workflow_ids;
  core::Diagnostics problems;
  for (const auto& file : config.suites) {
    auto suite = std::make_unique<arazzo::Suite>(arazzo::load_suite(file, spec));
    for (const auto& w : suite->document.workflows) {
      if (!workflow_ids.insert(w.workflow_id).second) {
        suite->problems.add(core::Severity::error, "arazzo.invalid", file, w.pointer,
                            "workflow '" + w.workflow_id + "' is also in another --suite");
      }
    }
    problems.append(suite->problems);
    suites_.push_back(std::move(suite));
  }
  if (problems.count(core::Severity::error) == 0) return;
  for (const auto& d : problems.items()) errors << "conform: " << core::format(d) << "\n";
  const auto& first = problems.items().front();
  throw core::Error(core::ExitCode::bad_input,
                    {core::Severity::error, "run.suite", first.file, first.pointer,
                     "the suite is not valid (see above); nothing was sent"});
}

std::string WorkflowTests::left_out(const arazzo::Suite& suite, const arazzo::Workflow& workflow,
                                    const engine::RunOptions& options) const {
  std::string out;
  for (const auto* op : arazzo::operations_called(suite, workflow)) {
    if (options.may_call(*op)) continue;
    out += (out.empty() ? "" : ", ") + core::ascii_upper(op->method) + " " + op->operation_id;
  }
  return out;
}

std::vector<PlannedTest> WorkflowTests::plan(suites::SuiteContext& context,
                                             const engine::RunOptions& options) {
  std::vector<PlannedTest> tests;
  for (const auto& suite : suites_) {
    runners_.push_back(std::make_unique<arazzo::WorkflowRunner>(*suite, context, inputs_));
    auto* runner = runners_.back().get();
    for (const auto* workflow : arazzo::in_dependency_order(suite->document)) {
      std::string excluded = left_out(*suite, *workflow, options);
      if (!excluded.empty()) {
        tests.push_back({workflow->workflow_id, "workflow", [workflow, excluded] {
                           engine::PhaseResult result;
                           result.operation_id = workflow->workflow_id;
                           result.phase = "workflow";
                           result.not_tested = "its steps call " + excluded +
                                               ", which the selection leaves out: nothing was sent";
                           return result;
                         }});
        continue;
      }
      tests.push_back({workflow->workflow_id, "workflow",
                       [runner, workflow] { return runner->run(*workflow); }});
    }
  }
  return tests;
}

void WorkflowTests::print_plan(const engine::RunOptions& options, std::ostream& out) const {
  for (const auto& suite : suites_) {
    for (const auto* workflow : arazzo::in_dependency_order(suite->document)) {
      out << "Workflow: " << workflow->workflow_id << ".workflow (" << suite->document.file << ", "
          << workflow->steps.size() << " steps";
      std::string excluded = left_out(*suite, *workflow, options);
      if (!excluded.empty()) {
        out << "): skipped, the selection leaves out " << excluded << "\n";
        continue;
      }
      std::string calls;
      for (const auto* op : arazzo::operations_called(*suite, *workflow)) {
        calls +=
            (calls.empty() ? "" : ", ") + core::ascii_upper(op->method) + " " + op->operation_id;
      }
      out << (calls.empty() ? "" : ": " + calls) << ")\n";
    }
  }
}

}  // namespace conform::runner
