#pragma once

#include <ostream>
#include <string>

#include "conform/report/results.hpp"

namespace conform::report {

struct ConsoleStyle {
  bool colour = false;  // ANSI colours (a terminal, and neither NO_COLOR nor --no-color)
  // How to reproduce a failure: the command that ran, without its case selection; the summary
  // adds --seed, --operation and --phases.
  std::string command;
};

// Whether to colour: a terminal, NO_COLOR unset (https://no-color.org), and not refused.
bool wants_colour(bool is_terminal, bool refused);

// The line printed when a test ends (plain output: one line per test).
std::string test_line(const TestRecord& test, const ConsoleStyle& style = {});
// The failures of a test, one indented block each (for -v, as tests end).
std::string failure_lines(const TestRecord& test, const ConsoleStyle& style = {});

// The end of a run: a table per operation, failures first (requests, failures, errors, skipped,
// the failing checks), then each failure in full with the command that reproduces it, the
// counts by check, and the verdict.
void print_summary(const RunResults& results, std::ostream& out, const ConsoleStyle& style = {});

}  // namespace conform::report
