#include "conform/gen/values.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

namespace conform::gen {
namespace {

SchemaSourcePtr source(const char* schema) {
  return source_for(nlohmann::json::parse(schema), "test-schema");
}

void expect_all_valid(const char* schema, int count = 400) {
  auto src = source(schema);
  // An independent validator: the generator's own check must not be the only one.
  auto check = schema::CompiledSchema::compile(nlohmann::json::parse(schema));
  for (const auto& value : sample(positive_values(src), 1234, count)) {
    auto violations = check.validate(value);
    EXPECT_TRUE(violations.empty()) << schema << "\nvalue " << value.dump() << "\n"
                                    << (violations.empty() ? "" : violations[0].message);
  }
}

TEST(Values, EveryKeywordFamilyYieldsValidValues) {
  expect_all_valid(
      R"({"type": "integer", "minimum": -5, "exclusiveMaximum": 20, "multipleOf": 3})");
  expect_all_valid(R"({"type": "integer", "minimum": 1e20})");  // past int64: still integers
  expect_all_valid(R"({"type": "integer", "minimum": -1e30, "maximum": -1e25})");
  expect_all_valid(R"({"type": "integer", "minimum": 9223372036854775000})");
  expect_all_valid(R"({"type": "number", "exclusiveMinimum": 0, "maximum": 1})");
  expect_all_valid(R"({"type": "number", "multipleOf": 0.25, "minimum": 1, "maximum": 2})");
  expect_all_valid(R"({"type": "string", "minLength": 3, "maxLength": 5})");
  expect_all_valid(R"({"type": "string", "pattern": "^[a-z]{2}-\\d+$"})");
  expect_all_valid(R"({"type": "string", "pattern": "^(?=.*\\d)[a-z0-9]{1,3}$",
                       "examples": ["a1"]})");
  for (const char* format : {"date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6",
                             "hostname", "uri-reference"}) {
    std::string schema = std::string(R"({"type": "string", "format": ")") + format + "\"}";
    expect_all_valid(schema.c_str(), 100);
  }
  expect_all_valid(R"({"enum": ["a", 1, null]})");
  expect_all_valid(R"({"const": {"x": [1]}})");
  expect_all_valid(R"({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 3},
                       "minItems": 2, "maxItems": 4, "uniqueItems": true})");
  expect_all_valid(R"({"type": "array", "items": [{"type": "string"}, {"type": "boolean"}],
                       "additionalItems": false})");
  expect_all_valid(R"({"type": "array", "contains": {"const": 7}, "items": {"type": "integer"}})");
  expect_all_valid(R"({"type": "object", "required": ["id"], "additionalProperties": false,
                       "properties": {"id": {"type": "integer"}, "tag": {"type": "string"}}})");
  expect_all_valid(R"({"type": "object", "additionalProperties": {"type": "boolean"},
                       "minProperties": 2, "maxProperties": 3})");
  expect_all_valid(R"({"type": "object", "patternProperties": {"^x-[a-z]+$": {"type": "integer"}},
                       "additionalProperties": false})");
  expect_all_valid(R"({"type": "object", "properties": {"card": {"type": "string"},
                       "billing": {"type": "string"}}, "dependencies": {"card": ["billing"]}})");
  expect_all_valid(R"({"allOf": [{"type": "object", "required": ["a"], "properties": {"a":
                       {"type": "integer"}}}, {"required": ["b"], "properties": {"b":
                       {"type": "string", "minLength": 1}}}]})");
  expect_all_valid(R"({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]})");
  expect_all_valid(R"({"oneOf": [{"type": "integer", "multipleOf": 2},
                                  {"type": "integer", "multipleOf": 3}]})");
  expect_all_valid(R"({"type": ["string", "null"], "maxLength": 2})");
  expect_all_valid(R"({"not": {"type": "string"}})");
}

TEST(Values, RecursiveSchemasTerminate) {
  expect_all_valid(R"({"$ref": "#/definitions/node", "definitions": {"node": {"type": "object",
    "required": ["children"], "properties": {"children": {"type": "array",
    "items": {"$ref": "#/definitions/node"}}}}}})",
                   200);
}

TEST(Values, StringsGoBeyondAscii) {
  auto values = sample(positive_values(source(R"({"type": "string", "minLength": 5})")), 3, 300);
  bool non_ascii = std::any_of(values.begin(), values.end(), [](const nlohmann::json& v) {
    const auto& text = v.get_ref<const std::string&>();
    return std::any_of(text.begin(), text.end(), [](char c) { return (c & 0x80) != 0; });
  });
  EXPECT_TRUE(non_ascii);
}

TEST(Values, ExamplesComeFirstOften) {
  auto values =
      sample(positive_values(source(R"({"type": "integer", "examples": [424242]})")), 5, 200);
  EXPECT_GT(std::count(values.begin(), values.end(), 424242), 20);
}

// What a mock answers with: every declared property, nested ones too, and still valid.
TEST(Values, EveryPropertyWhenAsked) {
  const char* schema = R"({"type": "object", "required": ["id"], "properties": {
      "id": {"type": "integer"}, "slug": {"type": "string"},
      "owner": {"type": "object", "properties": {"name": {"type": "string"}}}}})";
  ValueOptions complete;
  complete.every_property = true;
  auto check = schema::CompiledSchema::compile(nlohmann::json::parse(schema));
  for (const auto& value : sample(positive_values(source(schema), complete), 8, 100)) {
    if (!value.is_object()) continue;  // an example of the schema would do as well; it has none
    EXPECT_TRUE(value.contains("slug")) << value.dump();
    ASSERT_TRUE(value.contains("owner")) << value.dump();
    EXPECT_TRUE(value["owner"].contains("name")) << value.dump();
    EXPECT_TRUE(check.validate(value).empty()) << value.dump();
  }
  // By default optional properties come and go.
  int without_slug = 0;
  for (const auto& value : sample(positive_values(source(schema)), 8, 100)) {
    without_slug += !value.contains("slug");
  }
  EXPECT_GT(without_slug, 10);
}

// Merged allOf schemas are kept by address: two required properties, items of one array, or
// properties of an anyOf branch must never be taken for one another. Box's trash answers came out
// as a string where a user object belongs, and the mock answered 500.
TEST(Values, MergedSchemasAreNotTakenForOneAnother) {
  const char* schema = R"({"type": "object", "required": ["name", "owner", "tags", "pick"],
      "properties": {
        "name": {"allOf": [{"type": "string"}, {}]},
        "owner": {"allOf": [{"type": "object", "required": ["id"],
                             "properties": {"id": {"type": "integer"}}}, {}]},
        "tags": {"type": "array", "minItems": 2, "items": {"allOf": [{"type": "boolean"}]}},
        "pick": {"anyOf": [{"type": "object", "required": ["a", "b"], "properties": {
                   "a": {"allOf": [{"type": "string"}]}, "b": {"allOf": [{"type": "integer"}]}}}]}}})";
  auto check = schema::CompiledSchema::compile(nlohmann::json::parse(schema));
  auto document = nlohmann::json::parse(schema);
  for (int seed = 0; seed < 50; ++seed) {
    auto value =
        sample(rc::gen::exec([&] { return detail::build_value(document, document, {}, 0); }),
               static_cast<std::uint64_t>(seed), 1)
            .front();
    EXPECT_TRUE(check.validate(value).empty()) << value.dump();
  }
}

TEST(Values, TheSeedDeterminesTheValues) {
  auto gen = positive_values(source(R"({"type": "object", "properties": {"a": {"type": "string"},
                                        "b": {"type": "number"}}})"));
  EXPECT_EQ(sample(gen, 99, 50), sample(gen, 99, 50));
  EXPECT_NE(sample(gen, 99, 50), sample(gen, 100, 50));
}

TEST(Values, UnsatisfiableSchemasAreReportedByLocation) {
  for (const char* schema :
       {R"({"type": "integer", "minimum": 5, "maximum": 1})",
        R"({"allOf": [{"type": "string"}, {"type": "integer"}]})", R"({"enum": []})", R"(false)"}) {
    try {
      sample(positive_values(source(schema)), 1, 1);
      ADD_FAILURE() << "generated a value for " << schema;
    } catch (const Unsatisfiable& e) {
      EXPECT_EQ(e.location(), "test-schema");
      EXPECT_FALSE(e.reason().empty());
    }
  }
}

// What a schema asks for does not decide what conform spends: past the caps the schema is
// reported unsatisfiable at once, with the keyword that asked too much.
TEST(Values, HugeMinimumsAreRefusedAtTheCapNotBuilt) {
  struct Case {
    const char* schema;
    const char* says;
  };
  for (const Case& c :
       {Case{R"({"type": "string", "minLength": 2000000000})", "minLength 2000000000"},
        Case{R"({"type": "array", "minItems": 1000000000})", "minItems 1000000000"},
        Case{R"({"type": "object", "minProperties": 100000})", "minProperties 100000"},
        // Each level is modest; together they are 10^9 strings.
        Case{R"({"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000,
              "items": {"type": "array", "minItems": 1000, "items": {"type": "string"}}}})",
             "larger than conform's cap"}}) {
    try {
      sample(positive_values(source(c.schema)), 1, 1);
      ADD_FAILURE() << "generated a value for " << c.schema;
    } catch (const Unsatisfiable& e) {
      EXPECT_THAT(e.reason(), ::testing::HasSubstr(c.says));
    }
  }
  expect_all_valid(R"({"type": "string", "minLength": 60000})", 3);  // under the cap: built
}

TEST(Values, PatternsOutsideTheSubsetAreNoted) {
  auto notes = generation_notes(*source(R"({"properties": {"p": {"pattern": "^(?=x).+$"},
                                            "q": {"pattern": "^[a-z]$"}}})"));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], ::testing::HasSubstr("lookaround"));
}

// Shrinking as RapidCheck does it: from a failing value, keep taking the first smaller value that
// still fails. "Arrays of three or more integers fail" must end at three small integers.
TEST(Values, FailingValuesShrinkToMinimalOnes) {
  auto gen = positive_values(source(R"({"type": "array", "items": {"type": "integer"},
                                         "minItems": 0, "maxItems": 30})"));
  auto fails = [](const nlohmann::json& v) { return v.size() >= 3; };
  std::optional<rc::Shrinkable<nlohmann::json>> current;
  rc::Random random(17);
  for (int i = 0; i < 200 && !current; ++i) {
    auto candidate = gen(random.split(), rc::kNominalSize);
    if (fails(candidate.value())) current = candidate;
  }
  ASSERT_TRUE(current) << "no failing value drawn";
  bool progress = true;
  while (progress) {
    progress = false;
    auto shrinks = current->shrinks();
    while (auto next = shrinks.next()) {
      if (fails(next->value())) {
        current = *next;
        progress = true;
        break;
      }
    }
  }
  EXPECT_EQ(current->value(), nlohmann::json::parse("[0, 0, 0]"));
}

RC_GTEST_PROP(Values, GeneratedObjectsHoldTheirRequiredProperties, ()) {
  static const auto gen = positive_values(source(R"({"type": "object", "required": ["id", "name"],
    "properties": {"id": {"type": "integer", "minimum": 1}, "name": {"type": "string"}}})"));
  const auto value = *gen;
  RC_ASSERT(value.contains("id"));
  RC_ASSERT(value["id"].get<std::int64_t>() >= 1);
  RC_ASSERT(value["name"].is_string());
}

}  // namespace
}  // namespace conform::gen
