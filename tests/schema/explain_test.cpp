#include "conform/schema/explain.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conform/schema/compiled_schema.hpp"

namespace conform::schema {
namespace {

using Json = nlohmann::json;

// What the compiled schema says of an instance that breaks it once.
Violation only_violation(const Json& schema, const Json& instance) {
  std::vector<Violation> violations = CompiledSchema::compile(schema, "s.json").validate(instance);
  EXPECT_EQ(violations.size(), 1u) << ::testing::PrintToString(violations.size());
  return violations.empty() ? Violation{} : violations.front();
}

const Json kItem = Json::parse(R"({
  "definitions": {
    "Item": {"type": "object", "required": ["id"], "additionalProperties": false,
             "properties": {"id": {"type": "integer", "minimum": 1},
                            "name": {"type": "string", "maxLength": 3, "pattern": "^[a-z]+$"},
                            "kind": {"enum": ["a", "b"]},
                            "tags": {"type": "array", "maxItems": 1,
                                     "items": {"type": ["string", "null"]}}}}},
  "type": "object",
  "properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/Item"}}}
})");

TEST(Explain, SaysWhatTheSchemaWantedAndTheValueItGot) {
  struct Example {
    Json instance;
    std::string pointer, message, reason, keyword;
  };
  const std::vector<Example> cases = {
      {{{"items", {{{"id", "x"}}}}},
       "/items/0/id",
       "expected integer, got string \"x\"",
       "expected integer, got string",
       "#/definitions/Item/properties/id/type"},
      {{{"items", {{{"id", 0}}}}},
       "/items/0/id",
       "expected at least 1, got 0",
       "expected at least 1, got less",
       "#/definitions/Item/properties/id/minimum"},
      {{{"items", {Json::object()}}},
       "/items/0",
       "missing required property 'id'",
       "missing required property 'id'",
       "#/definitions/Item/required"},
      {{{"items", {{{"id", 1}, {"extra", 1}}}}},
       "/items/0",
       "property 'extra' is not allowed (additionalProperties is false)",
       "property 'extra' is not allowed (additionalProperties is false)",
       "#/definitions/Item/additionalProperties"},
      {{{"items", {{{"id", 1}, {"name", "abcd"}}}}},
       "/items/0/name",
       "expected at most 3 characters, got 4: \"abcd\"",
       "expected at most 3 characters, got more",
       "#/definitions/Item/properties/name/maxLength"},
      {{{"items", {{{"id", 1}, {"name", "A"}}}}},
       "/items/0/name",
       "expected a string matching '^[a-z]+$', got \"A\"",
       "expected a string matching '^[a-z]+$', got a string that does not",
       "#/definitions/Item/properties/name/pattern"},
      {{{"items", {{{"id", 1}, {"kind", "c"}}}}},
       "/items/0/kind",
       "expected one of \"a\" or \"b\", got \"c\"",
       "expected one of \"a\" or \"b\", got another value",
       "#/definitions/Item/properties/kind/enum"},
      {{{"items", {{{"id", 1}, {"tags", {1}}}}}},
       "/items/0/tags/0",
       "expected string or null, got integer 1",
       "expected string or null, got integer",
       "#/definitions/Item/properties/tags/items/type"},
      {{{"items", {{{"id", 1}, {"tags", {"a", "b"}}}}}},
       "/items/0/tags",
       "expected at most 1 item, got 2",
       "expected at most 1 item, got more",
       "#/definitions/Item/properties/tags/maxItems"},
  };
  for (const Example& c : cases) {
    Violation v = only_violation(kItem, c.instance);
    EXPECT_EQ(v.instance_pointer, c.pointer) << c.instance;
    EXPECT_EQ(v.message, c.message) << c.instance;
    EXPECT_EQ(v.reason, c.reason) << c.instance;
    EXPECT_EQ(v.keyword_location, c.keyword) << c.instance;
  }
}

// The keyword is found in the branch of allOf that holds it, and a failing oneOf branch is said
// once, by its own failure, not again as "child schema #0".
TEST(Explain, FindsTheKeywordInsideApplicators) {
  Json schema = Json::parse(R"({"allOf": [{"properties": {"a": {"type": "string"}}},
                                          {"properties": {"a": {"minLength": 2}}}]})");
  Violation v = only_violation(schema, {{"a", "x"}});
  EXPECT_EQ(v.keyword_location, "#/allOf/1/properties/a/minLength");
  EXPECT_EQ(v.message, "expected at least 2 characters, got 1: \"x\"");

  Json one_of = Json::parse(R"({"oneOf": [{"type": "object", "properties": {"e": {"type":
                                            "string"}}, "required": ["e"]}]})");
  std::vector<Violation> found = CompiledSchema::compile(one_of, "s.json").validate({{"e", 1}});
  for (const Violation& each : found) {
    EXPECT_THAT(each.message, ::testing::Not(::testing::HasSubstr("child schema #")));
  }
  EXPECT_TRUE(std::any_of(found.begin(), found.end(), [](const Violation& each) {
    return each.instance_pointer == "/e" && each.message == "expected string, got integer 1" &&
           each.keyword_location == "#/oneOf/0/properties/e/type";
  }));
}

// A message it does not know, or a keyword it cannot find, is kept as the validator said it.
TEST(Explain, KeepsWhatItCannotExplain) {
  Explanation e = explain(Json::object(), Json(1), "", "Something new happened.");
  EXPECT_EQ(e.message, "Something new happened.");
  EXPECT_EQ(e.reason, "Something new happened.");
  EXPECT_EQ(e.keyword_pointer, "");
  e = explain(Json::object(), Json(1), "", "Value type not permitted by 'type' constraint.");
  EXPECT_EQ(e.keyword_pointer, "");  // the schema has no type keyword
  // A reference cycle or a pointer into nothing ends the walk, never loops.
  Json cycle = Json::parse(R"({"definitions": {"a": {"$ref": "#/definitions/b"},
                                               "b": {"$ref": "#/definitions/a"}},
                               "$ref": "#/definitions/a"})");
  e = explain(cycle, Json(1), "/x/y", "Value type not permitted by 'type' constraint.");
  EXPECT_EQ(e.keyword_pointer, "");
}

TEST(QuotedValue, CutsLongValuesOnACharacterBoundary) {
  EXPECT_EQ(quoted_value(Json("short")), "\"short\"");
  std::string long_text(60, 'a');
  long_text[37] = '\xC3';
  long_text[38] = '\xA9';
  std::string quoted = quoted_value(Json(long_text), 39);
  EXPECT_EQ(quoted, "\"" + std::string(37, 'a') + "…");
}

// Only the start of a large value is written out; what is shown is the start of its whole text.
RC_GTEST_PROP(QuotedValue, ShowsTheStartOfTheWholeText, ()) {
  const auto leaf =
      rc::gen::oneOf(rc::gen::map(rc::gen::inRange(-1000, 1000), [](int n) { return Json(n); }),
                     rc::gen::map(rc::gen::container<std::string>(rc::gen::inRange('a', 'e')),
                                  [](std::string s) { return Json(s); }),
                     rc::gen::just(Json(nullptr)));
  const auto inner =
      rc::gen::oneOf(leaf, rc::gen::map(rc::gen::container<std::vector<Json>>(leaf),
                                        [](std::vector<Json> v) { return Json(v); }));
  const Json value = *rc::gen::oneOf(
      rc::gen::map(rc::gen::container<std::vector<Json>>(inner),
                   [](std::vector<Json> v) { return Json(v); }),
      rc::gen::map(rc::gen::container<std::map<std::string, Json>>(
                       rc::gen::container<std::string>(rc::gen::inRange('a', 'e')), inner),
                   [](std::map<std::string, Json> m) { return Json(m); }));
  const auto max_bytes = *rc::gen::inRange<std::size_t>(1, 60);
  const std::string whole = value.dump();
  const std::string expected = whole.size() <= max_bytes ? whole : whole.substr(0, max_bytes) + "…";
  RC_ASSERT(quoted_value(value, max_bytes) == expected);
}

TEST(QuotedValue, AHugeArrayIsNotWrittenOutWhole) {
  Json big = Json::array();
  for (int i = 0; i < 1000000; ++i) big.push_back(i % 10);
  EXPECT_EQ(quoted_value(big, 12), "[0,1,2,3,4,5…");
}

}  // namespace
}  // namespace conform::schema
