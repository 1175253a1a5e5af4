#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "conform/core/error.hpp"
#include "conform/mock/server.hpp"

namespace conform::apps {

struct MockCommandOptions {
  std::string spec;
  mock::MockOptions server;
  std::vector<std::string> fault_names;
};

void add_mock_options(CLI::App& command, MockCommandOptions& options);

// Serves until SIGINT or SIGTERM; prints the address it listens on first.
core::ExitCode run_mock(const MockCommandOptions& options);

}  // namespace conform::apps
