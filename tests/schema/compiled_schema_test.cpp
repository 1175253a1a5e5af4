#include "conform/schema/compiled_schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <thread>

#include "conform/core/error.hpp"

namespace conform::schema {
namespace {

using ::testing::HasSubstr;

CompiledSchema compile(const char* text) {
  return CompiledSchema::compile(nlohmann::json::parse(text), "s");
}
nlohmann::json json(const char* text) { return nlohmann::json::parse(text); }

std::vector<std::string> pointers(const std::vector<Violation>& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.instance_pointer);
  return out;
}

TEST(CompiledSchema, ReportsEveryViolationWithItsPointer) {
  auto schema = compile(R"({"type": "object", "required": ["id"],
    "properties": {"tags": {"type": "array", "items": {"type": "string"}},
                   "a/b": {"type": "integer"}}})");
  auto violations = schema.validate(json(R"({"tags": ["x", 3], "a/b": "no"})"));
  EXPECT_THAT(pointers(violations), ::testing::UnorderedElementsAre("", "/tags/1", "/a~1b"));
  for (const auto& v : violations) EXPECT_EQ(v.schema_location, "s");
  EXPECT_TRUE(schema.accepts(json(R"({"id": 1, "tags": []})")));
}

TEST(CompiledSchema, ValidatesRecursiveData) {
  auto schema = compile(R"({"$ref": "#/definitions/node", "definitions": {"node": {
    "type": "object", "properties": {"value": {"type": "integer"},
    "next": {"$ref": "#/definitions/node"}}}}})");
  EXPECT_TRUE(schema.accepts(json(R"({"value": 1, "next": {"value": 2, "next": {}}})")));
  auto violations = schema.validate(json(R"({"next": {"next": {"value": "x"}}})"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].instance_pointer, "/next/next/value");
}

TEST(CompiledSchema, DeepInstancesAreRefusedNotOverflowed) {
  auto schema = compile(R"({"$ref": "#/definitions/a", "definitions": {"a": {"type": "array",
    "items": {"$ref": "#/definitions/a"}}}})");
  nlohmann::json deep = nlohmann::json::array();
  for (int i = 0; i < 100000; ++i) deep = nlohmann::json::array({std::move(deep)});
  auto violations = schema.validate(deep);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].message, HasSubstr("nests deeper"));
  nlohmann::json fine = nlohmann::json::array();
  for (int i = 0; i < CompiledSchema::kMaxInstanceDepth; ++i) {
    fine = nlohmann::json::array({std::move(fine)});
  }
  EXPECT_TRUE(schema.accepts(fine));
}

TEST(CompiledSchema, ADeepInstanceIsRefusedAtThePointerWhereItGoesTooDeep) {
  nlohmann::json deep = 1;
  for (int i = 0; i < 300; ++i) deep = nlohmann::json{{"k", std::move(deep)}};
  nlohmann::json instance = nlohmann::json::array({0, {{"a", 1}}, std::move(deep)});
  auto violations = compile("{}").validate(instance);
  ASSERT_EQ(violations.size(), 1u);
  std::string expected = "/2";
  for (int level = 2; level <= CompiledSchema::kMaxInstanceDepth + 1; ++level) expected += "/k";
  EXPECT_EQ(violations[0].instance_pointer, expected);
}

nlohmann::json integers(int count) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < count; ++i) out.push_back(i);
  return out;
}

// A 10 MB response of wrong items was millions of failures: gigabytes, and seconds to list.
TEST(CompiledSchema, AFloodOfFailuresIsListedUpToABoundThatItNames) {
  auto schema = compile(R"({"type": "array", "items": {"type": "string"}})");
  auto violations = schema.validate(integers(200000));
  ASSERT_GT(violations.size(), 10u);
  EXPECT_LE(violations.size(), CompiledSchema::kMaxListedFailures + 1);
  EXPECT_EQ(violations[0].instance_pointer, "/0");
  EXPECT_EQ(violations[1].instance_pointer, "/1");
  EXPECT_EQ(violations.back().instance_pointer, "");
  EXPECT_THAT(violations.back().message, HasSubstr("more failures than conform lists (1000)"));
  // Below the bound the list is whole, with no such line.
  EXPECT_EQ(schema.validate(integers(100)).size(), 100u);
}

TEST(CompiledSchema, ABranchFullOfFailuresDecidesNothingOnItsOwn) {
  // The first branch fills its list; the second accepts: the instance is valid.
  auto either = compile(R"({"anyOf": [{"items": {"type": "string"}}, {"type": "array"}]})");
  EXPECT_THAT(either.validate(integers(5000)), ::testing::IsEmpty());
  // Both branches fill their lists: invalid, said once at the root.
  auto neither = compile(R"({"anyOf": [{"items": {"type": "string"}},
                                       {"items": {"type": "boolean"}}]})");
  auto violations = neither.validate(integers(5000));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].instance_pointer, "");
  EXPECT_THAT(violations[0].message, HasSubstr("does not match the schema, and has more failures"));
}

// valijson compared every pair and listed every equal pair: 5,000 equal items took 292 s and 7 GB.
TEST(CompiledSchema, UniqueItemsSortsRatherThanComparingEveryPair) {
  auto schema = compile(R"({"type": "array", "uniqueItems": true})");
  EXPECT_TRUE(schema.accepts(integers(200000)));
  nlohmann::json zeros = nlohmann::json::array();
  for (int i = 0; i < 200000; ++i) zeros.push_back(0);
  auto violations = schema.validate(zeros);
  EXPECT_LE(violations.size(), CompiledSchema::kMaxListedFailures + 1);
  ASSERT_FALSE(violations.empty());
  EXPECT_EQ(violations[0].instance_pointer, "");
  EXPECT_EQ(violations[0].reason, "expected unique items, got repeated ones");
  EXPECT_EQ(violations[0].message, "expected unique items, got item 1 equal to item 0");
  auto one = schema.validate(json(R"([3, "a", 3.0, "b", "a"])"));
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].message, "expected unique items, got item 2 equal to item 0");
  EXPECT_EQ(one[1].message, "expected unique items, got item 4 equal to item 1");
  EXPECT_FALSE(schema.accepts(json(R"([1, {"a": [2]}, 1.0])")));
  EXPECT_FALSE(schema.accepts(json(R"([{"a": 1, "b": 2}, {"b": 2, "a": 1}])")));
  EXPECT_TRUE(schema.accepts(json(R"([1, true, "1", [1], {"1": 1}, null, 0, false])")));
  EXPECT_TRUE(compile(R"({"uniqueItems": false})").accepts(zeros));
}

TEST(CompiledSchema, PatternOnAHugeStringNeitherCrashesNorHangs) {
  auto schema = compile(R"({"type": "string", "pattern": "^(a|b)*$"})");
  std::string huge(5'000'000, 'a');
  auto outcome = schema.validate(huge);
  // Either answer is acceptable if it comes back; std::regex would have overflowed the stack.
  if (!outcome.empty()) {
    EXPECT_THAT(outcome[0].message, HasSubstr("match limit"));
  }
  EXPECT_FALSE(schema.accepts(huge + "c"));
}

TEST(CompiledSchema, CatastrophicBacktrackingGivesUpWithAViolation) {
  auto schema = compile(R"({"pattern": "^(a+)+$"})");
  auto violations = schema.validate(std::string(64, 'a') + "!");
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].message, HasSubstr("could not be evaluated"));
}

TEST(CompiledSchema, PatternsUseEcmaScriptSemantics) {
  auto schema = compile(R"({"pattern": "^\\d{3}$"})");
  EXPECT_TRUE(schema.accepts("123"));
  EXPECT_FALSE(schema.accepts("123\n"));  // `$` is the end, not "before a final newline"
  EXPECT_TRUE(schema.accepts(42));        // pattern ignores non-strings
  EXPECT_TRUE(compile(R"({"pattern": "^\\u0041$"})").accepts("A"));
}

TEST(CompiledSchema, InvalidPatternIsACompileError) {
  try {
    compile(R"({"pattern": "([a-z"})");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "schema.invalid-pattern");
    EXPECT_THAT(e.diagnostic().message, HasSubstr("([a-z"));
  }
}

TEST(CompiledSchema, PatternPropertiesAreMatchedWithBoundedEffort) {
  // std::regex, which valijson would use, takes exponential time on this name.
  auto schema = compile(R"({"patternProperties": {"^(a+)+$": {"type": "string"}}})");
  auto violations = schema.validate(nlohmann::json{{std::string(33, 'a') + "!", 1}});
  EXPECT_TRUE(violations.empty() ||
              violations[0].message.find("within the match limit") != std::string::npos);
  auto long_name = compile(R"({"patternProperties": {"^(x|y)*$": {"type": "integer"}}})");
  EXPECT_TRUE(long_name.accepts(nlohmann::json{{std::string(100000, 'x'), 1}}));
  EXPECT_FALSE(long_name.accepts(json(R"({"xy": "no"})")));
}

TEST(CompiledSchema, PatternPropertiesKeepJsonSchemaMeaning) {
  auto schema = compile(R"({"properties": {"id": {"type": "integer"}},
    "patternProperties": {"^x-": {"type": "string"}, "y$": {"minLength": 2}},
    "additionalProperties": false})");
  EXPECT_TRUE(schema.accepts(json(R"({"id": 1, "x-a": "s", "x-y": "ok"})")));
  auto violations = schema.validate(json(R"({"x-a": 3, "other": 1, "x-y": "1"})"));
  std::vector<std::string> pointers;
  for (const auto& v : violations) pointers.push_back(v.instance_pointer);
  EXPECT_THAT(pointers, ::testing::UnorderedElementsAre("/x-a", "/other", "/x-y"));
  // A schema for additional properties applies to names no pattern matches, at their pointer.
  auto additional = compile(R"({"patternProperties": {"^n": {"type": "integer"}},
    "additionalProperties": {"type": "object", "required": ["z"]}})");
  EXPECT_TRUE(additional.accepts(json(R"({"n1": 1, "o": {"z": 0}})")));
  auto nested = additional.validate(json(R"({"o": {"a": {}}})"));
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].instance_pointer, "/o");
}

// Found by fuzzing: valijson resolved these 8,255 empty tokens one recursive call each, and the
// scheme written in the fragment made the reference pass for an absolute URI.
TEST(CompiledSchema, ReferencesValijsonCannotFollowSafelyAreCompileErrors) {
  auto refused = [](const std::string& ref) -> std::string {
    try {
      CompiledSchema::compile(nlohmann::json{{"$ref", ref}}, "s");
    } catch (const core::Error& e) {
      return e.diagnostic().message;
    }
    return "compiled";
  };
  EXPECT_THAT(refused("htt#" + std::string(8255, '/') + "x]://:er"),
              HasSubstr("neither a fragment nor an absolute URI"));
  // The document itself, as an empty reference: the first attempt at the check above let it
  // through, and fuzzing found valijson recursing on it at once.
  EXPECT_THAT(refused(""), HasSubstr("neither a fragment nor an absolute URI"));
  std::string deep = refused("https://example.com/s.json#" + std::string(100000, '/'));
  EXPECT_THAT(deep, HasSubstr("100000 tokens, more than any document nests"));
  EXPECT_LT(deep.size(), 300u);  // the reference is shown cut short
  EXPECT_NE(refused("#" + std::string(100000, '/')), "compiled");
  // Found by fuzzing: valijson read "#/" as the root, which refers to itself.
  try {
    CompiledSchema::compile(nlohmann::json::parse(R"({"$ref": "#/", "": 8})"), "s");
    ADD_FAILURE() << "compiled";
  } catch (const core::Error& e) {
    EXPECT_THAT(e.diagnostic().message, HasSubstr("has an empty token"));
  }
  EXPECT_THAT(refused("https://example.com/s.json#/definitions//a"),
              HasSubstr("has an empty token"));
  // Within the depth, a pointer is followed as before.
  EXPECT_TRUE(compile(R"({"$ref": "#/definitions/a", "definitions": {"a": {"type": "string"}}})")
                  .accepts("x"));
}

TEST(CompiledSchema, MultipleOfZeroIsACompileError) {
  EXPECT_THROW(compile(R"({"type": "integer", "multipleOf": 0})"), core::Error);
  EXPECT_THROW(compile(R"({"items": {"multipleOf": -2}})"), core::Error);
}

// valijson converted the instance to int64 before dividing by an integer: 9.5 passed as a multiple
// of 3, and a double past 2^63 was undefined behaviour (found by fuzz_schema).
TEST(CompiledSchema, IntegerMultipleOfIsExactForEveryNumber) {
  auto three = compile(R"({"multipleOf": 3})");
  EXPECT_TRUE(three.accepts(json("9")));
  EXPECT_TRUE(three.accepts(json("-9")));
  EXPECT_TRUE(three.accepts(json("9.0")));
  EXPECT_TRUE(three.accepts(json("0")));
  EXPECT_FALSE(three.accepts(json("10")));
  EXPECT_FALSE(three.accepts(json("9.5")));
  // 2^70, exactly a double: even, and 1 more than a multiple of 3.
  EXPECT_FALSE(three.accepts(json("1180591620717411303424.0")));
  EXPECT_TRUE(compile(R"({"multipleOf": 2})").accepts(json("1180591620717411303424.0")));
  auto violations = three.validate(json("[10]"));
  EXPECT_TRUE(violations.empty());  // not a number: no opinion
  auto items = compile(R"({"items": {"multipleOf": 3}})").validate(json("[3, 4]"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].instance_pointer, "/1");
  EXPECT_THAT(items[0].message, HasSubstr("multiple of 3"));
  // A divisor past int64 leaves only 0 among the integers.
  auto huge = compile(R"({"multipleOf": 18446744073709551615})");
  EXPECT_TRUE(huge.accepts(json("0")));
  EXPECT_FALSE(huge.accepts(json("5")));
  // Fractional divisors stay with valijson's tolerant check.
  EXPECT_TRUE(compile(R"({"multipleOf": 0.01})").accepts(json("0.07")));
}

// JSON Schema's integer is any number without a fractional part, of any size: a server may write
// 1e20 or a 21-digit integer, and Python's jsonschema accepts both.
TEST(CompiledSchema, IntegersOfAnySizeAreIntegers) {
  auto integer = compile(R"({"type": "integer"})");
  for (const char* text : {"1", "1.0", "-0.0", "9007199254740993", "1e15", "1e16", "1e19", "-1e19",
                           "9223372036854775807", "9223372036854775808", "18446744073709551615",
                           "100000000000000000000", "1e20", "-1e300", "1.7976931348623157e308"}) {
    EXPECT_TRUE(integer.accepts(json(text))) << text;
  }
  for (const char* text : {"1.5", "-0.5", "4503599627370495.5", "\"1\"", "true", "null"}) {
    EXPECT_FALSE(integer.accepts(json(text))) << text;
  }
  auto violations = integer.validate(json("2.5"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].message, HasSubstr("integer"));

  // The bounds still see the number's size: an unsigned past int64 is not read as negative.
  auto bounded = compile(R"({"type": "integer", "minimum": 0, "maximum": 1e19})");
  EXPECT_TRUE(bounded.accepts(json("10000000000000000000")));
  EXPECT_TRUE(bounded.accepts(json("1e19")));
  EXPECT_FALSE(bounded.accepts(json("18446744073709551615")));
  EXPECT_FALSE(bounded.accepts(json("1e20")));
  EXPECT_FALSE(compile(R"({"maximum": 100})").accepts(json("18446744073709551615")));
  EXPECT_TRUE(compile(R"({"minimum": 0})").accepts(json("18446744073709551615")));

  // Beside other types, and where "number" already admits it.
  auto either = compile(R"({"type": ["integer", "string"]})");
  EXPECT_TRUE(either.accepts(json("1e20")));
  EXPECT_TRUE(either.accepts(json("\"x\"")));
  EXPECT_FALSE(either.accepts(json("1.5")));
  EXPECT_FALSE(either.accepts(json("null")));
  EXPECT_TRUE(compile(R"({"type": ["integer", "number"]})").accepts(json("1.5")));
  // `not` and `enum` keep their meaning.
  EXPECT_FALSE(compile(R"({"not": {"type": "integer"}})").accepts(json("1e20")));
  EXPECT_TRUE(compile(R"({"not": {"type": "integer"}})").accepts(json("1.5")));
  EXPECT_TRUE(compile(R"({"type": "integer", "enum": [3]})").accepts(json("3.0")));
}

// A small JSON value: the shapes and numbers the schemas below tell apart.
rc::Gen<nlohmann::json> small_json(int depth) {
  std::vector<rc::Gen<nlohmann::json>> leaves = {
      rc::gen::just(nlohmann::json(nullptr)),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return nlohmann::json(b); }),
      rc::gen::map(rc::gen::inRange(-5, 40), [](int i) { return nlohmann::json(i); }),
      rc::gen::map(rc::gen::element(1.5, 2.0, 1e20, -0.5, 18446744073709551615.0),
                   [](double d) { return nlohmann::json(d); }),
      rc::gen::map(rc::gen::element<std::string>("", "ab", "abc9", "name", "x-y"),
                   [](std::string t) { return nlohmann::json(t); })};
  if (depth > 2) return rc::gen::oneOf(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4]);
  auto array = rc::gen::map(rc::gen::container<std::vector<nlohmann::json>>(small_json(depth + 1)),
                            [](std::vector<nlohmann::json> items) {
                              nlohmann::json out = nlohmann::json::array();
                              for (auto& item : items) out.push_back(std::move(item));
                              return out;
                            });
  auto object = rc::gen::map(
      rc::gen::container<std::map<std::string, nlohmann::json>>(
          rc::gen::element<std::string>("id", "name", "tags", "x-a", "zz"), small_json(depth + 1)),
      [](std::map<std::string, nlohmann::json> members) { return nlohmann::json(members); });
  return rc::gen::oneOf(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], array, object);
}

// accepts() is validate().empty() without the list: the two must never disagree.
RC_GTEST_PROP(CompiledSchema, AcceptsAgreesWithValidate, ()) {
  static const std::vector<CompiledSchema> schemas = [] {
    std::vector<CompiledSchema> out;
    for (const char* text :
         {R"({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer",
              "minimum": 0, "multipleOf": 2}, "name": {"type": "string", "pattern": "^[a-z]+$"},
              "tags": {"type": "array", "items": {"type": ["integer", "string"]},
              "uniqueItems": true, "maxItems": 3}}, "additionalProperties": false})",
          R"({"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 3}]})",
          R"({"oneOf": [{"type": "number", "maximum": 10}, {"type": "integer"}]})",
          R"({"type": "object", "patternProperties": {"^x-": {"type": "boolean"}},
              "propertyNames": {"maxLength": 4}})",
          R"({"not": {"enum": [1, "ab", null]}})",
          R"({"$ref": "#/definitions/t", "definitions": {"t": {"type": ["array", "null"],
              "items": {"$ref": "#/definitions/t"}}}})"}) {
      out.push_back(compile(text));
    }
    return out;
  }();
  const nlohmann::json instance = *small_json(0);
  for (const CompiledSchema& schema : schemas) {
    RC_ASSERT(schema.accepts(instance) == schema.validate(instance).empty());
  }
}

// accepts_member() is accepts() on the object built around the value: the two must never
// disagree (SpecSchemas validates each schema of a description that way, through its bundle).
RC_GTEST_PROP(CompiledSchema, AcceptsMemberAgreesWithAcceptsOnTheWrappedValue, ()) {
  static const CompiledSchema bundle = compile(R"({
    "definitions": {
      "s0": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer",
             "minimum": 0}, "name": {"type": "string", "pattern": "^[a-z]+$"}},
             "additionalProperties": false},
      "s1": {"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 3}]},
      "s2": {"type": "object", "patternProperties": {"^x-": {"type": "boolean"}},
             "propertyNames": {"maxLength": 4}},
      "s3": {"type": ["array", "null"], "items": {"$ref": "#/definitions/s3"}}},
    "properties": {
      "b0": {"properties": {"s0": {"$ref": "#/definitions/s0"}, "s1": {"$ref": "#/definitions/s1"}}},
      "b1": {"properties": {"s2": {"$ref": "#/definitions/s2"}, "s3": {"$ref": "#/definitions/s3"}}}}})");
  const nlohmann::json instance = *small_json(0);
  for (const auto& [outer, inner] : std::vector<std::pair<std::string, std::string>>{
           {"b0", "s0"}, {"b0", "s1"}, {"b1", "s2"}, {"b1", "s3"}}) {
    nlohmann::json wrapped;
    wrapped[outer][inner] = instance;
    auto member = bundle.accepts_member(outer, inner, instance);
    RC_ASSERT(member.has_value());
    RC_ASSERT(*member == bundle.accepts(wrapped));
  }
  RC_ASSERT(!bundle.accepts_member("b0", "s2", instance).has_value());  // s2 is in b1
  RC_ASSERT(!bundle.accepts_member("b9", "s0", instance).has_value());
}

TEST(CompiledSchema, PropertyNamesWorkInsideReferencedSchemas) {
  // valijson 1.0 applies the parent schema to property names reached through $ref.
  auto schema = compile(R"({"$ref": "#/definitions/m", "definitions": {"m": {"type": "object",
    "propertyNames": {"pattern": "^api\\."}}}})");
  EXPECT_TRUE(schema.accepts(json(R"({"api.x": 1})")));
  auto violations = schema.validate(json(R"({"api.x": 1, "other": 2})"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].instance_pointer, "/other");
}

TEST(CompiledSchema, ChecksOpenApiFormats) {
  auto schema = compile(R"({"properties": {"when": {"format": "date-time"},
    "id": {"format": "uuid"}, "mail": {"format": "email"}, "other": {"format": "made-up"}}})");
  EXPECT_TRUE(schema.accepts(json(R"({"when": "2026-02-28T10:00:00Z",
    "id": "123e4567-e89b-12d3-a456-426614174000", "mail": "a@b.co", "other": "anything"})")));
  EXPECT_THAT(pointers(schema.validate(json(R"({"when": "2026-02-30T10:00:00Z", "id": "x",
    "mail": "no"})"))),
              ::testing::UnorderedElementsAre("/when", "/id", "/mail"));
}

TEST(CompiledSchema, SharedAcrossThreads) {
  auto schema = compile(R"({"type": "object", "properties": {"n": {"type": "integer",
    "maximum": 10}, "s": {"pattern": "^[a-z]+$"}}})");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        bool good = (i + t) % 2 == 0;
        auto instance = good ? json(R"({"n": 3, "s": "abc"})") : json(R"({"n": 30, "s": "A"})");
        if (schema.accepts(instance) != good) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CompiledSchema, MalformedSchemaIsACompileError) {
  EXPECT_THROW(compile(R"({"type": 12})"), core::Error);
  EXPECT_THROW(compile(R"({"$ref": "#/definitions/missing"})"), core::Error);
}

}  // namespace
}  // namespace conform::schema
