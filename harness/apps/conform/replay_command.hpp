#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "conform/core/error.hpp"

namespace conform::apps {

struct ReplayCommandOptions {
  std::vector<std::string> cases;  // saved case files, or folders of them
  std::string target;
  std::string spec;  // "" : the one the first case names
  std::string token_env = "CONFORM_TOKEN";
  double timeout = 30;
  bool insecure = false;
  std::map<std::string, std::string> outputs;  // report::outputs() name → file
};

void add_replay_options(CLI::App& command, ReplayCommandOptions& options);
// Re-sends saved failures (conform run --save-failures) and re-checks each: FIXED or STILL
// FAILING; exit 1 when any still fails.
core::ExitCode run_replay(const ReplayCommandOptions& options);

}  // namespace conform::apps
