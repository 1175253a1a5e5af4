#include "conform/lint/lint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "support/paths.hpp"

namespace conform::lint {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::vector<std::string> findings(const std::filesystem::path& path) {
  auto spec = spec::Spec::load(path, {.thorough = true});
  std::vector<std::string> out;
  const core::Diagnostics found = lint(spec);
  for (const auto& d : found.items()) out.push_back(d.code + " " + d.pointer);
  return out;
}

TEST(Lint, NamesEachKindOfFindingWithItsPointer) {
  auto found = findings(test::data("lint-findings.yaml"));
  EXPECT_THAT(found, Contains("operation.duplicate-id /paths/~1b~1{other}/get"));
  EXPECT_THAT(found, Contains("operation.path-parameter-undeclared /paths/~1a~1{id}/get"));
  EXPECT_THAT(found, Contains("operation.path-parameter-unused /paths/~1b~1{other}/parameters/0"));
  EXPECT_THAT(found, Contains("ref.unresolved /paths/~1b~1{other}/get/responses/200/content/"
                              "application~1json/schema"));
  EXPECT_THAT(found, Contains("example.invalid /paths/~1a~1{id}/get/responses/200/content/"
                              "application~1json/example"));
  EXPECT_THAT(found, Contains("example.invalid /components/schemas/Thing/properties/size/default"));
  EXPECT_THAT(found, Contains("schema.compile /components/schemas/Thing"));
  // Once, though both the schema reader and the walk over every reference meet it.
  EXPECT_EQ(std::count(found.begin(), found.end(),
                       "ref.unresolved /paths/~1b~1{other}/get/responses/200/content/"
                       "application~1json/schema"),
            1);
}

// One bad pattern reached from many schemas is one error, where it lies (Stripe's description
// with one such pattern gave 867).
TEST(Lint, ASchemaThatCannotBeCompiledIsNamedOnceNotByEveryUser) {
  auto found = findings(test::data("one-bad-pattern-shared.yaml"));
  std::vector<std::string> compile_errors;
  std::copy_if(found.begin(), found.end(), std::back_inserter(compile_errors),
               [](const std::string& f) { return f.rfind("schema.compile ", 0) == 0; });
  EXPECT_THAT(compile_errors,
              ::testing::UnorderedElementsAre("schema.compile /components/schemas/Bad",
                                              "schema.compile /components/schemas/AlsoBad"));
}

std::vector<std::string> blocking(const spec::Spec& spec,
                                  std::vector<const spec::Operation*> operations) {
  std::vector<std::string> out;
  const core::Diagnostics found = blocking_errors(spec, operations);
  for (const auto& d : found.items()) out.push_back(d.code + " " + d.pointer);
  return out;
}

// `run --operation getGood` is not refused for getBad's errors; getBad itself is, for its
// unresolved reference and for the {id} its template uses and no parameter declares.
TEST(Lint, BlockingErrorsAreTheOnesInTheOperationsUsed) {
  auto spec = spec::Spec::load(test::data("partly-broken.yaml"));
  const spec::Operation* good = spec.find_operation("getGood");
  const spec::Operation* bad = spec.find_operation("getBad");
  EXPECT_THAT(blocking(spec, {good}), ::testing::IsEmpty());
  EXPECT_THAT(blocking(spec, {good, bad}),
              ::testing::UnorderedElementsAre(
                  "ref.unresolved /paths/~1bad~1{id}/get/responses/200/content/"
                  "application~1json/schema",
                  "operation.path-parameter-undeclared /paths/~1bad~1{id}/get"));
}

// Patterns the bounded matcher refuses would crash or exhaust the generator: run and mock refuse
// the operations that reach them, through references too.
TEST(Lint, PatternsTheMatcherRefusesBlockTheOperationsThatReachThem) {
  auto file = std::filesystem::temp_directory_path() /
              ("conform-patterns-" + std::to_string(::getpid()) + ".json");
  std::string nested = std::string(300, '(') + "a" + std::string(300, ')');
  std::ofstream(file) << R"({"openapi": "3.0.3", "info": {"title": "p", "version": "1"},
    "paths": {"/good": {"get": {"operationId": "good", "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"type": "string", "pattern": "^a+$"}}}}}}},
      "/nested": {"get": {"operationId": "nested", "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nested"}}}}}}},
      "/huge": {"post": {"operationId": "huge", "requestBody": {"content": {"application/json":
        {"schema": {"type": "object", "patternProperties": {"^(a{10000}){10000}$": {}}}}}},
        "responses": {"204": {"description": "ok"}}}}},
    "components": {"schemas": {"Nested": {"type": "object", "properties": {"x": {"type":
      "string", "pattern": ")"
                      << nested << R"("}}}}}})";
  auto spec = spec::Spec::load(file);
  std::filesystem::remove(file);
  EXPECT_THAT(blocking(spec, {spec.find_operation("good")}), ::testing::IsEmpty());
  EXPECT_THAT(blocking(spec, {spec.find_operation("nested")}),
              ::testing::ElementsAre("schema.invalid-pattern /components/schemas/Nested"));
  EXPECT_THAT(blocking(spec, {spec.find_operation("huge")}),
              ::testing::ElementsAre(::testing::StartsWith("schema.invalid-pattern /paths/")));
}

TEST(Lint, ProjectSpecIsClean) {
  auto spec = spec::Spec::load(test::source("spec/openapi.json"), {.thorough = true});
  auto result = lint(spec);
  for (const auto& d : result.items()) ADD_FAILURE() << format(d);
  EXPECT_FALSE(has_findings(result));
  EXPECT_GE(spec.operations().size(), 3u);
}

TEST(Lint, FindsTheExamplesThatBreakTheirSchemasInTheVastDescription) {
  auto path = test::shared("reference/vast/openapi.yaml");
  CONFORM_REQUIRE_SHARED(path);
  auto found = findings(path);
  // Instance.os_version declares a type its own example does not have.
  EXPECT_THAT(found, Contains("example.invalid "
                              "/components/schemas/Instance/properties/os_version/example"));
  EXPECT_THAT(found, Contains(HasSubstr("example.invalid /paths/~1api~1v0~1bundles/post")));
}

TEST(Lint, WarningsCountAsFindingsButNotesDoNot) {
  core::Diagnostics notes;
  notes.add(core::Severity::info, "x", "", "", "");
  EXPECT_FALSE(has_findings(notes));
  notes.add(core::Severity::warning, "y", "", "", "");
  EXPECT_TRUE(has_findings(notes));
}

}  // namespace
}  // namespace conform::lint
