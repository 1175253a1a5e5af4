#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conform/engine/selection.hpp"

namespace conform::runner {

// Everything a conformance run is asked to do: what `conform run`'s options and `conform.yaml`
// say, and what a program that embeds the runner fills in. A --jobs shard receives its parent's,
// whole, as a file (shards.hpp).
struct RunConfig {
  std::string spec;
  std::string target;
  std::map<std::string, std::string> outputs;  // report::outputs() name → file (--junit FILE)
  std::string token_env = "CONFORM_TOKEN";
  std::optional<std::uint64_t> seed;
  int max_examples = 100;
  int max_link_depth = 3;
  bool max_examples_given = false;  // said on the command line or in conform.yaml
  std::string duration;             // "10m", "90s", "2h", "45" (seconds); empty: none
  engine::Selection selection;
  std::vector<std::string> checks;  // empty: the defaults
  std::vector<std::string> phases;  // empty: all
  int jobs = 1;
  double rate = 0;
  std::string pace = "adaptive";
  double timeout = 30;
  double wait_for_target = 0;
  double max_response_time = 0;
  bool insecure = false;
  std::string cacert;
  std::vector<std::string> headers;         // "Name: value", ${VARIABLE}s expanded
  std::vector<std::string> secret_headers;  // names whose values outputs never show
  std::size_t max_response_bytes = 10 * 1024 * 1024;
  bool dry_run = false;
  bool no_colour = false;
  bool quiet = false;
  bool verbose = false;
  int permission_cases = 20;
  bool allow_destructive = false;
  bool enforce_vast_rules = false;
  bool fail_on_unexercised = false;
  double fail_under_coverage = 0;  // a schema coverage percentage the run must reach; 0: none
  std::string baseline;            // failures known before the run (docs/baseline.md)
  bool baseline_update = false;    // rewrite `baseline` with this run's failures
  std::string save_failures;       // a folder: each failure as a case file (docs/replay.md)
  std::optional<std::string> base_path;
  std::vector<std::string> suites;  // Arazzo documents whose workflows run after the operations
  std::vector<std::string> suite_inputs;  // "name=value": the workflows' inputs
  std::string suite_inputs_file;          // a YAML or JSON mapping of inputs
  std::string shard_results;              // a --jobs shard's results, for its parent
  bool no_suites = false;                 // a --jobs shard: the parent runs the suites
  std::string shard_plan;                 // a --jobs shard: every other option comes from this file
  std::vector<std::string> gtest_arguments;
};

}  // namespace conform::runner
