// End to end: the real `conform` program, as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

namespace {

using ::testing::HasSubstr;

struct Result {
  int exit_code;
  std::string output;  // stdout and stderr together
};

Result conform(const std::string& arguments) {
  std::string command = std::string(CONFORM_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string data(const char* name) { return conform::test::data(name).string(); }

TEST(ConformLint, CleanProjectSpecExitsZero) {
  Result run = conform("lint --spec " + conform::test::source("spec/openapi.json").string());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("0 errors, 0 warnings"));
}

TEST(ConformLint, FindingsExitOneWithOneLinePerFinding) {
  Result run = conform("lint --spec " + data("lint-findings.yaml"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("lint-findings.yaml#/paths/~1a~1{id}/get/responses/200/content/"
                                    "application~1json/example: error [example.invalid]"));
}

TEST(ConformLint, JsonFormatIsMachineReadable) {
  Result run = conform("lint --format json --spec " + data("lint-findings.yaml") + " 2>/dev/null");
  EXPECT_EQ(run.exit_code, 1);
  auto report = nlohmann::json::parse(run.output);
  EXPECT_GT(report["errors"].get<int>(), 3);
  EXPECT_EQ(report["findings"][0].count("pointer"), 1u);
}

TEST(ConformLint, BadDocumentsExitTwoNamingTheProblem) {
  struct Case {
    const char* file;
    const char* says;
  };
  for (Case c : {Case{"broken/invalid.json", "invalid JSON at line 3"},
                 Case{"broken/invalid.yaml", "invalid YAML at line 4"},
                 Case{"broken/not-openapi.json", "no 'openapi' field"},
                 Case{"broken/swagger2.json", "Swagger 2.0"},
                 Case{"broken/does-not-exist.json", "no such file"}}) {
    Result run = conform("lint --spec " + data(c.file));
    EXPECT_EQ(run.exit_code, 2) << c.file << ": " << run.output;
    EXPECT_THAT(run.output, HasSubstr(c.says)) << c.file;
    EXPECT_THAT(run.output, HasSubstr(c.file)) << c.file;
  }
}

TEST(ConformLint, DanglingReferenceIsAFindingWithItsPointer) {
  Result run = conform("lint --spec " + data("broken/dangling-ref.yaml"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("#/paths/~1a/get/responses/200: error [ref.unresolved]"));
}

TEST(ConformLint, UsageErrorsExitTwo) {
  EXPECT_EQ(conform("lint").exit_code, 2);
  EXPECT_EQ(conform("frobnicate").exit_code, 2);
  EXPECT_EQ(conform("lint --spec x --format xml").exit_code, 2);
  EXPECT_EQ(conform("--help").exit_code, 0);
}

TEST(ConformLint, VersionNamesTheProgram) {
  Result run = conform("--version");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("conform 0.1.0"));
}

TEST(ConformLint, EveryCorpusDocumentGetsAVerdict) {
  auto root = conform::test::shared("corpus/openapi/real");
  CONFORM_REQUIRE_SHARED(root);
  for (const char* doc : {"swagger-petstore/openapi.yaml", "spotify/fixed-spotify-open-api.yml",
                          "box/openapi.json", "redocly-cafe/openapi/openapi.yaml"}) {
    Result run = conform("lint --spec " + (root / doc).string() + " >/dev/null");
    EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << doc << ": " << run.output;
  }
}

}  // namespace
