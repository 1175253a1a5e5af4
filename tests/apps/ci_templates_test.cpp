// The CI templates' commands, run here against the mock: two shards, then the merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
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
