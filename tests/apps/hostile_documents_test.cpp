// Hostile descriptions (fuzz/corpus/document_*/hostile-*: nesting, reference cycles and chains,
// multipleOf 0, numbers beyond a double, patterns that explode, alias bombs, a device as a
// reference, bytes that are not UTF-8) through every command that reads a description: each ends
// with an exit code of the contract and a message naming the file, never a signal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform {
namespace {

using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::HasSubstr;

std::vector<std::filesystem::path> hostile_documents() {
  std::vector<std::filesystem::path> out;
  for (const char* folder : {"fuzz/corpus/document_json", "fuzz/corpus/document_yaml"}) {
    for (const auto& entry : std::filesystem::directory_iterator(test::source(folder))) {
      if (entry.path().filename().string().rfind("hostile-", 0) == 0) out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class HostileDocument : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(HostileDocument, EveryCommandEndsWithAContractExitCode) {
  const std::string file = GetParam().string();
  const std::string name = GetParam().filename().string();
  test::ShellResult lint = test::shell(std::string(CONFORM_BINARY) + " lint --spec " + file);
  // 0 where the document is valid and only conform's caps apply: a note says so.
  EXPECT_THAT(lint.exit_code, AnyOf(Eq(0), Eq(1), Eq(2))) << lint.output;
  EXPECT_THAT(lint.output, HasSubstr(name));
  if (lint.exit_code == 0) {
    EXPECT_THAT(lint.output, HasSubstr("cap")) << lint.output;
  }
  test::ShellResult json =
      test::shell(std::string(CONFORM_BINARY) + " lint --format json --spec " + file);
  EXPECT_EQ(json.exit_code, lint.exit_code) << json.output;
  test::ShellResult plan = test::shell(std::string(CONFORM_BINARY) + " run --dry-run --spec " +
                                       file + " --target http://127.0.0.1:9");
  EXPECT_THAT(plan.exit_code, AnyOf(Eq(0), Eq(2))) << plan.output;
  if (plan.exit_code == 2) {
    EXPECT_THAT(plan.output, HasSubstr(name));
  }
  // The mock refuses what run refuses, or serves, and answers a request to the hostile operation.
  auto log = std::filesystem::temp_directory_path() /
             ("conform-hostile-mock-" + std::to_string(::getpid()) + ".log");
  test::ShellResult mock = test::shell(
      std::string(CONFORM_BINARY) + " mock --port 0 --spec " + file + " >" + log.string() +
      " 2>&1 & pid=$!; for i in $(seq 50); do grep -q 'http://' " + log.string() +
      " && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done; "
      "port=$(sed -n 's|.*http://127.0.0.1:\\([0-9]*\\).*|\\1|p' " +
      log.string() +
      "); if [ -n \"$port\" ]; then curl -s -o /dev/null -w 'status %{http_code}\\n' -m 20 "
      "-X POST -H 'Content-Type: application/json' --data '{}' http://127.0.0.1:$port/t; "
      "kill $pid; fi; wait $pid; echo \"mock exit $?\"; cat " +
      log.string());
  std::filesystem::remove(log);
  EXPECT_THAT(mock.output, ::testing::ContainsRegex("mock exit (0|2)\\b")) << mock.output;
  if (mock.output.find("mock exit 0") != std::string::npos) {
    EXPECT_THAT(mock.output, ::testing::ContainsRegex("status [1-5][0-9][0-9]")) << mock.output;
  }
}

std::string test_name(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string() + "_" + info.param.extension().string().substr(1);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, HostileDocument, ::testing::ValuesIn(hostile_documents()),
                         test_name);

// Real descriptions with bytes flipped, bytes that are not UTF-8, or cut short: lint refuses or
// reports, never crashes and never says "internal error".
TEST(HostileDocument, DamagedRealDescriptionsAreReportedNotCrashedOn) {
  CONFORM_REQUIRE_SHARED(test::shared("reference/vast/openapi.yaml"));
  std::mt19937 random(14);
  auto folder =
      std::filesystem::temp_directory_path() / ("conform-damaged-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  int damaged = 0;
  for (const std::string& name : {std::string("reference/vast/openapi.yaml"),
                                  std::string("reference/vast/openapi-generated-2026-05.json")}) {
    std::ifstream in(test::shared(name), std::ios::binary);
    std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int i = 0; i < 12; ++i) {
      std::string text = original;
      auto at = [&] {
        return std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(random);
      };
      if (i % 3 == 0) {
        for (int flip = 0; flip < 5; ++flip) text[at()] = static_cast<char>(random() & 0xFF);
      } else if (i % 3 == 1) {
        text.resize(at());
      } else {
        text[at()] = static_cast<char>(0xC3);  // a lead byte without its continuation
      }
      auto file =
          folder / (std::to_string(i) + "-" + std::filesystem::path(name).filename().string());
      std::ofstream(file, std::ios::binary) << text;
      test::ShellResult lint =
          test::shell(std::string(CONFORM_BINARY) + " lint --spec " + file.string());
      EXPECT_THAT(lint.exit_code, AnyOf(Eq(0), Eq(1), Eq(2))) << file << "\n" << lint.output;
      EXPECT_THAT(lint.output, ::testing::Not(HasSubstr("internal error"))) << file;
      ++damaged;
    }
  }
  std::filesystem::remove_all(folder);
  EXPECT_EQ(damaged, 24);
}

}  // namespace
}  // namespace conform
