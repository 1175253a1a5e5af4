// The `conform` program: parses the command line and hands each subcommand to its module.
#include <CLI/CLI.hpp>
#include <iostream>

#include "conform/core/error.hpp"
#include "lint_command.hpp"
#include "mock_command.hpp"
#include "run_command.hpp"

#ifndef CONFORM_VERSION
#define CONFORM_VERSION "0.0.0"
#endif
#ifndef CONFORM_COMMIT
#define CONFORM_COMMIT "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"conform: contract and conformance tests for HTTP APIs described by OpenAPI"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("conform ") + CONFORM_VERSION + " (" + CONFORM_COMMIT + ")");

  conform::apps::LintOptions lint_options;
  CLI::App* lint = app.add_subcommand(
      "lint", "Check an OpenAPI document against itself (references, examples, keywords)");
  conform::apps::add_lint_options(*lint, lint_options);

  conform::apps::MockCommandOptions mock_options;
  CLI::App* mock =
      app.add_subcommand("mock", "Serve a mock of the API an OpenAPI document describes");
  conform::apps::add_mock_options(*mock, mock_options);

  conform::apps::RunCommandOptions run_options;
  CLI::App* run = app.add_subcommand(
      "run", "Send valid and invalid requests to a server and check every answer");
  conform::apps::add_run_options(*run, run_options);

  try {
    app.parse(argc, argv);
    for (const auto& extra : run->remaining()) {
      if (extra.rfind("--gtest_", 0) != 0) {
        throw CLI::ExtrasError({extra});
      }
      run_options.gtest_arguments.push_back(extra);
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(conform::core::ExitCode::bad_input);
  }

  try {
    if (lint->parsed()) return static_cast<int>(conform::apps::run_lint(lint_options, std::cout));
    if (mock->parsed()) return static_cast<int>(conform::apps::run_mock(mock_options));
    if (run->parsed()) {
      return static_cast<int>(conform::apps::run_conformance(run_options, argc, argv));
    }
  } catch (const conform::core::Error& e) {
    std::cerr << "conform: " << conform::core::format(e.diagnostic()) << "\n";
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::cerr << "conform: internal error: " << e.what() << "\n";
    return static_cast<int>(conform::core::ExitCode::bad_input);
  }
  return static_cast<int>(conform::core::ExitCode::bad_input);
}
