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

}  // namespace
}  // namespace conform::schema
