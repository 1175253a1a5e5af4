// The CI templates' commands, run here against the mock: two shards, then the merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;

TEST(CiTemplates, BothTemplatesRunTheJobScript) {
  for (const char* file : {"docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"}) {
    std::string text = read_file(source(file));
    EXPECT_THAT(text, HasSubstr("docs/ci/conformance-job.sh shard")) << file;
    EXPECT_THAT(text, HasSubstr("docs/ci/conformance-job.sh merge")) << file;
    EXPECT_THAT(text, HasSubstr("GTEST_SHARD_INDEX")) << file;
  }
}

// The libraries the package depends on (CMakeLists.txt's CPACK_DEBIAN_PACKAGE_DEPENDS, but for the
// C and C++ runtimes every system has): what a CI job installs to run the built program.
std::set<std::string> runtime_libraries() {
  std::string cmake = read_file(source("CMakeLists.txt"));
  auto at = cmake.find("CPACK_DEBIAN_PACKAGE_DEPENDS");
  auto open = cmake.find('"', at);
  auto close = cmake.find('"', open + 1);
  std::set<std::string> out;
  std::istringstream names(cmake.substr(open + 1, close - open - 1));
  for (std::string name; std::getline(names, name, ',');) {
    name.erase(0, name.find_first_not_of(' '));
    if (name != "libc6" && name != "libstdc++6") out.insert(name);
  }
  return out;
}

// A job that runs the built program installs the libraries it links, and no other library: the
// mock no longer needs cpp-httplib, and a template that still installed it would say it did.
TEST(CiTemplates, RunJobsInstallWhatTheProgramLinks) {
  const auto wanted = runtime_libraries();
  ASSERT_GE(wanted.size(), 3u);
  for (const char* file : {"docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"}) {
    std::istringstream lines(read_file(source(file)));
    int jobs = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.find("apt-get install") == std::string::npos ||
          line.find("libcurl4 ") == std::string::npos) {
        continue;  // the build job installs through scripts/setup
      }
      ++jobs;
      std::set<std::string> installed;
      std::istringstream words(line.substr(line.find("apt-get install")));
      for (std::string word; words >> word;) {
        if (word.rfind("lib", 0) == 0) installed.insert(word);
      }
      EXPECT_EQ(installed, wanted) << file << ": " << line;
    }
    EXPECT_GT(jobs, 0) << file;
  }
}

std::filesystem::path empty_reports_folder(const std::string& prefix) {
  auto reports = std::filesystem::temp_directory_path() / (prefix + std::to_string(getpid()));
  std::filesystem::remove_all(reports);
  return reports;
}

// The job script's variables, as a CI job sets them, against the mock; run from the checkout.
std::string job_environment(const MockProcess& mock, const std::filesystem::path& reports) {
  return "cd " + source("").string() + " && CONFORM=" + CONFORM_BINARY +
         " CONFORM_SPEC=spec/openapi.json CONFORM_TARGET=http://127.0.0.1:" +
         std::to_string(mock.port()) + " CONFORM_TOKEN=" + kRootToken +
         " REPORTS=" + reports.string() + " ";
}

TEST(CiTemplates, TheJobScriptShardsAndMergesAgainstTheMock) {
  MockProcess mock(project_spec());
  auto reports = empty_reports_folder("conform-ci-");
  std::string env = job_environment(mock, reports) + "CONFORM_SEED=5 GTEST_TOTAL_SHARDS=2 ";
  std::string output;
  for (int shard = 0; shard < 2; ++shard) {
    EXPECT_EQ(
        sh(env + "GTEST_SHARD_INDEX=" + std::to_string(shard) + " docs/ci/conformance-job.sh shard",
           &output),
        0)
        << output;
    EXPECT_TRUE(std::filesystem::exists(reports / ("junit-" + std::to_string(shard) + ".xml")));
  }
  EXPECT_EQ(sh(env + "docs/ci/conformance-job.sh merge", &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("PASSED: "));
  std::string merged = read_file(reports / "junit.xml");
  EXPECT_THAT(merged, HasSubstr("</testsuites>"));
  EXPECT_THAT(read_file(reports / "conformance.html"), HasSubstr("id=\"verdict\">PASSED<"));
  // The shards' coverage, united: every selected operation of both shards.
  EXPECT_THAT(read_file(reports / "coverage.json"),
              HasSubstr("\"format\": \"conform-coverage/1\""));
  // Both shards' tests, each once.
  auto count = [&](const std::string& text) {
    int n = 0;
    for (auto at = text.find("<testcase "); at != std::string::npos;
         at = text.find("<testcase ", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count(merged),
            count(read_file(reports / "junit-0.xml")) + count(read_file(reports / "junit-1.xml")));
  std::filesystem::remove_all(reports);
}

TEST(CiTemplates, AFailingShardMakesTheMergeFail) {
  MockProcess mock(project_spec(), {"--fault", "server_error"});
  auto reports = empty_reports_folder("conform-ci-red-");
  std::string env = job_environment(mock, reports);
  std::string output;
  EXPECT_EQ(sh(env + "docs/ci/conformance-job.sh shard", &output), 1) << output;
  EXPECT_EQ(sh(env + "docs/ci/conformance-job.sh merge", &output), 1) << output;
  EXPECT_THAT(output, HasSubstr("not_a_server_error"));
  EXPECT_EQ(sh(std::string(CONFORM_BINARY) + " merge " + (reports / "nothing.json").string()), 2);
  std::filesystem::remove_all(reports);
}

}  // namespace
}  // namespace conform::test
