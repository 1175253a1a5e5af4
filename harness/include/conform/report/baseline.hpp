#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "conform/report/results.hpp"

namespace conform::report {

// Failures known before a run (docs/baseline.md): a run with --baseline fails only on new ones.
struct Baseline {
  std::vector<KnownFailure> failures;
};

// Reads a conform-baseline/1 file. Throws core::Error (exit code 2) naming the file and the JSON
// pointer of what is wrong; a missing file is an error unless `missing_is_empty`.
Baseline load_baseline(const std::filesystem::path& file, bool missing_is_empty = false);

// The run's failures, known and new, one entry per operation, check, pointer and status, sorted:
// what --baseline-update writes.
Baseline baseline_of(const RunResults& results);
std::string baseline_text(const Baseline& baseline, const std::string& spec_file);

// Moves the test's failures the baseline knows into its `known`.
void set_aside_known(TestRecord& test, const Baseline& baseline);
// Sets aside every test's known failures, and lists as fixed the baseline's failures of
// operations this run tested that none of their tests found again.
void apply_baseline(RunResults& results, const Baseline& baseline);

}  // namespace conform::report
