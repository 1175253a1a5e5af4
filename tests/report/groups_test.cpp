#include "conform/report/groups.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conform::report {
namespace {

engine::FailureRecord failure(std::string check, std::string pointer, int status,
                              std::string message, std::string reason = {},
                              std::string schema = {}) {
  return {.check = std::move(check),
          .message = std::move(message),
          .pointer = std::move(pointer),
          .status = status,
          .reason = std::move(reason),
          .schema_location = std::move(schema)};
}

TestRecord test(std::string suite, std::string name, std::vector<engine::FailureRecord> found) {
  TestRecord t{std::move(suite), std::move(name), {}};
  t.result.failures = std::move(found);
  return t;
}

// A group is one operation, check, pointer, status and reason: the value a case happened to
// carry does not split it, and any of the five does.
TEST(GroupFailures, KeyIsOperationCheckPointerStatusAndReason) {
  RunResults results;
  const std::string schema = "a.yaml#/components/schemas/Item/properties/id/type";
  results.tests = {
      test("getItem", "examples",
           {failure("response_schema_conformance", "/id", 200, "got string \"a\"",
                    "expected integer, got string", schema)}),
      test("getItem", "fuzzing",
           {failure("response_schema_conformance", "/id", 200, "got string \"b\"",
                    "expected integer, got string", schema),
            failure("response_schema_conformance", "/id", 201, "got string \"c\"",
                    "expected integer, got string", schema),
            failure("response_schema_conformance", "/name", 200, "x", "another reason"),
            failure("not_a_server_error", "", 500, "the server answered 500")}),
      test("listItems", "fuzzing",
           {failure("response_schema_conformance", "/0/id", 200, "got string \"d\"",
                    "expected integer, got string", schema)}),
  };
  std::vector<FailureGroup> groups = group_failures(results);
  ASSERT_EQ(groups.size(), 5u);
  EXPECT_EQ(groups[0].failures.size(), 2u);
  EXPECT_EQ(groups[0].tests(), "examples, fuzzing");
  EXPECT_EQ(groups[0].reason, "expected integer, got string");
  EXPECT_EQ(groups[1].status, 201);
  EXPECT_EQ(groups[3].reason, "the server answered 500");  // no reason: the message
  EXPECT_EQ(groups[4].suite, "listItems");

  // Causes: the same keyword of a shared schema is one cause, whatever the operation, status or
  // pointer; a failure without a schema keyword is its own.
  std::vector<FailureCause> causes = causes_of(groups);
  ASSERT_EQ(causes.size(), 3u);
  EXPECT_EQ(causes[0].groups.size(), 3u);
  EXPECT_EQ(causes[0].failures(), 4);
  EXPECT_EQ(causes[1].groups.front()->pointer, "/name");
  EXPECT_EQ(causes[2].groups.front()->check, "not_a_server_error");
}

// Without a schema keyword, operations share a cause only at the same pointer.
TEST(GroupFailures, CausesWithoutASchemaNeedTheSamePointer) {
  RunResults results;
  results.tests = {test("a", "fuzzing", {failure("c", "/x", 500, "m")}),
                   test("b", "fuzzing", {failure("c", "/x", 502, "m")}),
                   test("c", "fuzzing", {failure("c", "/y", 500, "m")})};
  std::vector<FailureGroup> groups = group_failures(results);
  ASSERT_EQ(groups.size(), 3u);
  std::vector<FailureCause> causes = causes_of(groups);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].groups.size(), 2u);
}

}  // namespace
}  // namespace conform::report
