#include "conform/arazzo/expression.hpp"

#include <gtest/gtest.h>

namespace conform::arazzo {
namespace {

using nlohmann::json;

TEST(ArazzoExpression, KnowsTheFormsOfTheSpecification) {
  for (const char* good :
       {"$url", "$method", "$statusCode", "$request.header.X-Id", "$request.body#/a/0",
        "$response.body", "$response.header.Location", "$inputs.pet_id", "$outputs.order",
        "$steps.find-pet.outputs.id", "$steps.a.outputs.list#/0/id", "$workflows.w.outputs.x",
        "$sourceDescriptions.petstore.url", "$components.parameters.page"}) {
    EXPECT_FALSE(expression_problem(good)) << good;
  }
  for (const char* bad : {"statusCode", "$resposne.body#/id", "$steps.a.b", "$inputs.",
                          "$steps.a.outputs.", "$response.query.x", "$inputs.a#b"}) {
    EXPECT_TRUE(expression_problem(bad)) << bad;
  }
  EXPECT_EQ(step_read("$steps.make.outputs.id#/x"), "make");
  EXPECT_FALSE(step_read("$inputs.make"));
}

TEST(ArazzoExpression, ResolvesValuesWholeAndEmbedded) {
  json inputs = {{"token", "abc"}, {"size", 3}, {"pet", {{"id", 7}}}};
  std::map<std::string, std::map<std::string, json>> steps = {
      {"make", {{"id", json(42)}, {"list", json::array({json{{"id", 9}}})}}}};
  Scope scope;
  scope.inputs = &inputs;
  scope.steps = &steps;
  std::vector<std::string> problems;
  json given = {{"auth", "Bearer {$inputs.token}"},
                {"size", "$inputs.size"},
                {"pet", "$inputs.pet#/id"},
                {"first", "$steps.make.outputs.list#/0/id"},
                {"path", "/things/{$steps.make.outputs.id}/parts"},
                {"list", json::array({"$steps.make.outputs.id", 1})},
                {"plain", "no expression"}};
  json resolved = resolve(given, scope, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(resolved, (json{{"auth", "Bearer abc"},
                            {"size", 3},
                            {"pet", 7},
                            {"first", 9},
                            {"path", "/things/42/parts"},
                            {"list", json::array({42, 1})},
                            {"plain", "no expression"}}));
}

TEST(ArazzoExpression, SaysWhatIsMissing) {
  json inputs = json::object();
  Scope scope;
  scope.inputs = &inputs;
  std::vector<std::string> problems;
  resolve(json("$inputs.name"), scope, problems);
  resolve(json("$steps.none.outputs.id"), scope, problems);
  resolve(json("$statusCode"), scope, problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "$inputs.name: no input 'name' was given");
  EXPECT_EQ(problems[1], "$steps.none.outputs.id: step 'none' has not run");
  EXPECT_EQ(problems[2], "$statusCode: $statusCode is read where no answer came");
}

}  // namespace
}  // namespace conform::arazzo
