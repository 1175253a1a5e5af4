#include "conform/mock/request_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/paths.hpp"

namespace conform::mock {
namespace {

struct Fixture {
  spec::Spec spec = spec::Spec::load(test::data("features-3.0.yaml"));
  schema::SpecSchemas schemas{spec};
  const spec::Operation& get = *spec.find_operation("getItem");
  const spec::Operation& put = *spec.find_operation("PUT /items/{id}");
};

std::vector<std::string> wheres(const std::vector<RequestProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.where);
  return out;
}

TEST(RequestCheck, AcceptsAConformingRequest) {
  Fixture f;
  IncomingRequest request;
  request.path_values = {{"id", "abc"}};
  request.query = {{"verbose", "3"}};
  request.headers = {{"x-trace", "123e4567-e89b-12d3-a456-426614174000"}};
  EXPECT_TRUE(check_request(f.get, f.schemas, request).problems.empty());
}

TEST(RequestCheck, NamesMissingAndMistypedParameters) {
  Fixture f;
  IncomingRequest missing;
  missing.path_values = {{"id", "abc"}};
  EXPECT_THAT(wheres(check_request(f.get, f.schemas, missing).problems),
              ::testing::ElementsAre("query parameter 'verbose'"));
  IncomingRequest mistyped;
  mistyped.path_values = {{"id", "abc"}};
  mistyped.query = {{"verbose", "lots"}};
  mistyped.headers = {{"x-trace", "not-a-uuid"}};
  EXPECT_THAT(
      wheres(check_request(f.get, f.schemas, mistyped).problems),
      ::testing::UnorderedElementsAre("query parameter 'verbose'", "header parameter 'X-Trace'"));
}

TEST(RequestCheck, ChecksBodyPresenceMediaTypeSyntaxAndSchema) {
  Fixture f;
  IncomingRequest request;
  request.path_values = {{"id", "abc"}};
  EXPECT_THAT(wheres(check_request(f.put, f.schemas, request).problems),
              ::testing::ElementsAre("body"));
  request.body = R"({"name": "n", "secret": "s"})";
  request.content_type = "text/plain";
  EXPECT_THAT(wheres(check_request(f.put, f.schemas, request).problems),
              ::testing::ElementsAre("header 'Content-Type'"));
  request.content_type = "application/json; charset=utf-8";
  EXPECT_TRUE(check_request(f.put, f.schemas, request).problems.empty());
  request.body = R"({"name": "n",)";
  EXPECT_THAT(check_request(f.put, f.schemas, request).problems[0].message,
              ::testing::HasSubstr("JSON"));
  request.body = R"({"name": "far too long a name", "secret": "s", "id": "read-only"})";
  EXPECT_THAT(wheres(check_request(f.put, f.schemas, request).problems),
              ::testing::IsSupersetOf({"body /name"}));
}

TEST(RequestCheck, ReadsFormArraysRepeatedOrCommaSeparated) {
  auto path = std::filesystem::temp_directory_path() / "conform-request-check.yaml";
  std::ofstream(path) << R"(openapi: 3.1.0
info: {title: r, version: "1"}
paths:
  /search:
    get:
      operationId: search
      parameters:
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}, maxItems: 3}}
      responses: {"200": {description: ok}}
)";
  spec::Spec spec = spec::Spec::load(path);
  schema::SpecSchemas schemas(spec);
  const auto& op = *spec.find_operation("search");
  IncomingRequest good;
  good.query = {{"ids", "1,2,3"}};
  EXPECT_TRUE(check_request(op, schemas, good).problems.empty());
  IncomingRequest too_many;
  too_many.query = {{"ids", "1,2,3,4"}};
  EXPECT_EQ(check_request(op, schemas, too_many).problems.size(), 1u);
  IncomingRequest not_integers;
  not_integers.query = {{"ids", "1,x"}};
  EXPECT_EQ(wheres(check_request(op, schemas, not_integers).problems),
            std::vector<std::string>{"query parameter 'ids' /1"});
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace conform::mock
