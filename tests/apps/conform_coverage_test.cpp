// End to end: the schema coverage a run measures, in its JSON file, its HTML report and on the
// console; --fail-under-coverage as a gate; `conform merge` of two parts of one run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;

std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("conform-coverage-" + std::to_string(getpid()) + "-" + name);
}

ShellResult run(const MockProcess& mock, const std::string& extra) {
  return shell("CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec " +
               project_spec() + " --target http://127.0.0.1:" + std::to_string(mock.port()) +
               " --seed 7 --max-examples 20 " + extra);
}

TEST(ConformCoverage, TheRunWritesItsCoverageEverywhereAndGatesOnIt) {
  MockProcess mock(project_spec());
  auto file = temp("run.json");
  auto html = temp("run.html");
  auto junit = temp("run.xml");
  ShellResult passed = run(mock, "--coverage " + file.string() + " --html " + html.string() +
                                     " --fail-under-coverage 1");
  EXPECT_EQ(passed.exit_code, 0) << passed.output;
  EXPECT_THAT(passed.output, HasSubstr("Schema coverage: "));
  EXPECT_THAT(passed.output, HasSubstr("Coverage report: " + file.string()));
  auto coverage = nlohmann::json::parse(read_file(file));
  EXPECT_EQ(coverage["format"], "conform-coverage/1");
  EXPECT_EQ(coverage["operations"].size(), 15u);
  // The coverage phase exercises every location of this description both ways.
  EXPECT_EQ(coverage["summary"]["percent"], 100.0);
  for (const auto& op : coverage["operations"]) {
    EXPECT_TRUE(op["not_covered_valid"].empty()) << op.dump();
    EXPECT_TRUE(op["not_covered_invalid"].empty()) << op.dump();
  }
  // A valid key reached body /ssh_key: the location is counted, and covered that way.
  bool seen = false;
  for (const auto& op : coverage["operations"]) {
    if (op["operation"] != "createSshKey") continue;
    seen = true;
    EXPECT_GT(op["keyword_locations"].get<int>(), 0);
    for (const auto& l : op["not_covered_valid"]) EXPECT_NE(l, "body /ssh_key: type");
    EXPECT_GT(op["statuses"]["observed"].size(), 0u);
  }
  EXPECT_TRUE(seen);
  EXPECT_THAT(read_file(html), HasSubstr("<section id=\"coverage\">"));

  ShellResult gated =
      run(mock, "--fail-under-coverage 99.9 --phases examples --junit " + junit.string());
  EXPECT_EQ(gated.exit_code, 1) << gated.output;
  EXPECT_THAT(gated.output, HasSubstr("is under the required 99.9%"));
  EXPECT_THAT(read_file(junit), HasSubstr("<failure type=\"schema_coverage\""));
  for (const auto& f : {file, html, junit}) std::filesystem::remove(f);
}

TEST(ConformCoverage, MergeUnitesTheParts) {
  MockProcess mock(project_spec());
  auto first = temp("first.json");
  auto second = temp("second.json");
  auto merged = temp("merged.json");
  ASSERT_EQ(run(mock, "--operation createSshKey --results " + first.string()).exit_code, 0);
  ASSERT_EQ(run(mock, "--operation createEnvVar --results " + second.string()).exit_code, 0);
  ShellResult merging = shell(std::string(CONFORM_BINARY) + " merge " + first.string() + " " +
                              second.string() + " --coverage " + merged.string());
  EXPECT_EQ(merging.exit_code, 0) << merging.output;
  EXPECT_THAT(merging.output, HasSubstr("Schema coverage: "));
  auto coverage = nlohmann::json::parse(read_file(merged));
  ASSERT_EQ(coverage["operations"].size(), 2u);
  EXPECT_GT(coverage["summary"]["valid"].get<int>(), 0);
  for (const auto& f : {first, second, merged}) std::filesystem::remove(f);
}

}  // namespace
}  // namespace conform::test
