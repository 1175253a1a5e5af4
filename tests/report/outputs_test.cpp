#include "conform/report/outputs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/paths.hpp"

namespace conform::report {
namespace {

using ::testing::HasSubstr;

RunResults one_failure() {
  RunResults results;
  results.spec_file = "spec/openapi.json";
  results.target = "http://127.0.0.1:9";
  results.seed = 3;
  engine::PhaseResult failing;
  failing.operation_id = "listPets";
  failing.phase = "fuzzing";
  failing.sent = 2;
  failing.failures.push_back({.check = "not_a_server_error", .message = "answered 500"});
  results.tests = {{"listPets", "fuzzing", failing}};
  return results;
}

TEST(Outputs, EachRowWritesItsFormatWhereAsked) {
  auto directory =
      std::filesystem::temp_directory_path() / ("conform-outputs-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  std::map<std::string, std::string> paths;
  for (const Output& output : outputs()) {
    paths[output.name] = (directory / output.name).string();
  }
  paths["html"].clear();  // not asked for
  write_outputs(one_failure(), paths);
  EXPECT_THAT(test::read_file(directory / "junit"), HasSubstr("<failure"));
  EXPECT_FALSE(std::filesystem::exists(directory / "html"));
  auto again = results_from_json(nlohmann::json::parse(test::read_file(directory / "results")));
  ASSERT_EQ(again.tests.size(), 1u);
  EXPECT_EQ(again.tests[0].result.failures[0].message, "answered 500");

  std::ostringstream said;
  announce_outputs(paths, said);
  EXPECT_EQ(said.str(), "JUnit report: " + (directory / "junit").string() +
                            "\nCoverage report: " + (directory / "coverage").string() + "\n");
  EXPECT_EQ(nlohmann::json::parse(test::read_file(directory / "coverage"))["format"],
            "conform-coverage/1");
  std::filesystem::remove_all(directory);
}

TEST(Outputs, NamesAreOptionsAndEveryRowRenders) {
  std::set<std::string> names;
  for (const Output& output : outputs()) {
    EXPECT_TRUE(names.insert(output.name).second) << output.name;
    EXPECT_EQ(output.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string::npos);
    EXPECT_FALSE(output.description.empty());
    EXPECT_FALSE(output.render(one_failure()).empty()) << output.name;
  }
  EXPECT_TRUE(names.contains("junit"));
}

}  // namespace
}  // namespace conform::report
