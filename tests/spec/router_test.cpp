#include "conform/spec/router.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/paths.hpp"

namespace conform::spec {
namespace {

const spec::Spec& project() {
  static const spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  return spec;
}

TEST(Router, FindsOperationsAndPathValues) {
  Router router(project());
  Route route = router.route("DELETE", "/api/v0/auth/apikeys/42/");
  ASSERT_EQ(route.outcome, Route::Outcome::found);
  EXPECT_EQ(route.operation->operation_id, "deleteApiKey");
  EXPECT_EQ(route.path_values.at("id"), "42");
  EXPECT_EQ(router.route("put", "/api/v0/instances/request_logs/1227/").operation->operation_id,
            "requestInstanceLogs");
}

TEST(Router, ToleratesAMissingOrExtraTrailingSlash) {
  Router router(project());
  EXPECT_EQ(router.route("GET", "/api/v0/auth/apikeys").operation->operation_id, "listApiKeys");
  EXPECT_EQ(router.route("GET", "/api/v0/auth/apikeys/").operation->operation_id, "listApiKeys");
}

TEST(Router, UnknownPathsAndMethodsAreTold) {
  Router router(project());
  EXPECT_EQ(router.route("GET", "/api/v0/nothing/").outcome, Route::Outcome::no_such_path);
  Route wrong = router.route("PATCH", "/api/v0/auth/apikeys/");
  EXPECT_EQ(wrong.outcome, Route::Outcome::method_not_allowed);
  EXPECT_THAT(wrong.allowed_methods, ::testing::UnorderedElementsAre("GET", "POST"));
  // An empty path parameter does not match.
  EXPECT_EQ(router.route("DELETE", "/api/v0/auth/apikeys//").outcome, Route::Outcome::no_such_path);
}

TEST(Router, ConcreteSegmentsWinAndParametersArePercentDecoded) {
  auto path = std::filesystem::temp_directory_path() / "conform-router-test.yaml";
  std::ofstream(path) << R"(openapi: 3.1.0
info: {title: r, version: "1"}
paths:
  /users/{id}:
    get: {operationId: byId, responses: {"200": {description: ok}}}
  /users/current:
    get: {operationId: current, responses: {"200": {description: ok}}}
  /files/{name}.{ext}:
    get: {operationId: file, responses: {"200": {description: ok}}}
)";
  spec::Spec spec = spec::Spec::load(path);
  Router router(spec);
  EXPECT_EQ(router.route("GET", "/users/current").operation->operation_id, "current");
  Route by_id = router.route("GET", "/users/a%20b");
  EXPECT_EQ(by_id.operation->operation_id, "byId");
  EXPECT_EQ(by_id.path_values.at("id"), "a b");
  Route file = router.route("GET", "/files/report.v2.pdf");
  ASSERT_EQ(file.outcome, Route::Outcome::found);
  EXPECT_EQ(file.path_values.at("name"), "report");
  EXPECT_EQ(file.path_values.at("ext"), "v2.pdf");
  std::filesystem::remove(path);
}

TEST(Router, RoutesEveryOperationOfTheVastDescription) {
  auto path = test::shared("reference/vast/openapi-generated-2026-05.json");
  CONFORM_REQUIRE_SHARED(path);
  spec::Spec spec = spec::Spec::load(path);
  Router router(spec);
  for (const auto& op : spec.operations()) {
    std::string concrete;
    for (std::size_t i = 0; i < op.path.size(); ++i) {
      if (op.path[i] == '{') {
        concrete += "7";
        i = op.path.find('}', i);
      } else {
        concrete += op.path[i];
      }
    }
    Route route = router.route(op.method, concrete);
    ASSERT_EQ(route.outcome, Route::Outcome::found) << op.method << " " << concrete;
    // A concrete path may legitimately belong to a more concrete template; the method must agree.
    EXPECT_EQ(route.operation->method, op.method);
  }
}

}  // namespace
}  // namespace conform::spec

namespace conform::spec {
namespace {

TEST(PathBelowBase, TakesTheBasePathOffOnlyAtASegmentBoundary) {
  EXPECT_EQ(path_below_base("/v1/things", "/v1"), "/things");
  EXPECT_EQ(path_below_base("/v1", "/v1"), "/");
  EXPECT_EQ(path_below_base("/v10/things", "/v1"), "/v10/things");
  EXPECT_EQ(path_below_base("/things", "/v1"), "/things");
  EXPECT_EQ(path_below_base("/things", ""), "/things");
}

}  // namespace
}  // namespace conform::spec
