#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "conform/engine/engine.hpp"

namespace conform::report {

// One test of the run (an operation's phase, or a scenario), as the reports show it.
struct TestRecord {
  std::string suite;  // the operationId, or the scenario suite
  std::string name;   // the phase, or the scenario step
  engine::PhaseResult result;
};

// What an operation's schema coverage is measured against, from its description.
struct CoverageTargets {
  std::set<std::string> locations;    // every keyword location of its request
  std::vector<std::string> statuses;  // the response statuses it declares ("200", "4XX")
  std::map<std::string, std::string> unbreakable{};  // locations no request can break: why
  std::vector<std::string> parameters{};             // its parameters ("query parameter 'limit'")
  std::vector<std::string> links{};                  // the links its 2XX responses declare, by name
};

// A failure a baseline records: matched by operation, check, JSON pointer and status, never by
// the values a case carried (docs/baseline.md).
struct KnownFailure {
  std::string operation;  // the operationId, or the suite
  std::string check;
  std::string pointer;
  int status = 0;
  std::string reason{};   // as it was when recorded: for people, not matched
  std::string example{};  // the first failure's message, for people

  bool matches(const std::string& suite, const engine::FailureRecord& failure) const {
    return operation == suite && check == failure.check && pointer == failure.pointer &&
           status == failure.status;
  }
};

struct RunResults {
  std::string spec_file;
  std::string target;
  std::uint64_t seed = 0;
  double seconds = 0;
  bool interrupted = false;
  // The command that ran, without its case selection (program, --spec, --target), quoted for a
  // shell: every report's reproduce line starts with it. Empty: no reproduce lines.
  std::string command;
  std::vector<TestRecord> tests;
  // Per operationId, for the operations the run selected.
  std::map<std::string, CoverageTargets> coverage_targets;
  // With --baseline: whether one was applied, and the failures it knew that this run's tests of
  // the same operation no longer found.
  bool baselined = false;
  std::vector<KnownFailure> fixed{};

  int failures() const;
  int known() const;  // failures the baseline knew
  int advisories() const;
  int not_exercised() const;
  int errors() const;
  int skipped() const;
  int requests() const;
};

// The command that reruns one test: `command` with the run's seed and the test's selection (the
// operation and phase, or the suite's test), every value quoted for a shell; "" without command.
std::string reproduce_line(const TestRecord& test, const std::string& command, std::uint64_t seed);

// The results as JSON, and back: how --jobs shards hand their results to the parent.
// A duration as the reports for people show it: "1.25 s".
std::string duration_text(double seconds);

nlohmann::json to_json(const RunResults& results);
nlohmann::json known_failure_json(const KnownFailure& failure);
// Throws nlohmann::json's exceptions when a member is missing or of another type.
KnownFailure known_failure_from(const nlohmann::json& json);
// Adds another part of the same run (a shard's, a results file's): its tests after ours, and its
// coverage targets.
void merge_into(RunResults& into, RunResults part);
RunResults results_from_json(const nlohmann::json& json);

// Writes next to the target and renames over it, so that a reader never sees half a file.
void write_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace conform::report
