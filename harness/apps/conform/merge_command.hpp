#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "conform/core/error.hpp"

namespace conform::apps {

struct MergeCommandOptions {
  std::vector<std::string> inputs;             // `conform run --results` files
  std::map<std::string, std::string> outputs;  // report::outputs() name → file
};

void add_merge_options(CLI::App& command, MergeCommandOptions& options);
// Merges the results of runs split across machines into one report of each asked format and one
// summary; exit 1 when any part failed.
core::ExitCode run_merge(const MergeCommandOptions& options);

}  // namespace conform::apps
