#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "conform/core/error.hpp"

namespace conform::apps {

struct MergeCommandOptions {
  std::vector<std::string> inputs;  // `conform run --results` files
  std::string junit;
  std::string html;
};

void add_merge_options(CLI::App& command, MergeCommandOptions& options);
// Merges the results of runs split across machines into one JUnit and HTML report and one
// summary; exit 1 when any part failed.
core::ExitCode run_merge(const MergeCommandOptions& options);

}  // namespace conform::apps
