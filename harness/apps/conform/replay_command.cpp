#include "replay_command.hpp"

#include <cstdlib>
#include <iostream>

#include "conform/cases/replay.hpp"
#include "conform/report/console.hpp"
#include "conform/report/outputs.hpp"
#include "conform/runner/interrupt.hpp"
#include "conform/runner/run_setup.hpp"

namespace conform::apps {

void add_replay_options(CLI::App& command, ReplayCommandOptions& o) {
  command
      .add_option("cases", o.cases,
                  "Saved cases (conform run --save-failures DIR): files or folders")
      ->required();
  command.add_option("--target", o.target, "Base URL of the server to re-send them to")->required();
  command.add_option("--spec", o.spec,
                     "The description to re-check against (default: the one the cases name)");
  command
      .add_option("--token-env", o.token_env,
                  "Environment variable holding the credential that replaces ${CONFORM_TOKEN}")
      ->capture_default_str();
  command.add_option("--timeout", o.timeout, "Seconds to wait for an answer")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_flag("--insecure", o.insecure, "Do not verify TLS certificates");
  for (const auto& output : report::outputs()) {
    command.add_option("--" + output.name, o.outputs[output.name], output.description);
  }
}

core::ExitCode run_replay(const ReplayCommandOptions& o) {
  std::vector<cases::SavedCase> saved = cases::load_cases(o.cases);
  const std::string spec_file = o.spec.empty() ? saved.front().spec : o.spec;
  const spec::Spec spec = spec::Spec::load(spec_file);
  const schema::SpecSchemas schemas(spec);
  const char* value = std::getenv(o.token_env.c_str());
  const std::string token = value != nullptr ? value : "";
  for (const cases::SavedCase& c : saved) {
    if (token.empty() &&
        to_json(c)["request"].dump().find("${CONFORM_TOKEN}") != std::string::npos) {
      core::fail_input("replay.token", c.file, "/request",
                       "the case sends ${CONFORM_TOKEN} and $" + o.token_env +
                           " is empty: set it to the credential to re-send with");
    }
  }
  transport::TransportOptions options;
  options.redactor.add(token, "${CONFORM_TOKEN}");
  options.base_url = runner::target_url(o.target, std::nullopt, spec);
  options.timeout_seconds = o.timeout;
  options.connect_timeout_seconds = std::min(o.timeout, 10.0);
  options.insecure = o.insecure;
  options.stop = &runner::interrupted();
  options.pacing = transport::TransportOptions::Pacing::off;
  transport::Transport transport(options);
  std::cout << "conform replay: " << saved.size() << " cases against "
            << transport.redact(options.base_url) << "\n";
  report::RunResults results = cases::replay(saved, spec, schemas, transport, token, std::cout);
  report::write_outputs(results, o.outputs);
  report::announce_outputs(o.outputs, std::cout);
  if (results.failures() + results.errors() > 0) return core::ExitCode::failures;
  return core::ExitCode::ok;
}

}  // namespace conform::apps
