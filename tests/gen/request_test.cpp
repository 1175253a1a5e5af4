#include "conform/gen/request.hpp"

#include <gtest/gtest.h>

namespace conform::gen {
namespace {

spec::Parameter parameter(const char* in, const char* style, bool explode) {
  spec::Parameter p;
  p.name = "color";
  p.in = in;
  p.style = style;
  p.explode = explode;
  return p;
}

const nlohmann::json kList = {"blue", "black", "brown"};
const nlohmann::json kObject = {{"R", 100}, {"G", 200}, {"B", 150}};  // serialised in key order

std::string query(const Pairs& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

// The style examples of the OpenAPI specification (its table of style values).
TEST(Request, PathsSplitIntoSegments) {
  using Segments = std::vector<std::string>;
  EXPECT_EQ(path_segments("/things/{id}/"), (Segments{"", "things", "{id}", ""}));
  EXPECT_EQ(path_segments("/"), (Segments{"", ""}));
  EXPECT_EQ(path_segments(""), (Segments{""}));
}

TEST(Serialisation, PathStyles) {
  EXPECT_EQ(serialize_path_parameter(parameter("path", "simple", false), "blue"), "blue");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "simple", false), kList),
            "blue,black,brown");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "simple", false), kObject),
            "B,150,G,200,R,100");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "simple", true), kObject),
            "B=150,G=200,R=100");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "label", false), "blue"), ".blue");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "label", false), kList),
            ".blue,black,brown");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "label", true), kList), ".blue.black.brown");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "label", true), kObject),
            ".B=150.G=200.R=100");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "matrix", false), "blue"), ";color=blue");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "matrix", false), kList),
            ";color=blue,black,brown");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "matrix", true), kList),
            ";color=blue;color=black;color=brown");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "matrix", true), kObject),
            ";B=150;G=200;R=100");
}

TEST(Serialisation, QueryStyles) {
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "form", true), kList)),
            "color=blue&color=black&color=brown");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "form", false), kList)),
            "color=blue,black,brown");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "form", true), kObject)),
            "B=150&G=200&R=100");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "form", false), kObject)),
            "color=B,150,G,200,R,100");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "spaceDelimited", false), kList)),
            "color=blue%20black%20brown");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "pipeDelimited", false), kList)),
            "color=blue|black|brown");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "deepObject", true), kObject)),
            "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100");
}

TEST(Serialisation, PercentEncodingKeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("a b/c?d=é~"), "a%20b%2Fc%3Fd%3D%C3%A9~");
  EXPECT_EQ(percent_encode("a/b?c", true), "a/b?c");
  EXPECT_EQ(serialize_path_parameter(parameter("path", "simple", false), "x/y z"), "x%2Fy%20z");
  EXPECT_EQ(query(serialize_query_parameter(parameter("query", "form", true), "a&b=c")),
            "color=a%26b%3Dc");
}

TEST(Serialisation, HeadersAndCookies) {
  EXPECT_EQ(serialize_header_parameter(parameter("header", "simple", false), kList),
            "blue,black,brown");
  EXPECT_EQ(serialize_header_parameter(parameter("header", "simple", true), kObject),
            "B=150,G=200,R=100");
  EXPECT_EQ(query(serialize_cookie_parameter(parameter("cookie", "form", false), kList)),
            "color=blue,black,brown");
  EXPECT_TRUE(header_safe("Bearer abc.def"));
  EXPECT_FALSE(header_safe("a\r\nInjected: 1"));
  EXPECT_FALSE(header_safe("é"));
  EXPECT_FALSE(header_safe(" padded"));
}

TEST(Bodies, EncodeByMediaType) {
  nlohmann::json value = {{"name", "a b"}, {"tags", {"x"}}};
  EXPECT_EQ(encode_body("application/json", value).bytes, value.dump());
  EXPECT_EQ(encode_body("application/x-www-form-urlencoded", value).bytes,
            "name=a%20b&tags=%5B%22x%22%5D");
  auto multipart = encode_body("multipart/form-data", value);
  EXPECT_EQ(multipart.content_type, "multipart/form-data; boundary=conform-boundary-7d3f9a");
  EXPECT_NE(multipart.bytes.find("Content-Disposition: form-data; name=\"name\"\r\n\r\na b\r\n"),
            std::string::npos);
  EXPECT_NE(multipart.bytes.find("--conform-boundary-7d3f9a--\r\n"), std::string::npos);
  EXPECT_EQ(encode_body("text/plain", "hello").bytes, "hello");
}

TEST(Parameters, TextIsReadBackAsTheDeclaredType) {
  auto integer = nlohmann::json{{"type", "integer"}};
  EXPECT_EQ(read_parameter_text("42", integer), 42);
  EXPECT_EQ(read_parameter_text("4x", integer), "4x");
  EXPECT_EQ(read_parameter_text("", integer), "");
  EXPECT_EQ(read_parameter_text("true", {{"type", "boolean"}}), true);
  EXPECT_EQ(read_parameter_text("2.5", {{"type", "number"}}), 2.5);
  EXPECT_EQ(read_parameter_text("42", {{"type", "string"}}), "42");
}

// JSON Schema's integers have no size: digits past int64 are read and written as digits.
TEST(Parameters, IntegersPastInt64StayIntegers) {
  const nlohmann::json integer = {{"type", "integer"}};
  EXPECT_EQ(read_parameter_text("-9223372036854775808", integer),
            std::numeric_limits<std::int64_t>::min());
  auto beyond_signed = read_parameter_text("18446744073709551615", integer);
  ASSERT_TRUE(beyond_signed.is_number_unsigned());
  EXPECT_EQ(beyond_signed.get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  auto beyond_unsigned = read_parameter_text("100000000000000000000", integer);
  ASSERT_TRUE(beyond_unsigned.is_number());
  EXPECT_EQ(beyond_unsigned.get<double>(), 1e20);
  EXPECT_EQ(read_parameter_text("-", integer), "-");
  EXPECT_EQ(read_parameter_text("1e20", integer), "1e20");  // digits only, as a server reads
  EXPECT_EQ(parameter_text(nlohmann::json(1e20)), "100000000000000000000");
  EXPECT_EQ(parameter_text(nlohmann::json(-1e20)), "-100000000000000000000");
  EXPECT_EQ(parameter_text(nlohmann::json(2.5)), "2.5");
  EXPECT_EQ(parameter_text(nlohmann::json(std::numeric_limits<std::uint64_t>::max())),
            "18446744073709551615");
}

TEST(Request, TargetJoinsPathAndQuery) {
  Request request{"GET", "/a/b", {{"x", "1"}, {"y", "2"}}, {}, {}, std::nullopt, std::nullopt};
  EXPECT_EQ(request.target(), "/a/b?x=1&y=2");
  EXPECT_EQ(request.to_json()["target"], "/a/b?x=1&y=2");
}

}  // namespace
}  // namespace conform::gen
