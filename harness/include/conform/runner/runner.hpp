#pragma once

#include <iostream>
#include <ostream>
#include <string>

#include "conform/core/error.hpp"
#include "conform/report/results.hpp"
#include "conform/runner/run_config.hpp"

namespace conform::runner {

enum class Executor {
  googletest,  // the program's: GoogleTest runs the tests (its flags, sharding); once a process
  in_order,    // a program that embeds the runner: one after the other, in this thread
};

// Where a run is called from.
struct RunContext {
  // How the user called conform (argv[0]), for the commands the reports suggest.
  std::string program = "conform";
  Executor executor = Executor::googletest;
  // What --jobs starts its shards with: conform itself.
  std::string shard_program = "/proc/self/exe";
  std::ostream* out = &std::cout;  // the progress, the plan and the summary
};

struct RunOutcome {
  core::ExitCode exit_code = core::ExitCode::ok;
  report::RunResults results;  // empty for --dry-run and for a run stopped before it started
};

// A conformance run: loads the description, selects its operations, checks the credential, runs
// every planned test (operations' phases, then suites) or prints the plan, writes the outputs
// the configuration asks for and the summary. Signals stop it (interrupt.hpp) once it sends.
// Throws core::Error for what stops a run before it tests anything (bad input, an unreachable
// target); the exit code of the error is the run's.
RunOutcome run(const RunConfig& config, const RunContext& context = {});

}  // namespace conform::runner
