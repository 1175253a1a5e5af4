// End to end: conform.yaml and --config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;

// Runs conform in `directory` with `arguments`.
ShellResult conform_in(const std::filesystem::path& directory, const std::string& arguments) {
  return shell("cd " + directory.string() + " && " + CONFORM_BINARY + " " + arguments);
}

std::filesystem::path directory_with(const std::string& name, const std::string& yaml) {
  auto directory = std::filesystem::temp_directory_path() /
                   ("conform-config-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "conform.yaml") << yaml;
  return directory;
}

TEST(ConformConfig, TheFileHoldsTheOptionsAndTheCommandLineWins) {
  auto directory = directory_with("run", "# a CI job in one line\nrun:\n  spec: " + project_spec() +
                                             "\n  target: http://127.0.0.1:9\n  max-examples: 7\n"
                                             "  phases: [examples, fuzzing]\n  operation:\n"
                                             "    - listApiKeys\n    - showCurrentUser\n");
  ShellResult from_file = conform_in(directory, "run --dry-run");
  EXPECT_EQ(from_file.exit_code, 0) << from_file.output;
  EXPECT_THAT(from_file.output, HasSubstr("2 operations, about 14 requests"));
  ShellResult overridden = conform_in(directory, "run --dry-run --max-examples 3");
  EXPECT_THAT(overridden.output, HasSubstr("2 operations, about 6 requests"));
  ShellResult elsewhere =
      conform_in(std::filesystem::temp_directory_path(),
                 "run --config " + (directory / "conform.yaml").string() + " --dry-run");
  EXPECT_THAT(elsewhere.output, HasSubstr("2 operations, about 14 requests"));
  std::filesystem::remove_all(directory);
}

TEST(ConformConfig, UnknownKeysAndSectionsAreNamedWithTheirLine) {
  auto directory = directory_with("bad", "run:\n  spec: x.yaml\n\n  max-exampels: 3\n");
  ShellResult key = conform_in(directory, "run --target http://x");
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_THAT(key.output, HasSubstr("line 4: unknown key 'max-exampels' in run (did you mean "
                                    "'max-examples'?)"));
  std::ofstream(directory / "conform.yaml") << "runn:\n  spec: x\n";
  ShellResult section = conform_in(directory, "run --target http://x --spec y");
  EXPECT_EQ(section.exit_code, 2);
  EXPECT_THAT(section.output, HasSubstr("line 1: unknown section 'runn' (did you mean 'run'?)"));
  std::ofstream(directory / "conform.yaml") << "run: [\n";
  EXPECT_EQ(conform_in(directory, "run --target http://x --spec y").exit_code, 2);
  std::filesystem::remove_all(directory);
}

TEST(ConformConfig, TheMockSection) {
  auto directory = directory_with(
      "mock", "mock:\n  spec: " + project_spec() + "\n  fault: [ignores_auth, slow_responses]\n");
  // The mock serves until stopped: --port with a bad value stops it right after reading.
  ShellResult bad_port = conform_in(directory, "mock --host 256.0.0.1 --port 1");
  EXPECT_EQ(bad_port.exit_code, 2) << bad_port.output;
  EXPECT_THAT(bad_port.output, HasSubstr("cannot listen"));
  std::filesystem::remove_all(directory);
}

TEST(ConformConfig, TheProxySection) {
  auto directory =
      directory_with("proxy", "proxy:\n  spec: " + project_spec() +
                                  "\n  target: http://127.0.0.1:9\n  host: 256.0.0.1\n");
  ShellResult bad_host = conform_in(directory, "proxy --port 1");
  EXPECT_EQ(bad_host.exit_code, 2) << bad_host.output;
  EXPECT_THAT(bad_host.output, HasSubstr("cannot listen on 256.0.0.1:1"));
  std::filesystem::remove_all(directory);
}

// The long options a subcommand's --help lists (--help itself aside).
std::set<std::string> options_of(const std::string& subcommand) {
  std::string help = shell(std::string(CONFORM_BINARY) + " " + subcommand + " --help").output;
  static const std::regex option(R"(^\s+(?:-[a-zA-Z],)?--([a-z][a-z-]*))");
  std::set<std::string> names;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, option) && match[1] != "help") names.insert(match[1]);
  }
  return names;
}

// The keys the configuration reference's table lists for a section.
std::set<std::string> documented_keys(const std::string& section) {
  std::ifstream in(source("docs/configuration.md"));
  static const std::regex key("`([a-z][a-z-]*)`");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `" + section + "` |", 0) != 0) continue;
    std::set<std::string> keys;
    std::string cells = line.substr(line.find('|', 2));
    for (std::sregex_iterator it(cells.begin(), cells.end(), key), done; it != done; ++it) {
      keys.insert((*it)[1]);
    }
    return keys;
  }
  return {};
}

TEST(ConformConfig, TheReferenceListsEveryOptionOfRunMockAndProxy) {
  for (const std::string section : {"run", "mock", "proxy"}) {
    auto options = options_of(section);
    ASSERT_GT(options.size(), 5u) << section;
    EXPECT_EQ(documented_keys(section), options)
        << "docs/configuration.md's table and `conform " << section << " --help` disagree";
  }
}

}  // namespace
}  // namespace conform::test
