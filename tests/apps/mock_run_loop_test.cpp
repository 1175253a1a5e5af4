// The loop: `conform mock` of a description, `conform run` of the same description against it,
// for every description the project has and every one in the shared corpus. A correct mock of a
// description and a run that holds it only to that description meet with no failure, so every
// failure is either a finding of the document itself or conform's own defect. The findings that
// remain are listed, each with its reason, in tests/data/loop_expectations.json; anything else
// fails, and so does a listed finding that no longer happens (the list is kept true).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

const nlohmann::json& expectations() {
  static const nlohmann::json all = [] {
    std::ifstream in(data("loop_expectations.json"));
    return nlohmann::json::parse(in);
  }();
  return all;
}

std::vector<std::string> description_names() {
  std::vector<std::string> names;
  for (const auto& d : expectations().at("descriptions")) names.push_back(d.at("name"));
  return names;
}

class MockRunLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(MockRunLoop, FailsOnlyWhereTheDocumentItselfIsAtFault) {
  const nlohmann::json* entry = nullptr;
  for (const auto& d : expectations().at("descriptions")) {
    if (d.at("name") == GetParam()) entry = &d;
  }
  ASSERT_NE(entry, nullptr);
  const std::filesystem::path spec = place(entry->at("path"));
  CONFORM_REQUIRE_SHARED(spec);
#if defined(__SANITIZE_ADDRESS__)
  if (entry->value("large", false)) {
    GTEST_SKIP() << GetParam() << " is large: its loop runs in the optimised build; under the "
                 << "sanitizers it takes minutes, and the smaller descriptions cover the same code";
  }
#endif

  const auto& settings = expectations().at("run");
  auto results = std::filesystem::temp_directory_path() /
                 ("conform-loop-" + GetParam() + "-" + std::to_string(getpid()) + ".json");
  std::string run_command = "CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec '" +
                            spec.string() + "' --seed " +
                            std::to_string(settings.at("seed").get<int>()) + " --max-examples " +
                            std::to_string(settings.at("max_examples").get<int>()) +
                            " -q --no-color --results " + results.string() + " --target ";

  if (entry->contains("refused")) {
    // A description conform refuses (exit 2) is refused by the mock too, with the reason given.
    ShellResult mock =
        shell(std::string(CONFORM_BINARY) + " mock --port 0 --spec '" + spec.string() + "'");
    EXPECT_EQ(mock.exit_code, 2) << mock.output;
    EXPECT_THAT(mock.output, ::testing::HasSubstr(entry->at("refused").get<std::string>()));
    return;
  }

  MockProcess mock(spec.string());
  ShellResult ran = shell(run_command + "http://127.0.0.1:" + std::to_string(mock.port()));
  ASSERT_TRUE(std::filesystem::exists(results)) << ran.output;
  nlohmann::json report;
  {
    std::ifstream in(results);
    report = nlohmann::json::parse(in);
  }
  std::filesystem::remove(results);

  std::map<std::pair<std::string, std::string>, std::string> expected;  // (operation, check)
  std::set<std::pair<std::string, std::string>> at_scale;  // seen only with more examples
  for (const auto& f : entry->value("findings", nlohmann::json::array())) {
    expected[{f.at("operation"), f.at("check")}] = f.at("reason");
    if (f.value("at_scale", false)) {
      at_scale.emplace(f.at("operation").get<std::string>(), f.at("check").get<std::string>());
    }
  }
  std::set<std::pair<std::string, std::string>> seen;
  std::ostringstream unexpected;
  for (const auto& test : report.at("tests")) {
    for (const char* kind : {"failures", "errors"}) {
      for (const auto& f : test.at(kind)) {
        std::pair<std::string, std::string> key{test.at("operation"), f.at("check")};
        seen.insert(key);
        if (!expected.contains(key)) {
          unexpected << "\n  " << key.first << "." << test.at("phase").get<std::string>() << " "
                     << key.second << ": " << f.at("message").get<std::string>() << "\n    "
                     << f.at("curl").get<std::string>().substr(0, 400);
        }
      }
    }
  }
  EXPECT_TRUE(unexpected.str().empty())
      << GetParam() << ": failures that are not findings of the document:" << unexpected.str();
  for (const auto& [key, reason] : expected) {
    if (at_scale.contains(key)) continue;  // bench/mock-run-loop meets it; this small run may not
    EXPECT_TRUE(seen.contains(key))
        << GetParam() << ": the listed finding " << key.first << " " << key.second << " (" << reason
        << ") no longer happens: take it off the list";
  }
  EXPECT_EQ(ran.exit_code, seen.empty() ? 0 : 1) << ran.output.substr(0, 4000);
}

INSTANTIATE_TEST_SUITE_P(Descriptions, MockRunLoop, ::testing::ValuesIn(description_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace conform::test
