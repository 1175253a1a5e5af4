#include "merge_command.hpp"

#include <fstream>
#include <iostream>

#include "conform/report/console.hpp"
#include "conform/report/outputs.hpp"

namespace conform::apps {

void add_merge_options(CLI::App& command, MergeCommandOptions& options) {
  command.add_option("results", options.inputs, "Results files written by `conform run --results`")
      ->required();
  for (const auto& output : report::outputs()) {
    command.add_option("--" + output.name, options.outputs[output.name],
                       output.description + " (merged)");
  }
}

core::ExitCode run_merge(const MergeCommandOptions& options) {
  report::RunResults merged;
  for (const auto& input : options.inputs) {
    std::ifstream in(input);
    if (!in) core::fail_input("merge.unreadable", input, "", "cannot read this results file");
    auto json = nlohmann::json::parse(in, nullptr, false);
    report::RunResults part;
    try {
      if (json.is_discarded()) throw std::invalid_argument("not JSON");
      part = report::results_from_json(json);
    } catch (const std::exception& e) {
      core::fail_input("merge.not_results", input, "",
                       std::string("not a results file of conform run: ") + e.what());
    }
    if (merged.tests.empty() && merged.spec_file.empty()) {
      merged.spec_file = part.spec_file;
      merged.target = part.target;
      merged.seed = part.seed;
    } else if (part.seed != merged.seed) {
      std::cerr << "conform merge: " << input << " ran with seed " << part.seed << ", not "
                << merged.seed << " (shards of one run share a seed)\n";
    }
    report::merge_into(merged, std::move(part));
  }
  report::write_outputs(merged, options.outputs);
  report::print_summary(merged, std::cout);
  report::announce_outputs(options.outputs, std::cout);
  bool failed = merged.failures() + merged.errors() > 0 || merged.interrupted;
  return failed ? core::ExitCode::failures : core::ExitCode::ok;
}

}  // namespace conform::apps
