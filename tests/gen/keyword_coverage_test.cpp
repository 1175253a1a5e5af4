#include "conform/gen/keyword_coverage.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::gen {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

struct ThingsFixture {
  spec::Spec spec = spec::Spec::load(test::data("keyword-coverage.yaml"));
  schema::SpecSchemas schemas{spec};
  KeywordCoverage things{spec, schemas, *spec.find_operation("createThing")};

  static RequestCase sent(std::string query, std::string body) {
    RequestCase c;
    c.request.method = "POST";
    c.request.path = "/things";
    c.request.query = {{"limit", std::move(query)}};
    c.request.content_type = "application/json";
    c.request.body = std::move(body);
    return c;
  }
  static RequestCase broken(std::string mutation, std::string where, std::string pointer) {
    RequestCase c = sent("5", R"({"name": "a"})");
    c.negative = true;
    c.mutation = std::move(mutation);
    c.where = std::move(where);
    c.pointer = std::move(pointer);
    return c;
  }
};

TEST(KeywordCoverage, LocationsFollowReferencesItemsAndEachBranch) {
  ThingsFixture f;
  const auto& locations = f.things.locations();
  for (const char* expected :
       {"query parameter 'limit': required", "query parameter 'limit': minimum",
        "query parameter 'limit': maximum", "body: required", "body: additionalProperties",
        "body: required name", "body /name: maxLength", "body /tags: maxItems",
        "body /tags/*: minLength", "body /pet[oneOf 0]: required kind",
        "body /pet[oneOf 1]: required bark", "body /pet[oneOf 1]/kind: enum"}) {
    EXPECT_THAT(locations, Contains(std::string(expected)));
  }
  // A recursive schema is walked once per path, and ends.
  KeywordCoverage trees(f.spec, f.schemas, *f.spec.find_operation("plantTree"));
  EXPECT_THAT(trees.locations(), Contains(std::string("body /label: minLength")));
  EXPECT_THAT(trees.locations(), Contains(std::string("body /children/*/label: minLength")));
  EXPECT_LT(trees.locations().size(), 100u);
}

TEST(KeywordCoverage, AValidCaseMarksWhatItsValuesReachAndTheBranchTheyTake) {
  ThingsFixture f;
  auto reached = f.things.exercised(ThingsFixture::sent(
      "5", R"({"name": "a", "tags": ["x"], "pet": {"kind": "dog", "bark": true}})"));
  EXPECT_THAT(reached.invalid, IsEmpty());
  EXPECT_THAT(reached.valid, Contains(std::string("body /tags/*: minLength")));
  EXPECT_THAT(reached.valid, Contains(std::string("body /pet[oneOf 1]: required bark")));
  EXPECT_THAT(reached.valid, Contains(std::string("query parameter 'limit': maximum")));
  EXPECT_THAT(reached.valid, Not(Contains(std::string("body /pet[oneOf 0]: required kind"))));
  // Without tags, nothing below them is reached.
  auto plain = f.things.exercised(ThingsFixture::sent("5", R"({"name": "a"})"));
  EXPECT_THAT(plain.valid, Not(Contains(std::string("body /tags/*: minLength"))));
  EXPECT_THAT(plain.valid, Contains(std::string("body: required name")));
  // The parameters a valid case gave a value: `limit`, not the optional `sort`; an invalid case
  // counts for none.
  EXPECT_THAT(f.things.parameters(),
              UnorderedElementsAre("query parameter 'limit'", "query parameter 'sort'"));
  EXPECT_THAT(plain.parameters, UnorderedElementsAre("query parameter 'limit'"));
  auto sorted = ThingsFixture::sent("5", R"({"name": "a"})");
  sorted.request.query.emplace_back("sort", "desc");
  EXPECT_THAT(f.things.exercised(sorted).parameters,
              UnorderedElementsAre("query parameter 'limit'", "query parameter 'sort'"));
  EXPECT_THAT(
      f.things.exercised(ThingsFixture::broken("too_long", "body /name", "/name")).parameters,
      IsEmpty());
}

// A parameter's text always reads as a string: its `type: string` is listed, with the reason, and
// never counted as broken (7 arrives as "7", and breaks the enum if anything).
TEST(KeywordCoverage, WhatNoRequestCanBreakIsListedApart) {
  ThingsFixture f;
  EXPECT_THAT(f.things.unbreakable(),
              Contains(std::pair<const std::string, std::string>(
                  "query parameter 'sort': type", "a parameter's text always reads as a string")));
  EXPECT_THAT(f.things.unbreakable(),
              Not(Contains(::testing::Key("query parameter 'limit': type"))));
  EXPECT_THAT(
      f.things.exercised(ThingsFixture::broken("wrong_type", "query parameter 'sort'", "")).invalid,
      IsEmpty());
}

TEST(KeywordCoverage, AnInvalidCaseMarksTheKeywordItsMutationBreaks) {
  ThingsFixture f;
  EXPECT_THAT(f.things.exercised(ThingsFixture::broken("too_long", "body /name", "/name")).invalid,
              UnorderedElementsAre("body /name: maxLength"));
  EXPECT_THAT(
      f.things.exercised(ThingsFixture::broken("too_short", "body /tags/0", "/tags/0")).invalid,
      UnorderedElementsAre("body /tags/*: minLength"));
  EXPECT_THAT(
      f.things.exercised(ThingsFixture::broken("missing_required", "body /pet/kind", "/pet/kind"))
          .invalid,
      UnorderedElementsAre("body /pet[oneOf 0]: required kind",
                           "body /pet[oneOf 1]: required kind"));
  EXPECT_THAT(f.things.exercised(ThingsFixture::broken("extra_property", "body /", "")).invalid,
              UnorderedElementsAre("body: additionalProperties"));
  EXPECT_THAT(f.things
                  .exercised(ThingsFixture::broken("missing_required_parameter",
                                                   "query parameter 'limit'", ""))
                  .invalid,
              UnorderedElementsAre("query parameter 'limit': required"));
  EXPECT_THAT(
      f.things.exercised(ThingsFixture::broken("below_minimum", "query parameter 'limit'", ""))
          .invalid,
      UnorderedElementsAre("query parameter 'limit': minimum"));
  // A mutation of the request's form breaks no keyword.
  EXPECT_THAT(f.things.exercised(ThingsFixture::broken("malformed_body", "body", "")).invalid,
              IsEmpty());
}

}  // namespace
}  // namespace conform::gen
