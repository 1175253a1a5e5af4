#include "conform/runner/workflow_tests.hpp"

#include <set>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/runner/run_setup.hpp"
#include "conform/spec/document.hpp"

namespace conform::runner {

struct WorkflowTests::OtherDescription {
  std::unique_ptr<schema::SpecSchemas> schemas;
  std::unique_ptr<transport::Transport> transport;
  engine::RunOptions options;
  std::unique_ptr<suites::SuiteContext> context;
};

WorkflowTests::~WorkflowTests() = default;

WorkflowTests::WorkflowTests(const RunConfig& config, const spec::Spec& spec, std::ostream& errors)
    : config_(config), spec_(spec) {
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

void WorkflowTests::prepare(const engine::RunOptions& options) {
  // What the selection says of another description: --method and --read-only apply to it; a
  // selection that names operations, tags or paths names --spec's, and leaves out all of its.
  const engine::Selection& given = config_.selection;
  const bool names_spec = !given.operations.empty() || !given.exclude_operations.empty() ||
                          !given.tags.empty() || !given.exclude_tags.empty() ||
                          !given.path_regex.empty();
  engine::Selection generic;
  generic.methods = given.methods;
  generic.read_only = given.read_only;
  for (const auto& suite : suites_) {
    for (const auto& description : suite->own_descriptions) {
      if (others_.contains(description.get())) continue;
      auto other = std::make_unique<OtherDescription>();
      other->schemas = std::make_unique<schema::SpecSchemas>(*description);
      RunConfig own = config_;
      own.base_path.reset();  // --base-path is --spec's
      other->transport = std::make_unique<transport::Transport>(
          transport_options(own, *description, options.token));
      other->options = options;
      other->options.callable.emplace();
      if (!names_spec) {
        for (const auto* op : engine::select(*description, generic)) {
          other->options.callable->insert(op);
        }
      }
      other->context = std::make_unique<suites::SuiteContext>(*description, *other->schemas,
                                                              *other->transport, other->options);
      others_[description.get()] = std::move(other);
    }
  }
}

const engine::RunOptions& WorkflowTests::options_of(const spec::Spec* description,
                                                    const engine::RunOptions& options) const {
  auto found = others_.find(description);
  return found == others_.end() ? options : found->second->options;
}

std::string WorkflowTests::named(const arazzo::Called& called) const {
  std::string out =
      core::ascii_upper(called.operation->method) + " " + called.operation->operation_id;
  if (called.description != &spec_) out += " (" + called.description->file() + ")";
  return out;
}

std::string WorkflowTests::left_out(const arazzo::Suite& suite, const arazzo::Workflow& workflow,
                                    const engine::RunOptions& options) const {
  std::string out;
  for (const auto& called : arazzo::operations_called(suite, workflow)) {
    if (options_of(called.description, options).may_call(*called.operation)) continue;
    out += (out.empty() ? "" : ", ") + named(called);
  }
  return out;
}

std::vector<PlannedTest> WorkflowTests::plan(suites::SuiteContext& context,
                                             const engine::RunOptions& options) {
  prepare(options);
  arazzo::WorkflowRunner::Contexts contexts;
  for (const auto& [description, other] : others_) contexts[description] = other->context.get();
  std::vector<PlannedTest> tests;
  for (const auto& suite : suites_) {
    runners_.push_back(
        std::make_unique<arazzo::WorkflowRunner>(*suite, context, inputs_, contexts));
    auto* runner = runners_.back().get();
    for (const auto* workflow : arazzo::in_dependency_order(suite->document)) {
      std::string excluded = left_out(*suite, *workflow, options);
      if (!excluded.empty()) {
        tests.push_back(skipped_test(
            workflow->workflow_id, "workflow",
            "its steps call " + excluded + ", which the selection leaves out: nothing was sent"));
        continue;
      }
      tests.push_back({workflow->workflow_id, "workflow",
                       [runner, workflow] { return runner->run(*workflow); }});
    }
  }
  return tests;
}

void WorkflowTests::print_plan(const engine::RunOptions& options, std::ostream& out) {
  prepare(options);
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
      for (const auto& called : arazzo::operations_called(*suite, *workflow)) {
        calls += (calls.empty() ? "" : ", ") + named(called);
      }
      out << (calls.empty() ? "" : ": " + calls) << ")\n";
    }
  }
}

}  // namespace conform::runner
