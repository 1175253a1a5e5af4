#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "conform/core/error.hpp"

namespace conform::apps {

struct LintOptions {
  std::string spec;
  std::string format = "text";
  std::vector<std::string> suites;  // Arazzo documents, checked against the description too
};

void add_lint_options(CLI::App& command, LintOptions& options);

// Prints one line per finding (or a JSON document) and returns the exit code.
core::ExitCode run_lint(const LintOptions& options, std::ostream& out);

}  // namespace conform::apps
