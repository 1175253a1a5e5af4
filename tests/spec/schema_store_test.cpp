#include "conform/spec/schema_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

using ::testing::Contains;
using ::testing::Field;

class SchemaStoreTest : public ::testing::Test {
 protected:
  static const Spec& v30() {
    static const Spec spec = Spec::load(test::data("features-3.0.yaml"), {.thorough = true});
    return spec;
  }
  static const Spec& v31() {
    static const Spec spec = Spec::load(test::data("features-3.1.yaml"), {.thorough = true});
    return spec;
  }
  static const nlohmann::json& normalized(const Spec& spec, const std::string& name) {
    auto id = spec.schemas().find({spec.file(), "/components/schemas/" + name});
    EXPECT_TRUE(id.has_value()) << name;
    return spec.schemas().normalized(*id);
  }
  static std::vector<std::string> codes(const Spec& spec) {
    std::vector<std::string> out;
    const core::Diagnostics all = spec.diagnostics();
    for (const auto& d : all.items()) out.push_back(d.code + " " + d.pointer);
    return out;
  }
};

TEST_F(SchemaStoreTest, NullableBecomesATypeArray) {
  const auto& item = normalized(v30(), "Item");
  EXPECT_EQ(item["properties"]["name"]["type"], nlohmann::json::array({"string", "null"}));
  EXPECT_FALSE(item["properties"]["name"].contains("nullable"));
}

TEST_F(SchemaStoreTest, NullableEnumWithoutNullIsNoted) {
  EXPECT_THAT(codes(v30()),
              Contains("schema.nullable-enum /components/schemas/Item/properties/kind/nullable"));
}

TEST_F(SchemaStoreTest, BooleanExclusiveBoundsBecomeNumeric) {
  const auto& count = normalized(v30(), "Item")["properties"]["count"];
  EXPECT_EQ(count["exclusiveMinimum"], 0);
  EXPECT_FALSE(count.contains("minimum"));
  const auto& ratio = normalized(v30(), "Item")["properties"]["ratio"];
  EXPECT_EQ(ratio["maximum"], 1);
  EXPECT_FALSE(ratio.contains("exclusiveMaximum"));
}

TEST_F(SchemaStoreTest, Int32FormatBecomesARange) {
  const auto& count = normalized(v30(), "Item")["properties"]["count"];
  ASSERT_TRUE(count.contains("allOf"));
  EXPECT_EQ(count["allOf"][0]["maximum"], 2147483647);
  EXPECT_EQ(count["allOf"][0]["minimum"], -2147483648LL);
}

TEST_F(SchemaStoreTest, PrefixItemsBecomeTupleItems) {
  const auto& tuple = normalized(v31(), "Tuple");
  EXPECT_EQ(tuple["items"].size(), 2u);
  EXPECT_EQ(tuple["additionalItems"], false);
}

TEST_F(SchemaStoreTest, DependentRequiredBecomesDependencies) {
  EXPECT_EQ(normalized(v31(), "Deps")["dependencies"]["card"], nlohmann::json({"billing"}));
}

TEST_F(SchemaStoreTest, ExamplesStayAsAnnotationsAndAreRemembered) {
  EXPECT_EQ(normalized(v31(), "Maybe")["examples"], nlohmann::json::parse(R"(["x", null])"));
  EXPECT_FALSE(normalized(v30(), "Item")["properties"]["name"].contains("example"));
  const auto& examples = v31().schemas().examples();
  EXPECT_TRUE(std::any_of(examples.begin(), examples.end(), [](const SchemaExample& e) {
    return e.value.pointer == "/components/schemas/Maybe/examples/1";
  }));
}

TEST_F(SchemaStoreTest, RefWithSiblingsIn31KeepsBoth) {
  const auto& sibling = normalized(v31(), "WithSibling");
  EXPECT_EQ(sibling["required"], nlohmann::json({"card"}));
  ASSERT_TRUE(sibling.contains("allOf"));
  EXPECT_TRUE(sibling["allOf"][0].contains("$ref"));
}

TEST_F(SchemaStoreTest, KeywordsThatCannotBeHonouredAreNamed) {
  EXPECT_THAT(codes(v31()), Contains("schema.unsupported-keyword "
                                     "/components/schemas/Future/unevaluatedProperties"));
  EXPECT_THAT(codes(v31()), Contains("schema.nullable-in-3.1 /components/schemas/Future/nullable"));
}

TEST_F(SchemaStoreTest, RecursiveSchemasReferToThemselves) {
  const auto& node = normalized(v31(), "Node");
  auto id = v31().schemas().find({v31().file(), "/components/schemas/Node"});
  EXPECT_EQ(node["properties"]["next"]["$ref"],
            "#/definitions/" + SchemaStore::definition_name(*id));
  auto standalone = v31().schemas().standalone(*id, Direction::neutral);
  EXPECT_EQ(standalone["definitions"].size(), 1u);
}

TEST_F(SchemaStoreTest, DirectionHidesReadOnlyOrWriteOnlyProperties) {
  auto id = *v30().schemas().find({v30().file(), "/components/schemas/Item"});
  auto name = SchemaStore::definition_name(id);
  auto request = v30().schemas().standalone(id, Direction::request)["definitions"][name];
  auto response = v30().schemas().standalone(id, Direction::response)["definitions"][name];
  auto neutral = v30().schemas().standalone(id, Direction::neutral)["definitions"][name];
  EXPECT_FALSE(request["properties"].contains("id"));
  EXPECT_EQ(request["required"], nlohmann::json({"name", "secret"}));
  EXPECT_FALSE(response["properties"].contains("secret"));
  EXPECT_EQ(response["required"], nlohmann::json({"id", "name"}));
  EXPECT_TRUE(neutral["properties"].contains("id"));
  EXPECT_TRUE(neutral["properties"].contains("secret"));
}

TEST_F(SchemaStoreTest, HostileNestingIsReportedNotRecursedInto) {
  std::string deep;
  for (int i = 0; i < 400; ++i) deep += "{\"items\": ";
  deep += "{}";
  for (int i = 0; i < 400; ++i) deep += "}";
  auto dir = std::filesystem::temp_directory_path() / "conform-deep-schema.json";
  std::ofstream(dir) << R"({"openapi": "3.1.0", "info": {"title": "d", "version": "1"},
    "components": {"schemas": {"Deep": )"
                     << deep << "}}}";
  Spec spec = Spec::load(dir, {.thorough = true});
  EXPECT_THAT(codes(spec), Contains(::testing::StartsWith("schema.too-deep")));
  std::filesystem::remove(dir);
}

// A description with the given components.schemas, written to a file of this process.
Spec with_schemas(const std::string& schemas) {
  auto file = std::filesystem::temp_directory_path() /
              ("conform-schemas-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << R"({"openapi": "3.0.3", "info": {"title": "s", "version": "1"},
    "paths": {}, "components": {"schemas": )"
                      << schemas << "}}";
  Spec spec = Spec::load(file, {.thorough = true});
  std::filesystem::remove(file);
  return spec;
}

TEST_F(SchemaStoreTest, ReferenceCyclesThatNeverReachAValueAreErrors) {
  Spec self = with_schemas(R"({"A": {"$ref": "#/components/schemas/A"}})");
  EXPECT_THAT(codes(self), Contains("schema.ref-cycle /components/schemas/A"));
  Spec pair = with_schemas(R"({"A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
                               "B": {"not": {"$ref": "#/components/schemas/A"}}})");
  EXPECT_THAT(codes(pair), Contains(::testing::StartsWith("schema.ref-cycle")));
  // The schemas read as {} afterwards: nothing that walks them recurses.
  EXPECT_EQ(pair.schemas().normalized(*pair.schemas().find({pair.file(), "/components/schemas/B"})),
            nlohmann::json::object());
}

TEST_F(SchemaStoreTest, RecursionThroughPropertiesOrItemsIsAType) {
  Spec tree = with_schemas(R"({"Tree": {"type": "object", "properties": {
      "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
      "parent": {"allOf": [{"$ref": "#/components/schemas/Tree"}]}}}})");
  for (const std::string& code : codes(tree)) {
    EXPECT_THAT(code, ::testing::Not(::testing::StartsWith("schema.ref-cycle")));
  }
}

TEST_F(SchemaStoreTest, ChainsOfReferencesTooDeepToFollowAreErrors) {
  auto chain = [](int length) {
    std::string schemas = "{";
    for (int i = 0; i < length; ++i) {
      schemas += "\"S" + std::to_string(i) + "\": {\"$ref\": \"#/components/schemas/S" +
                 std::to_string(i + 1) + "\"},";
    }
    return schemas + "\"S" + std::to_string(length) + "\": {\"type\": \"string\"}}";
  };
  EXPECT_THAT(codes(with_schemas(chain(100))),
              ::testing::Each(::testing::Not(::testing::StartsWith("schema.too-deep"))));
  Spec deep = with_schemas(chain(30000));
  std::vector<std::string> found = codes(deep);
  EXPECT_EQ(std::count_if(found.begin(), found.end(),
                          [](const std::string& c) { return c.starts_with("schema.too-deep"); }),
            1);  // once, where the chain starts, not at each of its 30,000 links
}

TEST_F(SchemaStoreTest, ConstraintsWithUnusableValuesAreErrors) {
  Spec spec = with_schemas(R"({"Zero": {"type": "integer", "multipleOf": 0},
                               "Negative": {"type": "string", "minLength": -1},
                               "Text": {"type": "integer", "maximum": "10"}})");
  EXPECT_THAT(codes(spec), Contains("schema.invalid-keyword /components/schemas/Zero/multipleOf"));
  EXPECT_THAT(codes(spec),
              Contains("schema.invalid-keyword /components/schemas/Negative/minLength"));
  EXPECT_THAT(codes(spec), Contains("schema.invalid-keyword /components/schemas/Text/maximum"));
  EXPECT_FALSE(normalized(spec, "Zero").contains("multipleOf"));
}

}  // namespace
}  // namespace conform::spec
