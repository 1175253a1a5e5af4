#include "conform/arazzo/criteria.hpp"

#include <gtest/gtest.h>

namespace conform::arazzo {
namespace {

using nlohmann::json;

// A scope with one answer and the outputs of one step.
class CriteriaTest : public ::testing::Test {
 protected:
  CriteriaTest() {
    response_.status = 201;
    response_.headers = {{"x-rate", "10"}};
    response_.body = R"({"id": 7, "name": "Fluffy", "pets": [{"id": 1, "tag": "cat"},
                        {"id": 2, "tag": "dog"}], "empty": []})";
    steps_["create"] = {{"id", json(2)}, {"name", json("fluffy")}};
    scope_.steps = &steps_;
    scope_.exchange = &exchanged_;
  }
  bool holds(const std::string& condition, Criterion::Type type = Criterion::Type::simple,
             const std::string& context = "") {
    Criterion c;
    c.condition = condition;
    c.type = type;
    c.context = context;
    return judge(c, scope_).holds;
  }

  spec::Operation operation_;
  gen::Request request_;
  transport::Response response_;
  engine::Exchanged exchanged_{operation_, request_, response_, "/pets"};
  std::map<std::string, std::map<std::string, json>> steps_;
  Scope scope_;
};

TEST_F(CriteriaTest, SimpleConditionsCompareNumbersStringsAndBooleans) {
  EXPECT_TRUE(holds("$statusCode == 201"));
  EXPECT_FALSE(holds("$statusCode == 200"));
  EXPECT_TRUE(holds("$statusCode >= 200 && $statusCode < 300"));
  EXPECT_TRUE(holds("$statusCode == 200 || $statusCode == 201"));
  EXPECT_TRUE(holds("!($statusCode == 200)"));
  EXPECT_TRUE(holds("$response.body#/id == 7"));
  EXPECT_TRUE(holds("$response.header.X-Rate == 10")) << "a numeric header compares as a number";
  EXPECT_TRUE(holds("$response.body#/name == 'fluffy'")) << "string comparisons ignore case";
  EXPECT_TRUE(holds("$response.body#/pets/1/id == $steps.create.outputs.id"));
  EXPECT_TRUE(holds("'it''s' == 'IT''S'"));
}

TEST_F(CriteriaTest, WhatIsNotThereComparesWithNothing) {
  EXPECT_FALSE(holds("$response.body#/missing == null"));
  EXPECT_FALSE(holds("$response.body#/missing != 3"));
  EXPECT_FALSE(holds("$steps.other.outputs.id == 2"));
}

TEST_F(CriteriaTest, RegexAppliesToItsContext) {
  EXPECT_TRUE(holds("^20[01]$", Criterion::Type::regex, "$statusCode"));
  EXPECT_FALSE(holds("^200$", Criterion::Type::regex, "$statusCode"));
  EXPECT_TRUE(holds("^Fluff", Criterion::Type::regex, "$response.body#/name"));
}

TEST_F(CriteriaTest, JsonPathHoldsWhenTheQuerySelectsSomething) {
  EXPECT_TRUE(holds("$[?length(@) > 5]", Criterion::Type::jsonpath, "$response.body"))
      << "the root's members longer than 5: the name";
  EXPECT_TRUE(holds("$.pets[?@.tag == 'dog']", Criterion::Type::jsonpath, "$response.body"));
  EXPECT_FALSE(holds("$.pets[?@.tag == 'bird']", Criterion::Type::jsonpath, "$response.body"));
  EXPECT_TRUE(holds("$.pets[?@.id == {$steps.create.outputs.id}]", Criterion::Type::jsonpath,
                    "$response.body"))
      << "an embedded expression becomes a JSON literal";
  EXPECT_TRUE(holds("count($.pets[?@.id == 9]) == 0", Criterion::Type::jsonpath, "$response.body"));
  EXPECT_FALSE(holds("count($.pets) == 0", Criterion::Type::jsonpath, "$response.body"));
  EXPECT_FALSE(holds("$.empty[*]", Criterion::Type::jsonpath, "$response.body"));
}

TEST(JsonPath, SelectsAsRfc9535Says) {
  json store = json::parse(R"({"store": {"book": [
      {"author": "Nigel Rees", "price": 8.95},
      {"author": "Evelyn Waugh", "price": 12.99, "isbn": "0-553"},
      {"author": "Herman Melville", "price": 8.99, "isbn": "0-679"}],
    "bicycle": {"color": "red", "price": 399}}})");
  EXPECT_EQ(*json_path("$.store.book[*].author", store),
            json::parse(R"(["Nigel Rees", "Evelyn Waugh", "Herman Melville"])"));
  EXPECT_EQ(json_path("$..price", store)->size(), 4u);
  EXPECT_EQ(*json_path("$.store.book[-1].author", store), json::array({"Herman Melville"}));
  EXPECT_EQ(json_path("$.store.book[0:2]", store)->size(), 2u);
  EXPECT_EQ(json_path("$.store.book[?@.isbn]", store)->size(), 2u);
  EXPECT_EQ(*json_path("$.store.book[?@.price < 9 && @.isbn].author", store),
            json::array({"Herman Melville"}));
  EXPECT_EQ(*json_path("$..book[?match(@.author, 'N.*s')].price", store), json::array({8.95}));
  EXPECT_EQ(*json_path("$['store']['bicycle'].color", store), json::array({"red"}));
  std::string why;
  EXPECT_FALSE(json_path("$.store[", store, &why));
  EXPECT_NE(why.find("character"), std::string::npos) << why;
}

TEST(CriterionProblem, NamesWhatCannotBeJudged) {
  Criterion bad;
  bad.condition = "$statusCode === 200";
  EXPECT_TRUE(criterion_problem(bad));
  Criterion xpath;
  xpath.condition = "/a";
  xpath.context = "$response.body";
  xpath.type = Criterion::Type::xpath;
  EXPECT_TRUE(criterion_problem(xpath));
  Criterion good;
  good.condition = "$statusCode == 200 && $response.body#/ok == true";
  EXPECT_FALSE(criterion_problem(good));
}

// Nesting is bounded before the stack is (a fuzzing finding: 4,462 '(' overflowed it).
TEST(CriterionProblem, DeepNestingIsAProblemNotACrash) {
  Criterion parentheses;
  parentheses.condition = std::string(100000, '(') + "$statusCode == 200";
  auto why = criterion_problem(parentheses);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("nested deeper than 64 levels"), std::string::npos) << *why;
  Criterion negations;
  negations.condition = std::string(100000, '!') + "true";
  EXPECT_TRUE(criterion_problem(negations));
  Criterion filters;
  filters.type = Criterion::Type::jsonpath;
  filters.context = "$response.body";
  std::string query = "$";
  for (int i = 0; i < 5000; ++i) query += "[?@";
  filters.condition = query;
  EXPECT_TRUE(criterion_problem(filters));
  Criterion shallow;
  shallow.condition = std::string(60, '(') + "$statusCode == 200" + std::string(60, ')');
  EXPECT_FALSE(criterion_problem(shallow));
}

}  // namespace
}  // namespace conform::arazzo
