// Every `sh` block of the README and of docs/ runs as a reader would type it, and each command
// exits as the docs say: 0, or N where its line ends with "# exits N".
//
// Blocks run in the order of their file, in a fresh folder holding spec/openapi.json and
// openapi.json (the project's description) and reports/; blocks that build or run the project's
// scripts run in the source tree instead. What the docs name and a test cannot have is stood in
// for, always in the same way:
//   https://staging.example.com, https://console.vast.ai   the mock of the project's description
//   $STAGING_TOKEN, $TEST_ACCOUNT_KEY                        the mock's key
//   port 8080                                                a free port
//   build/release, --preset release                         this build tree and its preset
//   --prefix /usr/local                                      a temporary folder
// The descriptions in the folder carry no x-rate-limit, so that `--pace declared` does not turn a
// run against the mock into minutes of waiting (pacing has tests of its own).
// `scripts/test` is not run here (it runs these tests); CI runs it, and a test checks that it does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/local_servers.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Command {
  int line = 0;
  std::string text;  // continuation lines joined, as bash reads them
  int expected_exit = 0;
  bool background = false;
};

struct Block {
  int line = 0;  // of the opening fence
  std::string language;
  std::string text;
  std::vector<Command> commands;
};

struct MarkdownFile {
  fs::path path;
  std::vector<Block> blocks;
  std::vector<int> indented_code_lines;  // code blocks without a fence (and so without a language)
  std::vector<int> unclosed_fences;
};

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::vector<Command> commands_of(const Block& block) {
  static const std::regex exits(R"(#\s*exits\s+([0-9]+))");
  std::vector<Command> commands;
  std::istringstream lines(block.text);
  std::string line;
  int number = block.line;
  Command pending;
  while (std::getline(lines, line)) {
    ++number;
    if (pending.text.empty()) {
      if (trim(line).empty() || trim(line).front() == '#') continue;
      pending.line = number;
    }
    bool continues = !line.empty() && line.back() == '\\';
    pending.text += line + "\n";
    if (continues) continue;
    std::smatch match;
    if (std::regex_search(pending.text, match, exits)) pending.expected_exit = std::stoi(match[1]);
    std::string code = trim(pending.text.substr(0, pending.text.find(" #")));
    while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
    pending.background = !code.empty() && code.back() == '&';
    commands.push_back(pending);
    pending = Command{};
  }
  return commands;
}

bool list_item(const std::string& line) {
  static const std::regex item(R"(^\s*([-*+]|[0-9]+\.)\s)");
  return std::regex_search(line, item);
}

MarkdownFile parse_markdown(const fs::path& path) {
  MarkdownFile file;
  file.path = path;
  std::istringstream lines(read_file(path));
  std::string line;
  int number = 0;
  bool in_fence = false;
  bool in_list = false;
  bool previous_blank = true;
  Block block;
  while (std::getline(lines, line)) {
    ++number;
    if (line.rfind("```", 0) == 0) {
      if (!in_fence) {
        block = Block{};
        block.line = number;
        block.language = trim(line.substr(3));
        block.language = block.language.substr(0, block.language.find(' '));
      } else {
        block.commands = commands_of(block);
        file.blocks.push_back(block);
      }
      in_fence = !in_fence;
      previous_blank = false;
      continue;
    }
    if (in_fence) {
      block.text += line + "\n";
      continue;
    }
    bool blank = trim(line).empty();
    bool indented = line.rfind("    ", 0) == 0 || line.rfind("\t", 0) == 0;
    if (list_item(line)) {
      in_list = true;
    } else if (!blank && !indented && line.rfind("  ", 0) != 0) {
      in_list = false;
    }
    if (indented && previous_blank && !in_list) file.indented_code_lines.push_back(number);
    previous_blank = blank;
  }
  if (in_fence) file.unclosed_fences.push_back(block.line);
  return file;
}

std::vector<fs::path> documentation_files() {
  std::vector<fs::path> files = {source("README.md")};
  for (const auto& entry : fs::recursive_directory_iterator(source("docs"))) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string in_project(const fs::path& path) { return fs::relative(path, source("")).string(); }

bool has_commands(const MarkdownFile& file) {
  for (const Block& block : file.blocks) {
    if (block.language == "sh") return true;
  }
  return false;
}

std::vector<std::string> files_with_commands() {
  std::vector<std::string> names;
  for (const fs::path& path : documentation_files()) {
    if (has_commands(parse_markdown(path))) names.push_back(in_project(path));
  }
  return names;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void drop_rate_limits(nlohmann::json& value) {
  if (value.is_object()) {
    value.erase("x-rate-limit");
    for (auto& [key, member] : value.items()) drop_rate_limits(member);
  } else if (value.is_array()) {
    for (auto& member : value) drop_rate_limits(member);
  }
}

// The preset this tree was configured with, when it is one of the project's presets' trees.
std::optional<std::string> own_preset() {
  fs::path build = fs::weakly_canonical(CONFORM_BUILD_DIR);
  std::string name = build.filename().string();
  auto presets = nlohmann::json::parse(read_file(source("CMakePresets.json")));
  for (const auto& preset : presets["configurePresets"]) {
    if (preset["name"] == name && fs::weakly_canonical(source("build") / name) == build) {
      return name;
    }
  }
  return std::nullopt;
}

bool builds_the_project(const Block& block) {
  for (const Command& command : block.commands) {
    const std::string& t = command.text;
    if (t.rfind("scripts/", 0) == 0 || t.rfind("cmake ", 0) == 0 || t.rfind("cpack", 0) == 0 ||
        t.rfind("(cd build/", 0) == 0) {
      return true;
    }
  }
  return false;
}

bool run_by_ci(const Command& command) { return command.text.rfind("scripts/test", 0) == 0; }

TEST(Documentation, EveryCodeBlockIsFencedAndSaysWhatItHolds) {
  const std::set<std::string> languages = {"sh", "text", "yaml", "json"};
  for (const fs::path& path : documentation_files()) {
    MarkdownFile file = parse_markdown(path);
    for (int line : file.indented_code_lines) {
      ADD_FAILURE() << in_project(path) << ":" << line
                    << ": an indented code block; fence it (```sh for commands, ```text for the "
                       "rest) so that its commands are run by this test";
    }
    for (int line : file.unclosed_fences) {
      ADD_FAILURE() << in_project(path) << ":" << line << ": a fence that is never closed";
    }
    for (const Block& block : file.blocks) {
      EXPECT_TRUE(languages.contains(block.language))
          << in_project(path) << ":" << block.line << ": a fence says \"" << block.language
          << "\"; it should say one of sh, text, yaml, json";
    }
  }
}

TEST(Documentation, ReadsTheCommandsTheWayBashDoes) {
  Block block;
  block.line = 10;
  block.text =
      "# a comment line\n"
      "conform mock --port 8080 &\n"
      "conform run \\\n"
      "    --spec x  # exits 1: found\n"
      "\n"
      "kill %1\n";
  auto commands = commands_of(block);
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_TRUE(commands[0].background);
  EXPECT_EQ(commands[0].line, 12);
  EXPECT_EQ(commands[1].line, 13);
  EXPECT_EQ(commands[1].expected_exit, 1);
  EXPECT_THAT(commands[1].text, HasSubstr("--spec x"));
  EXPECT_FALSE(commands[1].background);
  EXPECT_EQ(commands[2].expected_exit, 0);
}

TEST(Documentation, TheReadmeCommandsAreFound) {
  MarkdownFile readme = parse_markdown(source("README.md"));
  std::vector<std::string> commands;
  for (const Block& block : readme.blocks) {
    if (block.language != "sh") continue;
    for (const Command& command : block.commands) commands.push_back(command.text);
  }
  EXPECT_THAT(commands, ::testing::Contains(HasSubstr("scripts/demo")));
  EXPECT_THAT(commands, ::testing::Contains(HasSubstr("scripts/test")));
}

// The commands this test leaves to CI are the ones CI runs.
TEST(Documentation, TheTestCommandIsWhatCiRuns) {
  std::string ci = read_file(source(".ci/run"));
  for (const fs::path& path : documentation_files()) {
    for (const Block& block : parse_markdown(path).blocks) {
      if (block.language != "sh") continue;
      for (const Command& command : block.commands) {
        if (!run_by_ci(command)) continue;
        std::string code = trim(command.text.substr(0, command.text.find('#')));
        EXPECT_THAT(ci, HasSubstr("\n" + code + "\n"))
            << in_project(path) << ":" << command.line << ": `" << code
            << "` is not run by .ci/run";
      }
    }
  }
}

class DocumentedCommands : public ::testing::TestWithParam<std::string> {};

TEST_P(DocumentedCommands, RunAndExitAsDocumented) {
  MarkdownFile file = parse_markdown(source(GetParam()));
  const std::optional<std::string> preset = own_preset();

  fs::path sandbox =
      fs::temp_directory_path() / ("conform-docs-" + std::to_string(getpid()) + "-" +
                                   std::regex_replace(GetParam(), std::regex("[^A-Za-z0-9]"), "_"));
  fs::remove_all(sandbox);
  fs::create_directories(sandbox / "spec");
  fs::create_directories(sandbox / "reports");
  auto description = nlohmann::json::parse(read_file(source("spec/openapi.json")));
  drop_rate_limits(description);
  std::ofstream(sandbox / "spec/openapi.json") << description.dump(2);
  std::ofstream(sandbox / "openapi.json") << description.dump(2);

  MockProcess staging((sandbox / "spec/openapi.json").string());
  const std::string staging_url = "http://127.0.0.1:" + std::to_string(staging.port());
  const std::string port = std::to_string(free_port());
  auto stand_ins = [&](std::string text) {
    replace_all(text, "https://staging.example.com", staging_url);
    replace_all(text, "https://console.vast.ai", staging_url);
    replace_all(text, "8080", port);
    replace_all(text, "build/release", CONFORM_BUILD_DIR);
    replace_all(text, "--preset release", "--preset " + preset.value_or("release"));
    replace_all(text, "--prefix /usr/local", "--prefix " + (sandbox / "prefix").string());
    return text;
  };

  int blocks_run = 0;
  for (const Block& block : file.blocks) {
    // A configuration file the docs show is the one the following commands read.
    if (block.language == "yaml" && block.text.rfind("# conform.yaml", 0) == 0) {
      std::ofstream(sandbox / "conform.yaml") << stand_ins(block.text);
      continue;
    }
    if (block.language != "sh") continue;
    const bool in_source_tree = builds_the_project(block);
    if (in_source_tree && !preset) {
      std::cout << GetParam() << ":" << block.line
                << ": not run: this build tree is not one of the project's presets' trees\n";
      continue;
    }
    std::string script =
        "cd " + quoted(in_source_tree ? source("").string() : sandbox.string()) + "\n";
    for (const Command& command : block.commands) {
      if (run_by_ci(command)) continue;
      ASSERT_THAT(command.text, ::testing::Not(::testing::ContainsRegex("ctest|--workflow")))
          << GetParam() << ":" << command.line << ": would run the tests from inside a test";
      script += stand_ins(command.text);
      if (command.background) continue;
      std::string where = GetParam() + ":" + std::to_string(command.line);
      const std::string expected = std::to_string(command.expected_exit);
      script += "status=$?\nif [ \"$status\" -ne " + expected + " ]; then echo \"" + where +
                ": exited with $status; the docs say " + expected +
                "\" >&2; kill $(jobs -p) 2>/dev/null; exit 100; fi\n";
    }
    script += "kill $(jobs -p) 2>/dev/null\nwait\nexit 0\n";
    fs::path script_file = sandbox / ("block-" + std::to_string(block.line) + ".sh");
    std::ofstream(script_file) << script;
    fs::path binaries = fs::path(CONFORM_BINARY).parent_path();
    std::string environment = "env PATH=" + quoted(binaries.string()) + ":\"$PATH\" NO_COLOR=1" +
                              " STAGING_TOKEN=" + kRootToken + " TEST_ACCOUNT_KEY=" + kRootToken +
                              " CONFORM_PRESET=" + preset.value_or("release");
    ShellResult result = shell(environment + " bash " + quoted(script_file.string()));
    EXPECT_EQ(result.exit_code, 0) << GetParam() << ":" << block.line << ": the block\n"
                                   << block.text << "failed:\n"
                                   << result.output;
    ++blocks_run;
  }
  if (!HasFailure() && std::getenv("CONFORM_KEEP_SANDBOX") == nullptr) fs::remove_all(sandbox);
  if (blocks_run == 0) GTEST_SKIP() << "no block of " << GetParam() << " could run here";
}

INSTANTIATE_TEST_SUITE_P(Docs, DocumentedCommands, ::testing::ValuesIn(files_with_commands()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return std::regex_replace(param.param, std::regex("[^A-Za-z0-9]"), "_");
                         });

}  // namespace
}  // namespace conform::test
