// The `conform` program: parses the command line and hands each subcommand to its module.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "lint_command.hpp"
#include "merge_command.hpp"
#include "mock_command.hpp"
#include "proxy_command.hpp"
#include "replay_command.hpp"
#include "run_command.hpp"
#include "yaml_config.hpp"

#ifndef CONFORM_VERSION
#define CONFORM_VERSION "0.0.0"
#endif
#ifndef CONFORM_COMMIT
#define CONFORM_COMMIT "unknown"
#endif

namespace {

// A usage error as conform words every error: "conform: " first, the nearest name when a command
// or an option is misspelt, and where to read more.
int usage_error(CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  // The first word that is not an option (nor --config's file) names the command.
  std::string first;
  for (std::size_t i = 0; i < args.size() && first.empty(); ++i) {
    if (args[i] == "--config") {
      ++i;
    } else if (!args[i].empty() && args[i][0] != '-') {
      first = args[i];
    }
  }
  const bool known = std::find(commands.begin(), commands.end(), first) != commands.end();
  if (!first.empty() && !known) {
    std::string list;
    for (const auto& c : commands) list += (list.empty() ? "" : ", ") + c;
    std::cerr << "conform: '" << first << "' is not a command"
              << conform::core::did_you_mean(first, commands) << "; commands: " << list
              << " (conform --help)\n";
    return static_cast<int>(conform::core::ExitCode::bad_input);
  }
  const std::string command = known ? first : "";
  std::cerr << "conform: " << (command.empty() ? "" : command + ": ") << error.what();
  // An option the command does not have: the nearest it does.
  if (!command.empty()) {
    std::vector<std::string> options = {"--help", "--config"};
    for (const CLI::Option* option : app.get_subcommand(command)->get_options()) {
      for (const auto& name : option->get_lnames()) options.push_back("--" + name);
    }
    for (const auto& a : args) {
      if (a.rfind("--", 0) != 0 || a.rfind("--gtest_", 0) == 0) continue;
      std::string name = a.substr(0, a.find('='));
      if (std::find(options.begin(), options.end(), name) != options.end()) continue;
      std::cerr << "; " << name << " is not an option of " << command
                << conform::core::did_you_mean(name, options);
    }
  }
  std::cerr << " (conform " << (command.empty() ? "" : command + " ") << "--help)\n";
  return static_cast<int>(conform::core::ExitCode::bad_input);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"conform: contract and conformance tests for HTTP APIs described by OpenAPI",
               "conform"};
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

  conform::runner::RunConfig run_options;
  CLI::App* run = app.add_subcommand(
      "run", "Send valid and invalid requests to a server and check every answer");
  conform::apps::add_run_options(*run, run_options);

  conform::apps::MergeCommandOptions merge_options;
  CLI::App* merge = app.add_subcommand(
      "merge", "Merge the results of a run split across CI runners into one report");
  conform::apps::add_merge_options(*merge, merge_options);

  conform::apps::ReplayCommandOptions replay_options;
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-send failures saved by `run --save-failures` and re-check each");
  conform::apps::add_replay_options(*replay, replay_options);

  conform::apps::ProxyCommandOptions proxy_options;
  CLI::App* proxy = app.add_subcommand(
      "proxy", "Pass a client's requests on to a server and check every request and answer");
  conform::apps::add_proxy_options(*proxy, proxy_options);

  // conform.yaml (or --config FILE): options of run, mock and proxy; the command line wins.
  app.config_formatter(
      std::make_shared<conform::apps::YamlConfig>(std::map<std::string, std::set<std::string>>{
          {"run", conform::apps::YamlConfig::option_names(*run)},
          {"mock", conform::apps::YamlConfig::option_names(*mock)},
          {"proxy", conform::apps::YamlConfig::option_names(*proxy)}}));
  app.set_config("--config", "conform.yaml",
                 "Options from a YAML file (default: ./conform.yaml when present)");

  // `conform run --config f.yaml`: the option belongs to the program, so it moves before the
  // subcommand (`run` takes unknown flags for GoogleTest).
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      std::vector<std::string> moved = {args[i], args[i + 1]};
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      args.insert(args.begin(), moved.begin(), moved.end());
    } else if (args[i].rfind("--config=", 0) == 0) {
      std::string moved = args[i];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      args.insert(args.begin(), moved);
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments reversed

  try {
    app.parse(args);
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
    return usage_error(app, e, std::vector<std::string>(argv + 1, argv + argc));
  } catch (const conform::core::Error& e) {
    std::cerr << "conform: " << conform::core::format(e.diagnostic()) << "\n";
    return static_cast<int>(e.exit_code());
  }

  try {
    if (lint->parsed()) return static_cast<int>(conform::apps::run_lint(lint_options, std::cout));
    if (mock->parsed()) return static_cast<int>(conform::apps::run_mock(mock_options));
    if (merge->parsed()) return static_cast<int>(conform::apps::run_merge(merge_options));
    if (proxy->parsed()) return static_cast<int>(conform::apps::run_proxy(proxy_options));
    if (replay->parsed()) return static_cast<int>(conform::apps::run_replay(replay_options));
    if (run->parsed()) {
      return static_cast<int>(conform::apps::run_conformance(run_options, argv[0]));
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
