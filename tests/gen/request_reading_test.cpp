#include "conform/gen/request_reading.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/paths.hpp"

namespace conform::gen {
namespace {

struct Fixture {
  spec::Spec spec = spec::Spec::load(test::data("features-3.0.yaml"));
  schema::SpecSchemas schemas{spec};
  const spec::Operation& get = *spec.find_operation("getItem");
  const spec::Operation& put = *spec.find_operation("PUT /items/{id}");
};

std::vector<std::string> wheres(const std::vector<RequestProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.where);
  return out;
}

TEST(RequestReading, AcceptsAConformingRequest) {
  Fixture f;
  ReceivedRequest request;
  request.path_values = {{"id", "abc"}};
  request.query = {{"verbose", "3"}};
  request.headers = {{"x-trace", "123e4567-e89b-12d3-a456-426614174000"}};
  EXPECT_TRUE(read_request(f.get, f.schemas, request).problems.empty());
}

TEST(RequestReading, NamesMissingAndMistypedParameters) {
  Fixture f;
  ReceivedRequest missing;
  missing.path_values = {{"id", "abc"}};
  EXPECT_THAT(wheres(read_request(f.get, f.schemas, missing).problems),
              ::testing::ElementsAre("query parameter 'verbose'"));
  ReceivedRequest mistyped;
  mistyped.path_values = {{"id", "abc"}};
  mistyped.query = {{"verbose", "lots"}};
  mistyped.headers = {{"x-trace", "not-a-uuid"}};
  EXPECT_THAT(
      wheres(read_request(f.get, f.schemas, mistyped).problems),
      ::testing::UnorderedElementsAre("query parameter 'verbose'", "header parameter 'X-Trace'"));
}

TEST(RequestReading, ChecksBodyPresenceMediaTypeSyntaxAndSchema) {
  Fixture f;
  ReceivedRequest request;
  request.path_values = {{"id", "abc"}};
  EXPECT_THAT(wheres(read_request(f.put, f.schemas, request).problems),
              ::testing::ElementsAre("body"));
  request.body = R"({"name": "n", "secret": "s"})";
  request.content_type = "text/plain";
  EXPECT_THAT(wheres(read_request(f.put, f.schemas, request).problems),
              ::testing::ElementsAre("header 'Content-Type'"));
  request.content_type = "application/json; charset=utf-8";
  EXPECT_TRUE(read_request(f.put, f.schemas, request).problems.empty());
  request.body = R"({"name": "n",)";
  EXPECT_THAT(read_request(f.put, f.schemas, request).problems[0].message,
              ::testing::HasSubstr("JSON"));
  request.body = R"({"name": "far too long a name", "secret": "s", "id": "read-only"})";
  EXPECT_THAT(wheres(read_request(f.put, f.schemas, request).problems),
              ::testing::IsSupersetOf({"body /name"}));
}

TEST(RequestReading, ReadsFormArraysRepeatedOrCommaSeparated) {
  auto path = std::filesystem::temp_directory_path() / "conform-request-check.yaml";
  std::ofstream(path) << R"(openapi: 3.1.0
info: {title: r, version: "1"}
paths:
  /search:
    get:
      operationId: search
      parameters:
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}, maxItems: 3}}
      responses: {"200": {description: ok}}
)";
  spec::Spec spec = spec::Spec::load(path);
  schema::SpecSchemas schemas(spec);
  const auto& op = *spec.find_operation("search");
  ReceivedRequest good;
  good.query = {{"ids", "1,2,3"}};
  EXPECT_TRUE(read_request(op, schemas, good).problems.empty());
  ReceivedRequest too_many;
  too_many.query = {{"ids", "1,2,3,4"}};
  EXPECT_EQ(read_request(op, schemas, too_many).problems.size(), 1u);
  ReceivedRequest not_integers;
  not_integers.query = {{"ids", "1,x"}};
  EXPECT_EQ(wheres(read_request(op, schemas, not_integers).problems),
            std::vector<std::string>{"query parameter 'ids' /1"});
  std::filesystem::remove(path);
}

struct Reading {
  spec::Spec spec = spec::Spec::load(test::data("reading.yaml"));
  schema::SpecSchemas schemas{spec};
  const spec::Operation& op(const char* id) const { return *spec.find_operation(id); }
  ReadRequest read(const char* id, const ReceivedRequest& request) const {
    return read_request(op(id), schemas, request);
  }
};

ReceivedRequest thing(Pairs query) {
  ReceivedRequest request;
  request.path_values = {{"id", "7"}};
  request.query = std::move(query);
  return request;
}

TEST(RequestReading, AnEmptyValueIsAbsentUnlessTheParameterAllowsEmptyValues) {
  Reading r;
  auto empty_required = r.read("getThing", thing({{"q", ""}, {"tags", "1"}}));
  EXPECT_THAT(wheres(empty_required.problems), ::testing::ElementsAre("query parameter 'q'"));
  EXPECT_EQ(empty_required.problems[0].message, "is required but missing");
  EXPECT_THAT(empty_required.uncertain, ::testing::ElementsAre(::testing::HasSubstr("'q'")));
  auto allowed = r.read("getThing", thing({{"q", "x"}, {"tags", "1"}, {"note", ""}}));
  EXPECT_TRUE(allowed.problems.empty());
  EXPECT_TRUE(allowed.uncertain.empty());
  EXPECT_EQ(allowed.parameters.at("note"), "");
}

TEST(RequestReading, AnEmptyExplodedArrayIsAMissingParameter) {
  Reading r;
  // An empty array serialised in form style, exploded, sends no pair at all.
  EXPECT_THAT(wheres(r.read("getThing", thing({{"q", "x"}})).problems),
              ::testing::ElementsAre("query parameter 'tags'"));
  auto two = r.read("getThing", thing({{"q", "x"}, {"tags", "1"}, {"tags", "2"}}));
  EXPECT_TRUE(two.problems.empty());
  EXPECT_EQ(two.parameters.at("tags"), nlohmann::json({1, 2}));
}

TEST(RequestReading, ReadsDeepObjectsAndExplodedObjectsFromTheQuery) {
  Reading r;
  auto deep = r.read("getThing", thing({{"q", "x"}, {"tags", "1"}, {"filter[size]", "3"}}));
  EXPECT_TRUE(deep.problems.empty());
  EXPECT_EQ(deep.parameters.at("filter"), nlohmann::json({{"size", 3}}));
  EXPECT_THAT(
      wheres(
          r.read("getThing", thing({{"q", "x"}, {"tags", "1"}, {"filter[size]", "big"}})).problems),
      ::testing::ElementsAre("query parameter 'filter' /size"));
  // An exploded object takes the names no other parameter claims: q=conform is a member.
  ReceivedRequest search;
  search.query = {{"page", "2"}, {"q", "5"}};
  auto read = r.read("search", search);
  EXPECT_TRUE(read.problems.empty());
  EXPECT_EQ(read.parameters.at("criteria"), nlohmann::json({{"q", 5}}));
  search.query = {{"q", "conform"}};
  EXPECT_THAT(wheres(r.read("search", search).problems),
              ::testing::ElementsAre("query parameter 'criteria' /q"));
}

TEST(RequestReading, ReadsLabelAndMatrixPathStyles) {
  Reading r;
  ReceivedRequest request;
  request.path_values = {{"ids", ".1.2.3"}, {"point", ";point=x,4"}};
  auto read = r.read("labels", request);
  EXPECT_TRUE(read.problems.empty());
  EXPECT_EQ(read.parameters.at("ids"), nlohmann::json({1, 2, 3}));
  EXPECT_EQ(read.parameters.at("point"), nlohmann::json({{"x", 4}}));
  request.path_values = {{"ids", ".1.two"}, {"point", ";point=y,4"}};
  EXPECT_THAT(wheres(r.read("labels", request).problems),
              ::testing::UnorderedElementsAre("path parameter 'ids' /1", "path parameter 'point'"));
}

TEST(RequestReading, ReadsEachBodyAsItsMediaType) {
  Reading r;
  ReceivedRequest text;
  text.content_type = "text/plain";
  text.body = "7";  // JSON's number 7 is the text "7": a valid text body
  EXPECT_TRUE(r.read("postNote", text).problems.empty());
  text.body = "toolong";
  EXPECT_THAT(wheres(r.read("postNote", text).problems), ::testing::ElementsAre("body /"));

  ReceivedRequest form;
  form.content_type = "application/x-www-form-urlencoded";
  form.body = "n=3&tags=a&tags=b";
  auto read = r.read("postNote", form);
  EXPECT_TRUE(read.problems.empty());
  EXPECT_EQ(read.body, nlohmann::json({{"n", 3}, {"tags", {"a", "b"}}}));
  form.body = "n=0";
  EXPECT_THAT(wheres(r.read("postNote", form).problems), ::testing::ElementsAre("body /n"));

  ReceivedRequest multipart;
  multipart.content_type = "multipart/form-data; boundary=XyZ";
  multipart.body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: "
      "application/json\r\n\r\n{\"a\":1}\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"count\"\r\n\r\n12\r\n--XyZ--\r\n";
  read = r.read("postNote", multipart);
  EXPECT_TRUE(read.problems.empty());
  EXPECT_EQ(read.body, nlohmann::json({{"meta", {{"a", 1}}}, {"count", 12}}));
  multipart.body = "--XyZ--\r\n";
  EXPECT_THAT(wheres(r.read("postNote", multipart).problems), ::testing::ElementsAre("body /"));

  ReceivedRequest xml;
  xml.content_type = "application/xml";
  xml.body = "<note/>";
  read = r.read("postNote", xml);
  EXPECT_TRUE(read.problems.empty());
  EXPECT_THAT(read.uncertain, ::testing::ElementsAre(::testing::HasSubstr("application/xml")));
}

TEST(RequestReading, AJsonNullForAnOptionalBodyMayBeReadAsNoBody) {
  Reading r;
  ReceivedRequest request;
  request.content_type = "application/json";
  request.body = "null";
  auto read = r.read("replaceNotes", request);
  EXPECT_THAT(wheres(read.problems), ::testing::ElementsAre("body /"));
  EXPECT_THAT(read.uncertain, ::testing::ElementsAre(::testing::HasSubstr("no body")));

  Fixture required;  // a required body: null is an invalid body, certainly
  request.path_values = {{"id", "abc"}};
  read = read_request(required.put, required.schemas, request);
  EXPECT_FALSE(read.problems.empty());
  EXPECT_TRUE(read.uncertain.empty());
}

TEST(RequestReading, DecodesQueriesAndCookiesAsServersDo) {
  EXPECT_EQ(decode_query("a=1&b=x%20y+z&&c&%zz=1"),
            (Pairs{{"a", "1"}, {"b", "x y z"}, {"c", ""}, {"%zz", "1"}}));
  EXPECT_EQ(decode_cookies("a=1; b = 2;c"),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  Request sent;
  sent.query = {{"q", "a%2Cb"}};
  sent.headers = {{"X-Trace", " t "}, {"X-Empty", ""}};
  sent.content_type = "text/plain";
  sent.body = "hi";
  ReceivedRequest got = received(sent, {{"id", "7"}});
  EXPECT_EQ(got.query, (Pairs{{"q", "a,b"}}));
  EXPECT_EQ(got.headers.at("x-trace"), "t");
  EXPECT_FALSE(got.headers.contains("x-empty"));
  EXPECT_EQ(got.headers.at("content-type"), "text/plain");
  EXPECT_EQ(got.body, "hi");
}

}  // namespace
}  // namespace conform::gen

namespace conform::gen {
namespace {

TEST(ReceivedFromWire, ReadsTheTargetHeadersAndBodyAsTheyCame) {
  ReceivedRequest in = received_from_wire("/things/7?limit=2&name=a%20b",
                                          {{"Content-Type", "application/json"},
                                           {"content-type", "text/plain"},
                                           {"Cookie", "session=abc; theme=dark"},
                                           {"X-Twice", "1"},
                                           {"x-twice", "2"}},
                                          R"({"a":1})", {{"id", "7"}});
  EXPECT_EQ(in.path_values.at("id"), "7");
  EXPECT_EQ(in.query, (Pairs{{"limit", "2"}, {"name", "a b"}}));
  EXPECT_EQ(in.content_type, "application/json");  // the first
  EXPECT_EQ(in.cookies.at("session"), "abc");
  EXPECT_EQ(in.headers.at("x-twice"), "2");  // names in lower case, the last value
  EXPECT_EQ(in.body, R"({"a":1})");
}

}  // namespace
}  // namespace conform::gen
