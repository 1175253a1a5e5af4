#include "conform/spec/document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "conform/core/error.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

using ::testing::HasSubstr;

nlohmann::json yaml(const std::string& text) {
  return parse_document(text, Syntax::yaml, "t.yaml");
}

core::Diagnostic error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.exit_code(), core::ExitCode::bad_input);
    return e.diagnostic();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

TEST(Document, YamlScalarsFollowTheCoreSchema) {
  auto doc = yaml(
      "a: 12\nb: -3\nc: 1.5\nd: 1e3\ne: true\nf: False\ng: null\nh: ~\ni:\nj: '12'\nk: \"true\"\n"
      "l: 0x1F\nm: 0o17\nn: .inf\no: 1.0.0\np: 3.1.0\nq: 200\n");
  EXPECT_EQ(doc["a"], 12);
  EXPECT_EQ(doc["b"], -3);
  EXPECT_EQ(doc["c"], 1.5);
  EXPECT_EQ(doc["d"], 1000.0);
  EXPECT_EQ(doc["e"], true);
  EXPECT_EQ(doc["f"], false);
  EXPECT_TRUE(doc["g"].is_null());
  EXPECT_TRUE(doc["h"].is_null());
  EXPECT_TRUE(doc["i"].is_null());
  EXPECT_EQ(doc["j"], "12");
  EXPECT_EQ(doc["k"], "true");
  EXPECT_EQ(doc["l"], 31);
  EXPECT_EQ(doc["m"], 15);
  EXPECT_TRUE(std::isinf(doc["n"].get<double>()));
  EXPECT_EQ(doc["o"], "1.0.0");
  EXPECT_EQ(doc["p"], "3.1.0");
}

TEST(Document, YamlKeysAreStringsEvenWhenNumeric) {
  auto doc = yaml("responses:\n  200: {description: ok}\n  4XX: {description: bad}\n");
  EXPECT_TRUE(doc["responses"].contains("200"));
  EXPECT_TRUE(doc["responses"].contains("4XX"));
}

TEST(Document, YamlAliasesExpand) {
  auto doc = yaml("base: &b {type: string}\nuse: *b\n");
  EXPECT_EQ(doc["use"]["type"], "string");
}

TEST(Document, YamlAliasBombIsRefused) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    std::string previous(1, static_cast<char>(level - 1));
    bomb += std::string(1, level) + ": &" + std::string(1, level) + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  auto diagnostic = error_of([&] { yaml(bomb); });
  EXPECT_EQ(diagnostic.code, "document.limit");
  EXPECT_THAT(diagnostic.message, HasSubstr("aliases"));
}

TEST(Document, JsonSyntaxErrorNamesLineAndColumn) {
  auto diagnostic =
      error_of([] { parse_document("{\n  \"a\": 1,\n  \"b\": ]\n}", Syntax::json, "bad.json"); });
  EXPECT_EQ(diagnostic.code, "document.syntax");
  EXPECT_EQ(diagnostic.file, "bad.json");
  EXPECT_THAT(diagnostic.message, HasSubstr("line 3"));
}

TEST(Document, YamlSyntaxErrorNamesLine) {
  auto diagnostic = error_of([] { load_document(test::data("broken/invalid.yaml"), "x.yaml"); });
  EXPECT_EQ(diagnostic.code, "document.syntax");
  EXPECT_THAT(diagnostic.message, HasSubstr("line 4"));
}

TEST(Document, MissingEmptyAndDirectoryAreErrors) {
  EXPECT_EQ(error_of([] { load_document("/nonexistent/x.json", "x.json"); }).code,
            "document.missing");
  EXPECT_EQ(error_of([] { load_document(test::data("broken"), "broken"); }).code,
            "document.unreadable");
  EXPECT_EQ(error_of([] { parse_document("  \n", Syntax::yaml, "e.yaml"); }).code,
            "document.empty");
}

// yaml-cpp 0.7's LoadAll loops without end on a document it cannot read (",a", found by the
// arazzo_document fuzz target): read once, refused with where the content starts.
TEST(Document, YamlThatReadsAsNothingIsRefusedNotLoopedOn) {
  for (const char* text : {",a", "\r\n,azz", ",", "---\n", "~"}) {
    auto diagnostic = error_of([&] { parse_document(text, Syntax::yaml, "x.yaml"); });
    EXPECT_EQ(diagnostic.code, "document.syntax") << text;
    EXPECT_THAT(diagnostic.message, HasSubstr("no value could be read from line ")) << text;
  }
  auto diagnostic = error_of([] { parse_document("\n\n  ,a", Syntax::yaml, "x.yaml"); });
  EXPECT_THAT(diagnostic.message, HasSubstr("line 3, column 3"));
}

TEST(Document, SyntaxIsChosenByNameThenContent) {
  EXPECT_EQ(guess_syntax("a.JSON", "x"), Syntax::json);
  EXPECT_EQ(guess_syntax("a.yml", "{}"), Syntax::yaml);
  EXPECT_EQ(guess_syntax("spec", "  {\"a\": 1}"), Syntax::json);
  EXPECT_EQ(guess_syntax("spec", "openapi: 3.1.0"), Syntax::yaml);
}

TEST(Document, DeepYamlNestingIsRefusedNotCrashed) {
  for (std::size_t levels : {600u, 100000u}) {
    std::string deep(levels, '[');
    deep += std::string(levels, ']');
    auto diagnostic = error_of([&] { yaml(deep); });
    EXPECT_EQ(diagnostic.code, "document.limit");
    EXPECT_THAT(diagnostic.message, HasSubstr("nests"));  // not yaml-cpp's "bad file"
    EXPECT_THAT(diagnostic.message, HasSubstr("line 1"));
  }
}

TEST(Document, DeepJsonNestingIsRefusedWithItsPlace) {
  std::string deep = "{\"x-deep\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto diagnostic = error_of([&] { parse_document(deep, Syntax::json, "deep.json"); });
  EXPECT_EQ(diagnostic.code, "document.syntax");
  EXPECT_THAT(diagnostic.message, HasSubstr("nests deeper than 512 levels"));
  EXPECT_THAT(diagnostic.message, HasSubstr("column 523"));  // the 513th bracket
}

TEST(Document, NumbersBeyondADoubleAreErrorsWithTheirPlace) {
  for (const std::string& number : {std::string("1e400"), std::string(400, '9')}) {
    auto json = error_of(
        [&] { parse_document("{\n  \"maximum\": " + number + "\n}", Syntax::json, "n.json"); });
    EXPECT_EQ(json.code, "document.syntax");
    EXPECT_THAT(json.message, HasSubstr("line 2"));
    EXPECT_THAT(json.message, HasSubstr("beyond the range of a double"));
    auto in_yaml = error_of([&] { yaml("a: 1\nmaximum: " + number + "\n"); });
    EXPECT_EQ(in_yaml.code, "document.number-range");
    EXPECT_THAT(in_yaml.message, HasSubstr("line 2"));
  }
  // Below the smallest double is zero, as every JSON parser reads it.
  EXPECT_EQ(yaml("a: 1e-400\n")["a"], 0.0);
}

TEST(Document, YamlScalarsMustBeUtf8) {
  auto diagnostic = error_of([] { yaml("a: ok\nb: \"caf\xe9\"\n"); });
  EXPECT_EQ(diagnostic.code, "document.encoding");
  EXPECT_THAT(diagnostic.message, HasSubstr("line 2"));
}

TEST(Document, YamlAliasesOfLongTextAreBoundedInBytes) {
  // Few nodes, many bytes: 1,000 copies of a 100 KB string would be 100 MB.
  std::string text = "a: &a \"" + std::string(100000, 'x') + "\"\nb: &b [";
  for (int i = 0; i < 10; ++i) text += (i ? ", *a" : "*a");
  text += "]\nc: &c [";
  for (int i = 0; i < 10; ++i) text += (i ? ", *b" : "*b");
  text += "]\nd: [";
  for (int i = 0; i < 10; ++i) text += (i ? ", *c" : "*c");
  text += "]\n";
  auto diagnostic = error_of([&] { yaml(text); });
  EXPECT_EQ(diagnostic.code, "document.limit");
  EXPECT_THAT(diagnostic.message, HasSubstr("bytes of text"));
}

TEST(Document, OnlyRegularFilesAreRead) {
  auto diagnostic = error_of([] { load_document("/dev/zero", "/dev/zero"); });
  EXPECT_EQ(diagnostic.code, "document.unreadable");
  EXPECT_THAT(diagnostic.message, HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace conform::spec
