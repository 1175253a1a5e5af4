#include "conform/report/baseline.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "conform/core/error.hpp"

namespace conform::report {
namespace {

using ::testing::HasSubstr;

engine::FailureRecord found(std::string check, std::string pointer, int status,
                            std::string message) {
  return {.check = std::move(check),
          .message = std::move(message),
          .pointer = std::move(pointer),
          .status = status};
}

TestRecord tested(std::string suite, std::string name, std::vector<engine::FailureRecord> found,
                  int sent = 10) {
  TestRecord t{std::move(suite), std::move(name), {}};
  t.result.failures = std::move(found);
  t.result.sent = sent;
  return t;
}

std::filesystem::path temporary(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("conform-baseline-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path;
}

core::Diagnostic error_of(const std::filesystem::path& file, bool missing_is_empty = false) {
  try {
    load_baseline(file, missing_is_empty);
  } catch (const core::Error& e) {
    return e.diagnostic();
  }
  ADD_FAILURE() << "no error for " << file;
  return {};
}

// Matched by operation, check, pointer and status: a value the case carried does not matter, and
// each of the four does.
TEST(Baseline, KnownFailuresAreSetAsideAndTheRestStayNew) {
  Baseline baseline{{{.operation = "getItem",
                      .check = "response_schema_conformance",
                      .pointer = "/id",
                      .status = 200}}};
  TestRecord t = tested("getItem", "fuzzing",
                        {found("response_schema_conformance", "/id", 200, "got string \"a\""),
                         found("response_schema_conformance", "/id", 200, "got string \"b\""),
                         found("response_schema_conformance", "/id", 201, "another status"),
                         found("response_schema_conformance", "/name", 200, "another pointer"),
                         found("not_a_server_error", "/id", 200, "another check")});
  TestRecord other = tested("listItems", "fuzzing",
                            {found("response_schema_conformance", "/id", 200, "another op")});
  set_aside_known(t, baseline);
  set_aside_known(other, baseline);
  ASSERT_EQ(t.result.known.size(), 2u);
  EXPECT_EQ(t.result.known[1].message, "got string \"b\"");
  ASSERT_EQ(t.result.failures.size(), 3u);
  EXPECT_EQ(t.result.failures[0].message, "another status");
  EXPECT_EQ(other.result.failures.size(), 1u);
}

// Fixed: known to the baseline, not found again by a run that tested its operation. An operation
// the run did not test says nothing either way.
TEST(Baseline, FixedOnlyWhereTheOperationWasTested) {
  Baseline baseline{{{.operation = "getItem", .check = "c", .pointer = "/a", .status = 200},
                     {.operation = "getItem", .check = "c", .pointer = "/b", .status = 200},
                     {.operation = "notRun", .check = "c", .pointer = "", .status = 500},
                     {.operation = "sentNothing", .check = "c", .pointer = "", .status = 500}}};
  RunResults results;
  results.tests = {tested("getItem", "fuzzing", {found("c", "/a", 200, "still")}),
                   tested("sentNothing", "fuzzing", {}, 0)};
  apply_baseline(results, baseline);
  EXPECT_TRUE(results.baselined);
  EXPECT_EQ(results.failures(), 0);
  EXPECT_EQ(results.known(), 1);
  ASSERT_EQ(results.fixed.size(), 1u);
  EXPECT_EQ(results.fixed[0].pointer, "/b");
}

// What --baseline-update writes reads back as the same baseline: one entry per group, sorted.
TEST(Baseline, WrittenAndReadBack) {
  RunResults results;
  results.tests = {
      tested("b", "fuzzing", {found("c", "/x", 200, "one"), found("c", "/x", 200, "two")}),
      tested("a", "examples", {found("c", "", 500, "three")})};
  results.tests[0].result.known.push_back(found("k", "/y", 404, "known before"));
  Baseline written = baseline_of(results);
  ASSERT_EQ(written.failures.size(), 3u);
  EXPECT_EQ(written.failures[0].operation, "a");
  EXPECT_EQ(written.failures[1].check, "c");
  EXPECT_EQ(written.failures[1].example, "one");
  EXPECT_EQ(written.failures[2].check, "k");
  auto file = temporary("round-trip.json", baseline_text(written, "api.yaml"));
  Baseline read = load_baseline(file);
  std::filesystem::remove(file);
  ASSERT_EQ(read.failures.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(read.failures[i].operation, written.failures[i].operation);
    EXPECT_EQ(read.failures[i].pointer, written.failures[i].pointer);
    EXPECT_EQ(read.failures[i].status, written.failures[i].status);
  }
}

TEST(Baseline, ABadFileIsAnErrorWithWhere) {
  auto missing = std::filesystem::temp_directory_path() / "conform-no-such-baseline.json";
  EXPECT_EQ(error_of(missing).code, "baseline.missing");
  EXPECT_TRUE(load_baseline(missing, true).failures.empty());
  auto not_json = temporary("not-json", "{");
  EXPECT_EQ(error_of(not_json).code, "baseline.syntax");
  auto results_file = temporary("results", R"({"spec": "a.yaml", "tests": []})");
  EXPECT_EQ(error_of(results_file).pointer, "/format");
  auto bad_entry =
      temporary("bad-entry",
                R"({"format": "conform-baseline/1", "failures": [{"operation": "a", "check": "c",
          "pointer": "", "status": 200}, {"operation": "a", "check": "c", "status": "200"}]})");
  core::Diagnostic diagnostic = error_of(bad_entry);
  EXPECT_EQ(diagnostic.pointer, "/failures/1");
  EXPECT_THAT(diagnostic.message, HasSubstr("\"status\" (an integer)"));
  EXPECT_EQ(error_of(std::filesystem::temp_directory_path()).code, "baseline.unreadable");
  for (const auto& file : {not_json, results_file, bad_entry}) std::filesystem::remove(file);
}

}  // namespace
}  // namespace conform::report
