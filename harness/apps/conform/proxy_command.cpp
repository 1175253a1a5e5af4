#include "proxy_command.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include "conform/lint/lint.hpp"
#include "conform/report/console.hpp"
#include "conform/report/outputs.hpp"
#include "conform/runner/run_config.hpp"
#include "conform/runner/run_setup.hpp"
#include "serve_until_stopped.hpp"

#ifndef CONFORM_VERSION
#define CONFORM_VERSION "0.0.0"
#endif

namespace conform::apps {

void add_proxy_options(CLI::App& command, ProxyCommandOptions& o) {
  command.add_option("--spec", o.spec, "OpenAPI document (JSON or YAML)")->required();
  command
      .add_option("--target", o.server.target,
                  "URL to pass requests on to (a client's path is added to it as it came)")
      ->required();
  command.add_option("--host", o.server.host, "Address to listen on")->capture_default_str();
  command.add_option("--port", o.server.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  command
      .add_option("--duration", o.duration,
                  "Stop after this long (90s, 10m, 2h); default: at SIGINT or SIGTERM")
      ->check([](const std::string& text) {
        return runner::duration_seconds(text) ? std::string() : "expected 90s, 10m or 2h";
      });
  command.add_option("--record", o.record,
                     "Write the traffic to a HAR 1.2 file, credentials masked");
  command.add_option("--checks", o.checks,
                     "Only these per-response checks (default: all; see docs/checks.md)");
  command.add_option("--max-response-time", o.server.judge.max_response_time_seconds,
                     "Seconds an answer may take (turns on max_response_time)");
  command.add_option("--base-path", o.base_path,
                     "Path the description's paths start at in a request's path (default: the "
                     "first server URL's path)");
  command
      .add_option("--max-request-bytes", o.server.max_request_bytes,
                  "Largest request body passed on (past it: 413, reported)")
      ->capture_default_str();
  command
      .add_option("--max-response-bytes", o.server.max_response_bytes,
                  "Part of each answer's body kept and checked (the whole is passed on)")
      ->capture_default_str();
  command
      .add_option("--timeout", o.server.stall_seconds,
                  "Seconds the target may send nothing before the request fails")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("--workers", o.server.workers, "Requests passed on at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  command.add_flag("--insecure", o.server.insecure, "Do not verify the target's TLS certificate");
  command.add_option("--cacert", o.server.cacert, "CA bundle to verify TLS certificates with");
  command.add_flag("-v,--verbose", o.verbose, "A line per request as it passes");
  command.add_flag("--no-color", o.no_colour, "No colours on the console");
  for (const auto& output : report::outputs()) {
    // Schema coverage counts the keyword locations conform's own cases reached; a client's
    // traffic is not drawn to reach them, and is not measured so.
    if (output.name == "coverage") continue;
    command.add_option("--" + output.name, o.outputs[output.name], output.description);
  }
}

core::ExitCode run_proxy(const ProxyCommandOptions& given) {
  ProxyCommandOptions o = given;
  const spec::Spec spec = spec::Spec::load(o.spec);
  if (!lint::usable(spec, "judging traffic with it", std::cerr)) return core::ExitCode::bad_input;
  runner::RunConfig checks_config;
  checks_config.checks = o.checks;
  checks_config.max_response_time = o.server.judge.max_response_time_seconds;
  o.server.judge.checks = runner::chosen_checks(checks_config);
  o.server.judge.base_path = o.base_path.value_or(spec.base_path());
  o.server.judge.max_response_bytes = o.server.max_response_bytes;
  o.server.version = CONFORM_VERSION;
  // The target as reports show it: userinfo hidden.
  std::string shown_target = o.server.target;
  for (const std::string& secret : runner::userinfo_secrets(o.server.target)) {
    shown_target = transport::redact(shown_target, secret);
  }
  o.server.judge.target = shown_target;
  if (o.record.empty()) {
    o.server.record.reset();
  } else {
    o.server.record = o.record;
  }
  if (o.verbose) o.server.log = &std::cout;

  // Before the banner: a client may stop it as soon as it reads that.
  hold_stop_signals();
  proxy::ProxyServer server(spec, o.server);
  const int port = server.bind();
  std::cout << "conform proxy: http://" << o.server.host << ":" << port << " passes requests on to "
            << shown_target << ", judged against " << spec.file() << " ("
            << spec.operations().size() << " operations); "
            << (o.duration.empty() ? "stop with Ctrl-C or SIGTERM"
                                   : "stops after " + o.duration + " or at Ctrl-C")
            << std::endl;
  const auto started = std::chrono::steady_clock::now();
  const bool signalled =
      serve_until_stopped([&] { server.serve(); }, [&] { server.stop(); },
                          o.duration.empty() ? std::nullopt : runner::duration_seconds(o.duration));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  report::RunResults results = server.results(seconds, false);
  report::ConsoleStyle style;
  style.colour = report::wants_colour(isatty(STDOUT_FILENO) != 0, o.no_colour);
  style.verbose = o.verbose;
  std::cout << "\nconform proxy: stopped " << (signalled ? "by a signal" : "after " + o.duration)
            << "\n";
  report::print_summary(results, std::cout, style);
  // What the traffic never reached, said: a green proxy report covers only what went through it.
  std::vector<std::string> unreached;
  for (const report::TestRecord& test : results.tests) {
    if (!test.result.not_tested.empty()) unreached.push_back(test.suite);
  }
  if (!unreached.empty()) {
    std::cout << unreached.size() << " of " << spec.operations().size()
              << " operations not reached by the traffic (skipped in the reports): ";
    constexpr std::size_t kNamed = 8;
    for (std::size_t i = 0; i < std::min(kNamed, unreached.size()); ++i) {
      std::cout << (i == 0 ? "" : ", ") << unreached[i];
    }
    if (unreached.size() > kNamed) std::cout << " and " << unreached.size() - kNamed << " more";
    std::cout << "\n";
  }
  report::write_outputs(results, o.outputs);
  report::announce_outputs(o.outputs, std::cout);
  std::string why;
  if (!server.finish_recording(why)) {
    std::cerr << "conform: " << why << "\n";
    return core::ExitCode::bad_input;
  }
  if (!o.record.empty()) {
    std::cout << "HAR recording: " << o.record << " (" << server.recorded() << " entries)\n";
  }
  if (results.requests() == 0 && results.errors() == 0) {
    std::cout << "conform proxy: no request came through the proxy: nothing was checked\n";
    return core::ExitCode::failures;
  }
  if (results.failures() + results.errors() > 0) return core::ExitCode::failures;
  return core::ExitCode::ok;
}

}  // namespace conform::apps
