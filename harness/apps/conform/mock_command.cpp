#include "mock_command.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "conform/lint/lint.hpp"
#include "conform/spec/spec.hpp"
#include "serve_until_stopped.hpp"

namespace conform::apps {

void add_mock_options(CLI::App& command, MockCommandOptions& options) {
  command.add_option("--spec", options.spec, "OpenAPI document (JSON or YAML)")->required();
  command.add_option("--host", options.server.host, "Address to listen on")->capture_default_str();
  command.add_option("--port", options.server.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  command.add_option("--token", options.server.root_token,
                     "Bearer token of the account's root key (default: $CONFORM_MOCK_TOKEN, else " +
                         std::string(mock::kDefaultRootToken) + ")");
  command.add_option("--state-seed", options.server.state_seed,
                     "Seed of generated response bodies");
  command
      .add_option("--max-kept", options.server.max_kept,
                  "Items kept per collection, and deleted identifiers remembered; past that the "
                  "oldest are forgotten")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--threads", options.server.threads,
                  "Serving threads, each with its own connections (0: one per core)")
      ->capture_default_str();
  command.add_flag("--log", options.server.log, "One line per request on standard error");
  command.add_option("--base-path", options.server.base_path,
                     "Path the description's paths start at (default: the first server URL's "
                     "path, e.g. /v1)");
  command.add_flag("--rate-limit", options.server.rate_limit,
                   "Enforce each operation's x-rate-limit per identity (429 when called too soon)");
  std::string names;
  for (const auto& fault : mock::fault_catalogue()) {
    names += (names.empty() ? "" : ", ") + std::string(fault.name);
  }
  command
      .add_option("--fault", options.fault_names,
                  "Switch on a deliberate contract violation (repeatable): " + names)
      ->check([](const std::string& name) {
        return mock::fault_named(name) ? std::string() : "unknown fault '" + name + "'";
      });
}

core::ExitCode run_mock(const MockCommandOptions& given) {
  MockCommandOptions options = given;
  if (options.server.root_token == mock::kDefaultRootToken) {
    if (const char* token = std::getenv("CONFORM_MOCK_TOKEN"); token && *token) {
      options.server.root_token = token;
    }
  }
  for (const auto& name : options.fault_names)
    options.server.faults.insert(*mock::fault_named(name));
  const spec::Spec spec = spec::Spec::load(options.spec);
  if (!lint::usable(spec, "serving it", std::cerr)) return core::ExitCode::bad_input;
  // Before the banner: a client may stop it as soon as it reads that.
  hold_stop_signals();
  mock::MockServer server(spec, options.server);
  int port = server.bind();
  std::cout << "conform mock: serving " << spec.operations().size() << " operations of "
            << spec.file() << " on http://" << options.server.host << ":" << port
            << options.server.base_path.value_or(spec.base_path());
  for (const auto& name : options.fault_names) std::cout << " [fault " << name << "]";
  std::cout << std::endl;
  serve_until_stopped([&] { server.serve(); }, [&] { server.stop(); });
  return core::ExitCode::ok;
}

}  // namespace conform::apps
