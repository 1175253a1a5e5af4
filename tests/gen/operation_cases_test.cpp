#include "conform/gen/operation_cases.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "conform/gen/values.hpp"
#include "support/paths.hpp"

namespace conform::gen {
namespace {

struct Fixture {
  spec::Spec spec;
  schema::SpecSchemas schemas;
  explicit Fixture(const std::filesystem::path& path)
      : spec(spec::Spec::load(path)), schemas(spec) {}
};

TEST(OperationCases, PositiveRequestsCarryValidBodiesAndRequiredParameters) {
  Fixture f(test::source("spec/openapi.json"));
  const spec::Operation* create = f.spec.find_operation("createApiKey");
  ASSERT_NE(create, nullptr);
  OperationCases cases(f.spec, f.schemas, *create);
  auto body_schema = *create->request_body->content[0].schema;
  for (const auto& c : sample(cases.positive(), 5, 300)) {
    EXPECT_EQ(c.request.method, "POST");
    EXPECT_EQ(c.request.path, "/api/v0/auth/apikeys/");
    ASSERT_TRUE(c.request.body.has_value());  // the body is required
    EXPECT_EQ(c.request.content_type, "application/json");
    auto violations = f.schemas.validate(body_schema, spec::Direction::request,
                                         nlohmann::json::parse(*c.request.body));
    EXPECT_TRUE(violations.empty()) << *c.request.body;
  }
}

TEST(OperationCases, PathParametersAreFilledAndEncoded) {
  Fixture f(test::source("spec/openapi.json"));
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("deleteApiKey"));
  for (const auto& c : sample(cases.positive(), 9, 100)) {
    EXPECT_THAT(c.request.path, ::testing::MatchesRegex("/api/v0/auth/apikeys/[0-9]+/"));
  }
}

// An empty string is a valid `type: string`, but "/items/" is another path than "/items/{id}".
TEST(OperationCases, PathParametersAreNeverEmptySegments) {
  Fixture f(test::data("features-3.0.yaml"));
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("getItem"));
  for (const auto& c : sample(cases.positive(), 3, 300)) {
    EXPECT_THAT(c.request.path, ::testing::MatchesRegex("/items/.+")) << c.request.path;
  }
  for (const auto& c : cases.examples()) {
    EXPECT_THAT(c.request.path, ::testing::MatchesRegex("/items/.+")) << c.request.path;
  }
}

TEST(OperationCases, NegativeRequestsBreakTheDescriptionInTheWayTheySay) {
  Fixture f(test::source("spec/openapi.json"));
  const spec::Operation* create = f.spec.find_operation("createApiKey");
  OperationCases cases(f.spec, f.schemas, *create);
  auto body_schema = *create->request_body->content[0].schema;
  std::set<std::string> mutations;
  for (const auto& c : sample(cases.negative(), 21, 300)) {
    EXPECT_TRUE(c.negative);
    mutations.insert(c.mutation);
    if (c.mutation == "malformed_body") {
      EXPECT_FALSE(nlohmann::json::accept(*c.request.body));
    } else if (c.mutation == "missing_body") {
      EXPECT_FALSE(c.request.body.has_value());
    } else if (c.mutation == "wrong_content_type") {
      EXPECT_EQ(c.request.content_type, "text/x-conform");
    } else {
      ASSERT_TRUE(c.request.body.has_value()) << c.mutation;
      EXPECT_FALSE(f.schemas.accepts(body_schema, spec::Direction::request,
                                     nlohmann::json::parse(*c.request.body)))
          << c.mutation << " at " << c.where << ": " << *c.request.body;
      EXPECT_THAT(c.where, ::testing::StartsWith("body"));
    }
  }
  EXPECT_THAT(mutations,
              ::testing::IsSupersetOf({"malformed_body", "missing_body", "wrong_content_type",
                                       "missing_required", "wrong_type"}));
}

TEST(OperationCases, NegativeParametersStayNegativeOnceSerialised) {
  Fixture f(test::data("features-3.0.yaml"));
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("getItem"));
  std::set<std::string> mutations;
  for (const auto& c : sample(cases.negative(), 4, 200)) {
    mutations.insert(c.mutation);
    if (c.mutation == "missing_required_parameter") {
      EXPECT_EQ(c.where, "query parameter 'verbose'");
      EXPECT_EQ(c.request.target().find("verbose="), std::string::npos);
    }
    if (c.mutation == "parameter_wrong_type") {
      EXPECT_NE(c.request.target().find("verbose=conform"), std::string::npos)
          << c.request.target();
    }
  }
  EXPECT_THAT(mutations,
              ::testing::IsSupersetOf({"missing_required_parameter", "parameter_wrong_type"}));
}

TEST(OperationCases, ExamplesComeFromTheDocument) {
  Fixture f(test::source("spec/openapi.json"));
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("createApiKey"));
  auto examples = cases.examples();
  std::set<std::string> names;
  for (const auto& example : examples) {
    names.insert(nlohmann::json::parse(*example.request.body)["name"].get<std::string>());
    EXPECT_EQ(example.phase, "examples");
  }
  EXPECT_EQ(names, (std::set<std::string>{"ci-reader", "log-fetcher"}));
}

TEST(OperationCases, CoverageHitsBoundsDeterministically) {
  Fixture f(test::source("spec/openapi.json"));
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("createApiKey"));
  auto first = cases.coverage();
  auto second = cases.coverage();
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].request, second[i].request);
  bool longest_name = std::any_of(first.begin(), first.end(), [](const RequestCase& c) {
    return !c.negative && c.request.body &&
           nlohmann::json::parse(*c.request.body).value("name", "").size() == 128;
  });
  bool too_long = std::any_of(first.begin(), first.end(), [](const RequestCase& c) {
    return c.negative && c.mutation == "too_long";
  });
  EXPECT_TRUE(longest_name);
  EXPECT_TRUE(too_long);
}

TEST(OperationCases, EveryOperationOfTheVastDescriptionsYieldsCases) {
  for (const char* name :
       {"reference/vast/openapi.yaml", "reference/vast/openapi-generated-2026-05.json"}) {
    auto path = test::shared(name);
    CONFORM_REQUIRE_SHARED(path);
    Fixture f(path);
    std::size_t positives = 0;
    std::size_t negatives = 0;
    for (const auto& op : f.spec.operations()) {
      OperationCases cases(f.spec, f.schemas, op);
      positives += sample(cases.positive(), 3, 5).size();
      try {
        negatives += sample(cases.negative(), 3, 3).size();
      } catch (const Unsatisfiable&) {
        // A GET with no parameters has nothing to break.
      }
      cases.coverage();
      cases.examples();
    }
    EXPECT_EQ(positives, f.spec.operations().size() * 5);
    EXPECT_GT(negatives, f.spec.operations().size());
  }
}

}  // namespace
}  // namespace conform::gen
