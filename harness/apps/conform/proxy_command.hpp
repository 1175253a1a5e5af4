#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "conform/core/error.hpp"
#include "conform/proxy/proxy_server.hpp"

namespace conform::apps {

struct ProxyCommandOptions {
  std::string spec;
  proxy::ProxyOptions server;
  std::string duration;  // "10m", "90s"...; empty: until SIGINT or SIGTERM
  std::vector<std::string> checks;
  std::optional<std::string> base_path;
  std::string record;
  bool verbose = false;
  bool no_colour = false;
  std::map<std::string, std::string> outputs;  // report::outputs() name → file
};

void add_proxy_options(CLI::App& command, ProxyCommandOptions& options);
// Serves as a reverse proxy to --target until a signal or --duration, then reports what the
// traffic showed: exit 1 when a check failed, the target failed to answer, or nothing came
// through at all.
core::ExitCode run_proxy(const ProxyCommandOptions& options);

}  // namespace conform::apps
