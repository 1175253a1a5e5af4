#include "conform/gen/operation_cases.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "conform/gen/request_reading.hpp"
#include "conform/gen/values.hpp"
#include "conform/spec/router.hpp"
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
  for (const auto& c : cases.examples().cases) {
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
  auto examples = cases.examples().cases;
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
  auto first = cases.coverage().cases;
  auto second = cases.coverage().cases;
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

// Each required part is left out once, a header under its own mutation name; read by the server as
// missing, nothing else broken.
TEST(OperationCases, CoverageLeavesOutEachRequiredPart) {
  Fixture headers(test::data("mock-headers.yaml"));
  OperationCases orders(headers.spec, headers.schemas, *headers.spec.find_operation("listOrders"));
  std::vector<RequestCase> coverage = orders.coverage().cases;
  auto missing = std::find_if(coverage.begin(), coverage.end(), [](const RequestCase& c) {
    return c.mutation == "missing_required_header";
  });
  ASSERT_NE(missing, coverage.end());
  EXPECT_TRUE(missing->negative);
  EXPECT_EQ(missing->where, "header parameter 'X-Tenant'");
  for (const auto& [name, value] : missing->request.headers) EXPECT_NE(name, "X-Tenant");
  // The same part left out by the fuzzing phase carries the same name.
  bool fuzzed = false;
  for (const auto& c : sample(orders.negative(), 4, 60)) {
    fuzzed = fuzzed || c.mutation == "missing_required_header";
    EXPECT_NE(c.mutation, "missing_required_parameter") << c.where;
  }
  EXPECT_TRUE(fuzzed);

  Fixture project(test::source("spec/openapi.json"));
  OperationCases create(project.spec, project.schemas,
                        *project.spec.find_operation("createApiKey"));
  std::vector<RequestCase> creates = create.coverage().cases;
  EXPECT_TRUE(std::any_of(creates.begin(), creates.end(), [](const RequestCase& c) {
    return c.mutation == "missing_body" && !c.request.body;
  }));
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

// Every case is judged as the server reads it: the tests below are the classes of false alarm
// that reading removes, each on a small description.

ReadRequest read_as_server(const Fixture& f, const Request& request, bool& routed,
                           const spec::Operation& expected) {
  spec::Route route = f.spec.router().route(request.method, request.path);
  routed = route.operation == &expected;
  return read_request(expected, f.schemas, received(request, route.raw_path_values));
}

TEST(OperationCases, ValidCasesReachTheirOperationAndReadAsValid) {
  Fixture f(test::data("reading.yaml"));
  for (const char* id : {"getThing", "labels", "search", "postNote", "getTodo"}) {
    const spec::Operation& op = *f.spec.find_operation(id);
    OperationCases cases(f.spec, f.schemas, op);
    for (const auto& c : sample(cases.positive(), 11, 200)) {
      bool routed = false;
      auto read = read_as_server(f, c.request, routed, op);
      // "/todos/mine" and "/todos/" are other operations' paths: a valid name never makes them.
      EXPECT_TRUE(routed) << id << ": " << c.request.target();
      EXPECT_TRUE(read.problems.empty()) << id << ": " << c.request.target();
      EXPECT_TRUE(read.uncertain.empty()) << id << ": " << c.request.target();
      // allowEmptyValue is false for q: "q=" is absent, never a valid value.
      EXPECT_THAT(c.request.target(), ::testing::Not(::testing::HasSubstr("q=&")));
    }
  }
}

TEST(OperationCases, InvalidCasesReadAsInvalidOnceSerialised) {
  Fixture f(test::data("reading.yaml"));
  std::set<std::string> mutations;
  for (const char* id : {"getThing", "labels", "postNote", "getTodo"}) {
    const spec::Operation& op = *f.spec.find_operation(id);
    OperationCases cases(f.spec, f.schemas, op);
    for (const auto& c : sample(cases.negative(), 12, 200)) {
      bool routed = false;
      auto read = read_as_server(f, c.request, routed, op);
      EXPECT_TRUE(routed) << id << ": " << c.request.target();
      EXPECT_FALSE(read.problems.empty())
          << id << " " << c.mutation << " at " << c.where << ": " << c.request.target() << " "
          << c.request.body.value_or("");
      mutations.insert(c.mutation);
    }
  }
  EXPECT_TRUE(mutations.contains("missing_required_parameter"));
}

// A label names what the server refuses: a "wrong type" 7 for a string query parameter arrives as
// the string "7" (it breaks nothing, or the pattern), a string for a multipart body arrives as no
// parts, and neither is sent under that label.
TEST(OperationCases, MutationLabelsNameWhatArrives) {
  Fixture f(test::data("reading.yaml"));
  for (const char* id : {"getThing", "postNote"}) {
    const spec::Operation& op = *f.spec.find_operation(id);
    OperationCases cases(f.spec, f.schemas, op);
    for (const auto& c : sample(cases.negative(), 13, 300)) {
      if (c.mutation != "wrong_type" && c.mutation != "null_not_allowed") continue;
      EXPECT_NE(c.where, "query parameter 'q'") << c.request.target();
      EXPECT_NE(c.where, "query parameter 'note'") << c.request.target();
      if (c.request.content_type && c.request.content_type->starts_with("multipart/")) {
        EXPECT_NE(c.where, "body /") << c.request.body.value_or("");
      }
    }
  }
}

// A JSON-typed mutation of a text/plain body ("7") is a valid text: it is never sent as invalid.
TEST(OperationCases, TextBodiesAreBrokenOnlyWhereTheirSchemaIs) {
  Fixture f(test::data("reading.yaml"));
  const spec::Operation& op = *f.spec.find_operation("postNote");
  OperationCases cases(f.spec, f.schemas, op);
  for (const auto& c : sample(cases.negative(), 4, 200)) {
    if (c.request.content_type != "text/plain" || c.mutation == "missing_body") continue;
    ASSERT_TRUE(c.request.body.has_value());
    EXPECT_GT(c.request.body->size(), 5u) << c.mutation << ": " << *c.request.body;
  }
}

// An optional JSON body sent as `null` is read as no body by many frameworks (and Prism), which is
// valid: it is never an invalid case, while other breaks of that body still are.
TEST(OperationCases, ANullOptionalBodyIsNotSentAsInvalid) {
  Fixture f(test::data("reading.yaml"));
  const spec::Operation& op = *f.spec.find_operation("replaceNotes");
  OperationCases cases(f.spec, f.schemas, op);
  std::set<std::string> mutations;
  for (const auto& c : sample(cases.negative(), 6, 200)) {
    if (c.request.body) {
      EXPECT_NE(*c.request.body, "null") << c.mutation;
    }
    mutations.insert(c.mutation);
  }
  EXPECT_TRUE(mutations.contains("wrong_type"));
}

// A null query value is the parameter left out; a null path value is no case at all.
TEST(OperationCases, NullParametersAreAbsentNotEmpty) {
  Fixture f(test::data("reading.yaml"));
  const spec::Operation& op = *f.spec.find_operation("getTodo");
  OperationCases cases(f.spec, f.schemas, op);
  for (const auto& c : sample(cases.positive(), 5, 300)) {
    EXPECT_THAT(c.request.target(), ::testing::Not(::testing::HasSubstr("limit=&")));
    EXPECT_THAT(c.request.target(), ::testing::Not(::testing::EndsWith("limit=")));
    EXPECT_NE(c.request.path, "/todos/");
  }
}

TEST(OperationCases, FixedCasesThatDoNotReadAsTheyShouldAreLeftOutWithTheReason) {
  auto path = std::filesystem::temp_directory_path() / "conform-examples-left-out.yaml";
  std::ofstream(path) << R"(openapi: 3.0.3
info: {title: e, version: "1"}
paths:
  /colours:
    post:
      operationId: addColour
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string, enum: [red, green]}}}
            examples:
              good: {value: {name: red}}
              outside: {value: {name: mauve}}
      responses: {"201": {description: ok}}
)";
  Fixture f(path);
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("addColour"));
  auto examples = cases.examples();
  ASSERT_EQ(examples.cases.size(), 1u);
  EXPECT_EQ(examples.cases[0].detail, "example 'good' of application/json");
  ASSERT_EQ(examples.left_out.size(), 1u);
  EXPECT_THAT(examples.left_out[0], ::testing::HasSubstr("example 'outside'"));
  EXPECT_THAT(examples.left_out[0], ::testing::HasSubstr("body /name"));
  std::filesystem::remove(path);
}

// A constraint two levels down a body is broken in a default run's invalid cases: no exception
// while drawing turns invalid cases off, and the mutation names where it broke the body.
TEST(OperationCases, ABodyConstraintAtDepthIsBroken) {
  auto path = std::filesystem::temp_directory_path() /
              ("conform-deep-pattern-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << R"(openapi: 3.0.3
info: {title: deep, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [customer]
              properties:
                customer:
                  type: object
                  required: [address]
                  properties:
                    address:
                      type: object
                      required: [postcode]
                      properties:
                        postcode: {type: string, pattern: "^[0-9]{5}$"}
      responses: {"201": {description: ok}}
)";
  Fixture f(path);
  OperationCases cases(f.spec, f.schemas, *f.spec.find_operation("createOrder"));
  int deep = 0;
  for (const auto& c : sample(cases.negative(), 21, 50)) {
    if (c.where.rfind("body /customer/address", 0) == 0) ++deep;
  }
  EXPECT_GT(deep, 0) << "no invalid case broke the body below /customer/address in 50";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace conform::gen
