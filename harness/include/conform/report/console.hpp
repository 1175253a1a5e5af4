#pragma once

#include <ostream>

#include "conform/report/results.hpp"

namespace conform::report {

// The line printed when a test ends (plain output: one line per test).
std::string test_line(const TestRecord& test);

// The end of a run: a table per operation (requests, failures, errors, skipped), then each
// failure in full, then the verdict.
void print_summary(const RunResults& results, std::ostream& out);

}  // namespace conform::report
