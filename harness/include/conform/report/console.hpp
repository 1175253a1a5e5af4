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
  // -v: the summary shows each cause's reproduce line and the response that came back, not one
  // reproduce line for all.
  bool verbose = false;
};

// Whether to colour: a terminal, NO_COLOR unset (https://no-color.org), and not refused.
bool wants_colour(bool is_terminal, bool refused);

// The line printed when a test ends (with -v: one line per test).
std::string test_line(const TestRecord& test, const ConsoleStyle& style = {});
// The line printed when an operation's (or suite's) last test ends, without -v: its verdict,
// requests and time, the tests that failed, and those skipped, with why.
std::string operation_line(const std::vector<const TestRecord*>& tests,
                           const ConsoleStyle& style = {});
// The failures of a test, one indented block each (for -v, as tests end).
std::string failure_lines(const TestRecord& test, const ConsoleStyle& style = {});

// The end of a run: the failures by cause (report::causes_of), each with its count, where it was
// found, its first example in full and the command that reproduces it; transport errors; what was
// tested less than asked; advisories; coverage; the counts by check, and the verdict.
void print_summary(const RunResults& results, std::ostream& out, const ConsoleStyle& style = {});

}  // namespace conform::report
