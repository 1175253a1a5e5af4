#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "conform/core/error.hpp"
#include "conform/runner/runner.hpp"

namespace conform::apps {

// `conform run`: its options, each mapped to a field of the run's configuration.
void add_run_options(CLI::App& command, runner::RunConfig& config);
// `program`: how the user called conform (argv[0]), for the commands the reports suggest.
core::ExitCode run_conformance(const runner::RunConfig& config, const std::string& program);

}  // namespace conform::apps
