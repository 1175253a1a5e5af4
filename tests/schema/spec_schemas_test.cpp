#include "conform/schema/spec_schemas.hpp"

#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::schema {
namespace {

TEST(SpecSchemas, ValidatesBySchemaAndDirection) {
  auto spec = spec::Spec::load(test::data("features-3.0.yaml"), {.thorough = true});
  SpecSchemas schemas(spec);
  auto item = *spec.schemas().find({spec.file(), "/components/schemas/Item"});
  auto request = nlohmann::json::parse(R"({"name": null, "secret": "s"})");
  auto response = nlohmann::json::parse(R"({"id": "1", "name": "n"})");
  EXPECT_TRUE(schemas.accepts(item, spec::Direction::request, request));
  EXPECT_FALSE(schemas.accepts(item, spec::Direction::response, request));
  EXPECT_TRUE(schemas.accepts(item, spec::Direction::response, response));
  auto violations =
      schemas.validate(item, spec::Direction::response,
                       nlohmann::json::parse(R"({"id": "1", "name": "x", "count": 0})"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].instance_pointer, "/count");  // exclusiveMinimum: 0
  EXPECT_EQ(violations[0].schema_location, spec.file() + "#/components/schemas/Item");
  // Handed over rather than lent, the instance gives the same answer.
  auto given = nlohmann::json::parse(R"({"id": "1", "name": "x", "count": 0})");
  EXPECT_EQ(schemas.validate(item, spec::Direction::response, std::move(given)), violations);
}

TEST(SpecSchemas, OneUncompilableSchemaDoesNotStopTheOthers) {
  auto spec = spec::Spec::load(test::data("lint-findings.yaml"), {.thorough = true});
  SpecSchemas schemas(spec);
  auto thing = *spec.schemas().find({spec.file(), "/components/schemas/Thing"});
  EXPECT_TRUE(schemas.compile_error(thing, spec::Direction::neutral).has_value());
  auto violations = schemas.validate(thing, spec::Direction::neutral, nlohmann::json::object());
  EXPECT_FALSE(schemas.accepts(thing, spec::Direction::neutral, nlohmann::json::object()));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].message.find("cannot be compiled"), std::string::npos);
  auto size = *spec.schemas().find({spec.file(), "/components/schemas/Thing/properties/size"});
  EXPECT_TRUE(schemas.accepts(size, spec::Direction::neutral, 3));
  EXPECT_FALSE(schemas.accepts(size, spec::Direction::neutral, "zero"));
}

// A bad pattern in one schema: found in that schema, carried by those that reach it, and the
// others still compiled together.
TEST(SpecSchemas, AnErrorIsPlacedWhereItLiesAndTheRestStillValidate) {
  auto spec = spec::Spec::load(test::data("one-bad-pattern-shared.yaml"), {.thorough = true});
  SpecSchemas schemas(spec);
  auto id = [&](const char* name) {
    return *spec.schemas().find({spec.file(), std::string("/components/schemas/") + name});
  };
  constexpr auto kNeutral = spec::Direction::neutral;
  for (const char* own : {"Bad", "AlsoBad"}) {
    EXPECT_TRUE(schemas.compile_error(id(own), kNeutral).has_value()) << own;
    EXPECT_FALSE(schemas.inherits_compile_error(id(own), kNeutral)) << own;
  }
  for (const char* reaching : {"UsesBad", "Cycle"}) {
    auto error = schemas.compile_error(id(reaching), kNeutral);
    ASSERT_TRUE(error.has_value()) << reaching;
    EXPECT_NE(error->find("(unclosed"), std::string::npos) << *error;
    EXPECT_TRUE(schemas.inherits_compile_error(id(reaching), kNeutral)) << reaching;
    EXPECT_FALSE(schemas.accepts(id(reaching), kNeutral, nlohmann::json::object()));
  }
  EXPECT_FALSE(schemas.compile_error(id("Good"), kNeutral).has_value());
  EXPECT_FALSE(schemas.inherits_compile_error(id("Good"), kNeutral));
  EXPECT_TRUE(schemas.accepts(id("Good"), kNeutral, nlohmann::json::parse(R"({"n": 1})")));
  auto violations = schemas.validate(id("Good"), kNeutral, nlohmann::json::parse(R"({"n": "x"})"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].instance_pointer, "/n");
}

}  // namespace
}  // namespace conform::schema
