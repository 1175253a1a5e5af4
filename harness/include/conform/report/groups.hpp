#pragma once

#include <string>
#include <vector>

#include "conform/report/results.hpp"

namespace conform::report {

// One failure of a run, with the test that found it.
struct FailureRef {
  const TestRecord* test;
  const engine::FailureRecord* failure;
};

// Failures of one cause in one operation: the same operation (or suite), check, JSON pointer,
// status and reason. Every report shows a group once: its count, its first failure in full, the
// others briefly.
struct FailureGroup {
  std::string suite;
  std::string check;
  std::string pointer;
  int status = 0;
  std::string reason;                // the failures' shared reason (the message when it has none)
  std::string schema_location;       // the schema keyword that failed, when a schema says
  std::vector<FailureRef> failures;  // in the order the run found them; the first is the example

  // The tests (phases) it was found in, in order, each once: "examples, coverage".
  std::string tests() const;
};

// A failure's reason: what stays the same from case to case.
const std::string& reason_of(const engine::FailureRecord& failure);

// The run's failures (not transport errors) by group, in the order each group was first found;
// with `known`, the failures a baseline knew instead.
std::vector<FailureGroup> group_failures(const RunResults& results, bool known = false);

// Groups of several operations that share a cause: the same check and reason, at the same schema
// keyword (a component that many operations return), or where no schema says, at the same
// pointer. The console shows a cause once, with the operations it was found in.
struct FailureCause {
  std::vector<const FailureGroup*> groups;  // the first holds the example
  int failures() const;
};
std::vector<FailureCause> causes_of(const std::vector<FailureGroup>& groups);

}  // namespace conform::report
