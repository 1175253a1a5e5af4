#include "conform/core/json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <vector>

namespace conform::core {
namespace {

using ::testing::HasSubstr;

std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

TEST(Json, ParsesWithinTheDepthLimit) {
  auto parsed = parse_json(nested(kMaxJsonDepth));
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(parsed));
}

TEST(Json, RefusesOneLevelMoreAtTheBracketThatGoesTooDeep) {
  auto parsed = parse_json("{\"a\": " + nested(kMaxJsonDepth) + "}");
  ASSERT_TRUE(std::holds_alternative<JsonError>(parsed));
  EXPECT_EQ(std::get<JsonError>(parsed).offset, 6 + kMaxJsonDepth - 1);
  EXPECT_THAT(std::get<JsonError>(parsed).message, HasSubstr("nests deeper"));
}

TEST(Json, BracketsInsideStringsDoNotCount) {
  std::string text = "[\"" + std::string(1000, '[') + "\"]";
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_json(text, 2)));
}

TEST(Json, SyntaxErrorsAndOverflowsAreErrorsNotExceptions) {
  auto syntax = parse_json("{\"a\": ]");
  ASSERT_TRUE(std::holds_alternative<JsonError>(syntax));
  EXPECT_EQ(std::get<JsonError>(syntax).offset, 6u);
  auto overflow = parse_json("[1e400]");
  ASSERT_TRUE(std::holds_alternative<JsonError>(overflow));
  EXPECT_THAT(std::get<JsonError>(overflow).message, HasSubstr("beyond the range of a double"));
  EXPECT_TRUE(parse_json_or_discarded("[1e400]").is_discarded());
  EXPECT_TRUE(parse_json_or_discarded(nested(100000)).is_discarded());
  EXPECT_EQ(parse_json_or_discarded("{\"a\": [1, 2]}")["a"][1], 2);
}

TEST(Json, LineAndColumnCountFromOne) {
  EXPECT_EQ(line_and_column("ab\ncd", 4), std::make_pair(std::size_t{2}, std::size_t{2}));
  EXPECT_EQ(line_and_column("ab", 0), std::make_pair(std::size_t{1}, std::size_t{1}));
}

RC_GTEST_PROP(Json, AgreesWithNlohmannOnShallowValues,
              (const std::vector<std::map<std::string, int>>& value, bool cut)) {
  std::string text =
      nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (cut) text.pop_back();  // and on text that is not JSON
  auto ours = parse_json_or_discarded(text);
  auto theirs = nlohmann::json::parse(text, nullptr, false);
  RC_ASSERT(ours.is_discarded() == theirs.is_discarded());
  if (!ours.is_discarded()) RC_ASSERT(ours == theirs);
}

}  // namespace
}  // namespace conform::core
