#include "conform/gen/mutations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace conform::gen {
namespace {

std::set<std::string> mutation_names(const char* schema, const char* valid) {
  auto source = source_for(nlohmann::json::parse(schema), "m");
  auto check = schema::CompiledSchema::compile(nlohmann::json::parse(schema));
  std::set<std::string> names;
  for (const auto& negative : mutations_of(*source, nlohmann::json::parse(valid))) {
    EXPECT_FALSE(check.accepts(negative.value))
        << negative.mutation << " at " << negative.pointer << " still validates";
    names.insert(negative.mutation);
  }
  return names;
}

TEST(Mutations, EachConstraintHasItsMutation) {
  using ::testing::IsSupersetOf;
  EXPECT_THAT(
      mutation_names(R"({"type": "integer", "minimum": 1, "maximum": 9, "multipleOf": 2})", "4"),
      IsSupersetOf(
          {"wrong_type", "null_not_allowed", "below_minimum", "above_maximum", "not_multiple_of"}));
  EXPECT_THAT(mutation_names(R"({"type": "string", "minLength": 2, "maxLength": 4,
                                 "pattern": "^[a-z]+$"})",
                             R"("abc")"),
              IsSupersetOf({"too_short", "too_long", "pattern_mismatch"}));
  EXPECT_THAT(
      mutation_names(R"({"type": "string", "format": "date-time"})", R"("2026-01-01T00:00:00Z")"),
      IsSupersetOf({"format_broken"}));
  EXPECT_THAT(mutation_names(R"({"enum": ["a", "b"]})", R"("a")"),
              IsSupersetOf({"enum_violation"}));
  EXPECT_THAT(mutation_names(R"({"const": 3})", "3"), IsSupersetOf({"const_violation"}));
  EXPECT_THAT(mutation_names(R"({"type": "array", "minItems": 1, "maxItems": 2,
                                 "uniqueItems": true, "items": {"type": "integer"}})",
                             "[1]"),
              IsSupersetOf({"too_few_items", "too_many_items", "duplicate_items"}));
  EXPECT_THAT(mutation_names(R"({"type": "object", "required": ["a"], "minProperties": 1,
                                 "maxProperties": 2, "additionalProperties": false,
                                 "properties": {"a": {"type": "string"}, "b": {}}})",
                             R"({"a": "x"})"),
              IsSupersetOf({"missing_required", "extra_property", "too_few_properties",
                            "too_many_properties"}));
}

TEST(Mutations, NestedMutationsNameTheirPointer) {
  auto source = source_for(nlohmann::json::parse(
      R"({"type": "object", "properties": {"list": {"type": "array", "items":
          {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}})"));
  auto negatives = mutations_of(*source, nlohmann::json::parse(R"({"list": [{"id": 1}]})"));
  std::set<std::string> places;
  for (const auto& n : negatives) places.insert(n.mutation + "@" + n.pointer);
  EXPECT_TRUE(places.contains("wrong_type@/list/0/id")) << ::testing::PrintToString(places);
  EXPECT_TRUE(places.contains("missing_required@/list/0/id"));
}

TEST(Mutations, CandidatesTheValidatorAcceptsAreDiscarded) {
  // `type` allows anything a replacement could be: no wrong_type can exist.
  auto names = mutation_names(
      R"({"type": ["string", "integer", "number", "boolean", "array", "object", "null"]})", "1");
  EXPECT_FALSE(names.contains("wrong_type"));
  EXPECT_FALSE(names.contains("null_not_allowed"));
}

TEST(Mutations, NegativeValuesAreNegative) {
  auto schema = R"({"type": "object", "required": ["name"], "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 8},
      "count": {"type": "integer", "minimum": 0}}})";
  auto source = source_for(nlohmann::json::parse(schema));
  auto check = schema::CompiledSchema::compile(nlohmann::json::parse(schema));
  std::set<std::string> seen;
  for (const auto& negative : sample(negative_values(source), 11, 300)) {
    EXPECT_FALSE(check.accepts(negative.value)) << negative.mutation;
    seen.insert(negative.mutation);
  }
  EXPECT_GE(seen.size(), 5u);
}

TEST(Mutations, BoundsPastDoublePrecisionAreBrokenStrictly) {
  // int64's range as doubles: adding one to 2^63 is lost to rounding, and "above the maximum"
  // was the maximum itself, a valid value that only this project's validator refused.
  const double bound = 9223372036854775807.0;  // == 2^63 once a double
  auto source =
      source_for(nlohmann::json{{"type", "integer"}, {"minimum", -bound}, {"maximum", bound}}, "m");
  int broken = 0;
  for (const auto& negative : mutations_of(*source, 7)) {
    if (negative.mutation == "above_maximum") {
      EXPECT_GT(negative.value.get<double>(), bound);
      ++broken;
    }
    if (negative.mutation == "below_minimum") {
      EXPECT_LT(negative.value.get<double>(), -bound);
      ++broken;
    }
  }
  EXPECT_EQ(broken, 2);
}

TEST(Mutations, NothingToBreakIsReported) {
  EXPECT_THROW(sample(negative_values(source_for(nlohmann::json::object())), 1, 1), Unsatisfiable);
}

TEST(Mutations, CatalogueNamesAreUniqueAndDescribed) {
  std::set<std::string_view> names;
  for (const auto& info : mutation_catalogue()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.breaks.empty());
  }
  EXPECT_GE(names.size(), 20u);
}

}  // namespace
}  // namespace conform::gen
