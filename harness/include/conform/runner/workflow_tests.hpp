#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <vector>

#include "conform/arazzo/workflow_runner.hpp"
#include "conform/runner/execute.hpp"
#include "conform/runner/run_config.hpp"

namespace conform::runner {

// The Arazzo suites of a run (--suite), read, checked against the descriptions they call and
// ready to run: a test per workflow, `<workflowId>.workflow`, in dependency order.
class WorkflowTests {
 public:
  // Throws core::Error (exit 2) after writing every problem to `errors` when a suite cannot be
  // read, is not valid Arazzo 1.0 or does not fit the descriptions it calls.
  WorkflowTests(const RunConfig& config, const spec::Spec& spec, std::ostream& errors);
  ~WorkflowTests();

  bool empty() const { return suites_.empty(); }
  // The tests; a workflow that calls an operation the selection leaves out is planned as skipped,
  // with why, and sends nothing.
  std::vector<PlannedTest> plan(suites::SuiteContext& context, const engine::RunOptions& options);
  // --dry-run: a line per workflow.
  void print_plan(const engine::RunOptions& options, std::ostream& out);

 private:
  // A description a suite calls besides --spec: its own schemas, transport (the target with its
  // base path), selection and context.
  struct OtherDescription;
  void prepare(const engine::RunOptions& options);
  const engine::RunOptions& options_of(const spec::Spec* description,
                                       const engine::RunOptions& options) const;
  std::string left_out(const arazzo::Suite& suite, const arazzo::Workflow& workflow,
                       const engine::RunOptions& options) const;
  std::string named(const arazzo::Called& called) const;

  RunConfig config_;
  const spec::Spec& spec_;
  std::vector<std::unique_ptr<arazzo::Suite>> suites_;
  std::map<const spec::Spec*, std::unique_ptr<OtherDescription>> others_;
  std::vector<std::unique_ptr<arazzo::WorkflowRunner>> runners_;
  nlohmann::json inputs_ = nlohmann::json::object();
};

}  // namespace conform::runner
