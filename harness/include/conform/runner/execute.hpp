#pragma once

#include <functional>
#include <string>
#include <vector>

#include "conform/core/redactor.hpp"
#include "conform/engine/engine.hpp"
#include "conform/report/baseline.hpp"
#include "conform/report/results.hpp"
#include "conform/runner/progress.hpp"

namespace conform::runner {

// One test of a run: an operation's phase, or a suite's test. Its body sends and checks; the
// executor records what it returns.
struct PlannedTest {
  std::string suite;  // the operationId, or the suite ("ApiKeyLifecycle", a workflowId)
  std::string name;   // the phase, or the suite's test
  std::function<engine::PhaseResult()> body;
  bool cleanup = false;  // undoes what the run made: it runs even after an interrupt
};

// A test that sends nothing and is reported skipped with `reason` (a suite the selection does
// not allow).
PlannedTest skipped_test(std::string suite, std::string name, std::string reason);

// How the tests' results are shown and made safe while they run.
struct Execution {
  const core::Redactor* secrets = nullptr;     // applied to every result before anyone sees it
  Progress* progress = nullptr;                // may be null: nothing printed
  const report::Baseline* baseline = nullptr;  // failures it knows are set aside as known
};

// Runs the tests as GoogleTest tests (suite: the operationId with what GoogleTest does not allow
// as '_'), so that --gtest_filter, GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX, --gtest_repeat and the
// like apply; `arguments` are the program name and those flags. GoogleTest runs once per process:
// this is the program's executor.
std::vector<report::TestRecord> run_with_googletest(const std::vector<PlannedTest>& plan,
                                                    const Execution& execution,
                                                    std::vector<std::string> arguments);

// Runs the tests one after the other in this thread: the executor of a program that embeds the
// runner (and of one that is itself a GoogleTest program).
std::vector<report::TestRecord> run_in_order(const std::vector<PlannedTest>& plan,
                                             const Execution& execution);

// The GoogleTest name of an operationId: anything but letters, digits and '_' as '_'.
std::string googletest_name(const std::string& text);

}  // namespace conform::runner
