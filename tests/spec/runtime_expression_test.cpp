// OpenAPI runtime expressions as links write them, and what the loader says of links that set
// what their target lacks.
#include "conform/spec/runtime_expression.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

using Source = RuntimeExpression::Source;
using Part = RuntimeExpression::Part;

TEST(RuntimeExpression, ParsesEveryForm) {
  EXPECT_EQ(parse_runtime_expression("$url")->source, Source::url);
  EXPECT_EQ(parse_runtime_expression("$method")->source, Source::method);
  EXPECT_EQ(parse_runtime_expression("$statusCode")->source, Source::status_code);
  auto path = parse_runtime_expression("$request.path.id");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->source, Source::request);
  EXPECT_EQ(path->part, Part::path);
  EXPECT_EQ(path->name, "id");
  EXPECT_EQ(parse_runtime_expression("$request.query.page")->part, Part::query);
  EXPECT_EQ(parse_runtime_expression("$response.header.Location")->name, "Location");
  auto body = parse_runtime_expression("$response.body#/items/0/id");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->part, Part::body);
  EXPECT_EQ(body->pointer, "/items/0/id");
  EXPECT_EQ(parse_runtime_expression("$request.body")->pointer, "");
}

TEST(RuntimeExpression, RefusesWhatIsNotOne) {
  for (const char* text :
       {"$response.query.id", "$response.path.id", "$request.body#id", "$request.header.",
        "$status", "request.path.id", "$request.cookie.a", ""}) {
    EXPECT_FALSE(parse_runtime_expression(text)) << text;
  }
}

TEST(RuntimeExpression, FindsTheExpressionsInsideStrings) {
  auto found = expressions_in("/things/{$response.body#/id}/{$response.query.x}");
  EXPECT_THAT(found.expressions, ::testing::ElementsAre("$response.body#/id", "$response.query.x"));
  EXPECT_THAT(found.invalid, ::testing::ElementsAre("$response.query.x"));
  auto pieces = link_text_pieces("a{$url}b{c");
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].text, "a");
  EXPECT_TRUE(pieces[1].expression);
  EXPECT_EQ(pieces[1].text, "$url");
  EXPECT_EQ(pieces[2].text, "b{c");
  EXPECT_FALSE(pieces[2].expression);
  EXPECT_TRUE(expressions_in("plain text").expressions.empty());
  EXPECT_THAT(expressions_in("$statusCode").expressions, ::testing::ElementsAre("$statusCode"));
}

TEST(RuntimeExpression, LinksNameTheTargetsParameters) {
  Spec spec = Spec::load(test::data("links.yaml"));
  const Operation& get = *spec.find_operation("getThing");
  EXPECT_EQ(linked_parameter(get, "id")->in, "path");
  EXPECT_EQ(linked_parameter(get, "path.id")->in, "path");
  EXPECT_EQ(linked_parameter(get, "query.verbose")->name, "verbose");
  EXPECT_EQ(linked_parameter(get, "query.id"), nullptr);  // id is a path parameter
  EXPECT_EQ(linked_parameter(get, "colour"), nullptr);

  std::vector<std::string> findings;
  for (const auto& d : spec.diagnostics().items()) findings.push_back(d.code + " " + d.pointer);
  const std::string odd = "/paths/~1things/post/responses/201/links/Odd/parameters/";
  EXPECT_THAT(findings, ::testing::Contains("openapi.link-parameter-unknown " + odd + "colour"));
  EXPECT_THAT(findings, ::testing::Contains("openapi.link-expression-invalid " + odd + "id"));
}

}  // namespace
}  // namespace conform::spec
