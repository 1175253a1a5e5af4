#include "conform/schema/flatten.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conform::schema {
namespace {

using Json = nlohmann::json;

TEST(Flattener, FollowsReferencesAndMergesAllOf) {
  Json document = Json::parse(R"({
    "definitions": {
      "named": {"type": "object", "properties": {"name": {"type": "string", "minLength": 2}},
                "required": ["name"]},
      "alias": {"$ref": "#/definitions/named"}
    },
    "allOf": [
      {"$ref": "#/definitions/alias"},
      {"properties": {"name": {"maxLength": 8}, "id": {"type": "integer"}}, "required": ["id"],
       "minProperties": 1},
      {"minProperties": 2, "type": ["object", "null"]}
    ]
  })");
  Flattener flatten(document);
  const Json& flat = flatten(document);
  EXPECT_FALSE(flat.contains("allOf"));
  EXPECT_EQ(flat["type"], Json::array({"object"}));
  EXPECT_EQ(flat["required"], Json::array({"name", "id"}));
  EXPECT_EQ(flat["minProperties"], 2);  // the stricter bound
  // A property both sides describe keeps both, under an allOf.
  EXPECT_EQ(flat["properties"]["name"]["allOf"].size(), 2u);
  EXPECT_EQ(flat["properties"]["id"]["type"], "integer");
  // The merge is kept: the same address again.
  EXPECT_EQ(&flatten(document), &flat);
  // Nothing to merge: a reference into the document itself.
  EXPECT_EQ(&flatten(document["definitions"]["alias"]), &document["definitions"]["named"]);
}

TEST(Flattener, NamesWhatCannotBeFlattened) {
  Json dangling = Json::parse(R"({"$ref": "#/definitions/none"})");
  EXPECT_THROW(Flattener{dangling}(dangling), CannotFlatten);
  EXPECT_EQ(Flattener{dangling}.try_flatten(dangling), nullptr);
  Json remote = Json::parse(R"({"$ref": "other.json#/a"})");
  EXPECT_THROW(Flattener{remote}(remote), CannotFlatten);
  Json endless = Json::parse(R"({"definitions": {"a": {"$ref": "#/definitions/b"},
    "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"})");
  EXPECT_THROW(Flattener{endless}(endless), CannotFlatten);
  Json impossible = Json::parse(R"({"allOf": [{"type": "string"}, false]})");
  EXPECT_THROW(Flattener{impossible}(impossible), CannotFlatten);
}

TEST(SchemaTypes, DeclaredOrImpliedByKeywords) {
  EXPECT_EQ(types_of(Json::parse(R"({"type": ["string", "null"]})")),
            (std::set<std::string>{"null", "string"}));
  EXPECT_EQ(types_of(Json::parse(R"({"minLength": 1})")), std::set<std::string>{"string"});
  EXPECT_EQ(types_of(Json::parse(R"({"items": {}, "required": []})")),
            (std::set<std::string>{"array", "object"}));
  EXPECT_EQ(types_of(Json::object()).size(), 7u);
}

TEST(SchemaMerge, IntersectsTypesAndEnums) {
  Json into = Json::parse(R"({"type": ["integer", "string"], "enum": [1, 2, "a"], "maximum": 9})");
  merge_into(into, Json::parse(R"({"type": "number", "enum": [2, 3], "maximum": 5})"));
  EXPECT_EQ(into["type"], Json::array({"integer"}));
  EXPECT_EQ(into["enum"], Json::array({2}));
  EXPECT_EQ(into["maximum"], 5);
}

}  // namespace
}  // namespace conform::schema
