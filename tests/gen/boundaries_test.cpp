#include "conform/gen/boundaries.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conform::gen {
namespace {

TEST(Boundaries, CoverEachBoundAndOnePastIt) {
  auto schema = nlohmann::json::parse(R"({"type": "integer", "minimum": 3, "maximum": 9})");
  auto result = boundary_values(*source_for(schema));
  EXPECT_THAT(result.positive, ::testing::IsSupersetOf({nlohmann::json(3), nlohmann::json(9)}));
  std::vector<nlohmann::json> negatives;
  for (const auto& n : result.negative) negatives.push_back(n.value);
  EXPECT_THAT(negatives, ::testing::IsSupersetOf({nlohmann::json(2), nlohmann::json(10)}));
}

TEST(Boundaries, OnePastABoundBeyondDoublePrecisionIsStillPastIt) {
  // The int64 range as conform writes it: 2^63 as a double, where "+ 1" rounds back to 2^63.
  const double bound = 9223372036854775807.0;
  auto schema = nlohmann::json{{"type", "integer"}, {"minimum", -bound}, {"maximum", bound}};
  auto result = boundary_values(*source_for(schema));
  int past = 0;
  for (const auto& negative : result.negative) {
    if (negative.mutation == "above_maximum") {
      EXPECT_GT(negative.value.get<double>(), bound);
      ++past;
    }
    if (negative.mutation == "below_minimum") {
      EXPECT_LT(negative.value.get<double>(), -bound);
      ++past;
    }
  }
  EXPECT_EQ(past, 2);
}

// Written as integers, int64's limits are not doubles (9223372036854775807 reads as 2^63): the
// boundaries are the bounds themselves, and one past them, in digits.
TEST(Boundaries, IntegerBoundsAreExactToTheLastDigit) {
  auto schema = nlohmann::json::parse(
      R"({"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807})");
  auto result = boundary_values(*source_for(schema));
  EXPECT_THAT(result.positive,
              ::testing::IsSupersetOf({nlohmann::json(std::numeric_limits<std::int64_t>::min()),
                                       nlohmann::json(std::numeric_limits<std::int64_t>::max())}));
  // One past it, 2^63, compares equal to the bound as a double (as valijson and most servers
  // read numbers): the step past it is a double's, and is past it either way.
  bool above = false;
  for (const auto& negative : result.negative) {
    if (negative.mutation != "above_maximum") continue;
    above = true;
    ASSERT_TRUE(negative.value.is_number_unsigned()) << negative.value;
    EXPECT_GT(negative.value.get<std::uint64_t>(), std::uint64_t{1} << 63);
  }
  EXPECT_TRUE(above);
  // Where doubles are exact, one past is one past.
  auto small = boundary_values(*source_for(nlohmann::json::parse(
      R"({"type": "integer", "minimum": -9007199254740991, "maximum": 9007199254740991})")));
  std::vector<nlohmann::json> negatives;
  for (const auto& negative : small.negative) negatives.push_back(negative.value);
  EXPECT_THAT(negatives, ::testing::UnorderedElementsAre(nlohmann::json(-9007199254740992),
                                                         nlohmann::json(9007199254740992)));

  // The same bound held signed, as a schema built in code holds it: one past it is 2^63 too
  // (adding one to it overflowed, which UBSan reports).
  nlohmann::json signed_bound = {{"type", "integer"},
                                 {"maximum", std::numeric_limits<std::int64_t>::max()}};
  ASSERT_TRUE(signed_bound["maximum"].is_number_integer() &&
              !signed_bound["maximum"].is_number_unsigned());
  auto from_signed = boundary_values(*source_for(signed_bound));
  EXPECT_THAT(from_signed.positive,
              ::testing::Contains(nlohmann::json(std::numeric_limits<std::int64_t>::max())));
  for (const auto& negative : from_signed.negative) {
    if (negative.mutation != "above_maximum") continue;
    ASSERT_TRUE(negative.value.is_number_unsigned()) << negative.value;
    EXPECT_GT(negative.value.get<std::uint64_t>(), std::uint64_t{1} << 63);
  }

  // A bound past uint64 stays a double, and is still an integer to the schema.
  auto huge = boundary_values(
      *source_for(nlohmann::json::parse(R"({"type": "integer", "minimum": 1e20})")));
  EXPECT_THAT(huge.positive, ::testing::Contains(nlohmann::json(1e20)));
}

TEST(Boundaries, CoverLengthsEnumMembersAndBranchesInsideObjects) {
  auto schema = nlohmann::json::parse(R"({"type": "object", "required": ["name", "kind", "pick"],
    "properties": {"name": {"type": "string", "minLength": 2, "maxLength": 5},
                   "kind": {"enum": ["a", "b", "c"]},
                   "pick": {"oneOf": [{"type": "string", "maxLength": 0}, {"type": "integer"}]}}})");
  auto source = source_for(schema);
  auto check = schema::CompiledSchema::compile(schema);
  auto result = boundary_values(*source);
  std::set<nlohmann::json> names, kinds, picks;
  for (const auto& value : result.positive) {
    EXPECT_TRUE(check.accepts(value)) << value.dump();
    names.insert(value["name"]);
    kinds.insert(value["kind"]);
    picks.insert(nlohmann::json(value["pick"].type_name()));
  }
  EXPECT_TRUE(names.contains("aa"));
  EXPECT_TRUE(names.contains("aaaaa"));
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_TRUE(picks.contains("string") && picks.contains("number"));
  for (const auto& negative : result.negative) {
    EXPECT_FALSE(check.accepts(negative.value)) << negative.mutation << " " << negative.pointer;
  }
  EXPECT_FALSE(result.negative.empty());
}

TEST(Boundaries, AreDeterministic) {
  auto schema = nlohmann::json::parse(R"({"type": "object", "properties": {"n": {"type": "number",
    "exclusiveMinimum": 0, "maximum": 1}}, "required": ["n"]})");
  auto first = boundary_values(*source_for(schema));
  auto second = boundary_values(*source_for(schema));
  EXPECT_EQ(first.positive, second.positive);
  EXPECT_EQ(first.negative, second.negative);
}

}  // namespace
}  // namespace conform::gen
