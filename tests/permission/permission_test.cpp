#include "conform/permission/permission.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::permission {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Document doc(const char* text) { return Document::from_json(json::parse(text)); }

const spec::Spec& project() {
  static const spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  return spec;
}

const spec::Operation& op(const char* id) { return *project().find_operation(id); }

TEST(PermissionDocument, ReadsEveryLevel) {
  Document d = doc(R"({"api": {"misc": {}, "instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"gte": 1, "lte": 2}}}}}})");
  ASSERT_EQ(d.categories.size(), 2u);
  EXPECT_TRUE(d.categories.at("misc").endpoints.empty());
  const auto& c = d.categories.at("instance_read").endpoints.at("api.instance.request_logs");
  ASSERT_TRUE(c.constraints.at("id").gte);
  EXPECT_EQ(*c.constraints.at("id").gte, 1);
  EXPECT_FALSE(c.constraints.at("id").eq);
}

TEST(PermissionDocument, ComparesByMeaningNotText) {
  EXPECT_EQ(doc(R"({"api": {"a": {}, "b": {}}})"), doc(R"({"api": {"b": {}, "a": {}}})"));
  EXPECT_EQ(doc(R"({"api": {"x": {"e": {"constraints": {"id": {"eq": 2}}}}}})"),
            doc(R"({"api": {"x": {"e": {"constraints": {"id": {"eq": 2.0}}}}}})"));
  EXPECT_NE(doc(R"({"api": {"x": {"e": {"constraints": {"id": {"eq": 2}}}}}})"),
            doc(R"({"api": {"x": {"e": {}}}})"));
  EXPECT_NE(doc(R"({"api": {"x": {}}})"), doc(R"({"api": {"x": {"e": {}}}})"));
  EXPECT_NE(doc(R"({"api": {"x": {"e": {"constraints": {"id": {"eq": "2"}}}}}})"),
            doc(R"({"api": {"x": {"e": {"constraints": {"id": {"eq": 2}}}}}})"));
}

TEST(PermissionDocument, WritesWhatItRead) {
  json text = json::parse(R"({"api": {"user_read": {}, "instance_read":
      {"api.instance.show": {}, "api.instance.request_logs": {"constraints": {"id": {"eq": 7}}}}}})");
  EXPECT_EQ(Document::from_json(text).to_json(), text);
}

TEST(PermissionDocument, NamesTheNodeThatIsNotADocument) {
  auto message = [](const char* text) {
    try {
      Document::from_json(json::parse(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(message("{}"), HasSubstr("'api'"));
  EXPECT_THAT(message(R"({"api": []})"), HasSubstr("/api: expected an object"));
  EXPECT_THAT(message(R"({"api": {"misc": {"e": {"constraints": {"id": {"ne": 1}}}}}})"),
              HasSubstr("/api/misc/e/constraints/id/ne: expected one of eq, lte, gte"));
  EXPECT_THAT(message(R"({"api": {"misc": {"e": {"constraints": {"id": {"eq": [1]}}}}}})"),
              HasSubstr("a number or a string"));
}

TEST(Decide, OperationsWithoutScopeNeedNothing) {
  spec::Operation bare;
  EXPECT_TRUE(decide(doc(R"({"api": {}})"), bare, {}).allowed);
}

TEST(Decide, AWholeCategoryGrantsEachOfItsOperations) {
  Document d = doc(R"({"api": {"user_read": {}}})");
  EXPECT_TRUE(decide(d, op("listApiKeys"), {}).allowed);
  EXPECT_TRUE(decide(d, op("showCurrentUser"), {}).allowed);
  auto refused = decide(d, op("createApiKey"), {});
  EXPECT_FALSE(refused.allowed);
  EXPECT_THAT(refused.reason, HasSubstr("user_write"));
}

TEST(Decide, AnEndpointGrantIsThatEndpointAlone) {
  Document d = doc(R"({"api": {"instance_read": {"api.instance.show": {}}}})");
  EXPECT_TRUE(decide(d, op("showInstance"), {{"id", 3}}).allowed);
  EXPECT_FALSE(decide(d, op("listInstances"), {}).allowed);
  EXPECT_FALSE(decide_scope(d, op("listInstances")).allowed);
  EXPECT_TRUE(decide_scope(d, op("showInstance")).allowed);
}

TEST(Decide, ConstraintsBoundTheParameters) {
  const auto& logs = op("requestInstanceLogs");
  Document exact = doc(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"eq": 1227}}}}}})");
  EXPECT_TRUE(decide(exact, logs, {{"id", 1227}}).allowed);
  EXPECT_FALSE(decide(exact, logs, {{"id", 1228}}).allowed);
  Document range = doc(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"lte": 2, "gte": 1}}}}}})");
  EXPECT_FALSE(decide(range, logs, {{"id", 0}}).allowed);
  EXPECT_TRUE(decide(range, logs, {{"id", 1}}).allowed);
  EXPECT_TRUE(decide(range, logs, {{"id", 2}}).allowed);
  EXPECT_FALSE(decide(range, logs, {{"id", 3}}).allowed);
  // Scope alone does not look at values.
  EXPECT_TRUE(decide_scope(range, logs).allowed);
  // An empty range grants nothing.
  Document empty = doc(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"lte": 1, "gte": 2}}}}}})");
  EXPECT_FALSE(decide(empty, logs, {{"id", 1}}).allowed);
  EXPECT_FALSE(decide(empty, logs, {{"id", 2}}).allowed);
}

TEST(Decide, AConstraintThatCannotBeCheckedRefuses) {
  const auto& logs = op("requestInstanceLogs");
  Document d = doc(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"eq": 5}, "tail": {"lte": "9"}}}}}})");
  auto missing = decide(d, logs, {{"id", 5}});
  EXPECT_FALSE(missing.allowed);
  EXPECT_THAT(missing.reason, HasSubstr("'tail'"));
  EXPECT_FALSE(decide(d, logs, {{"id", "5"}, {"tail", "1"}}).allowed);  // type mismatch
  EXPECT_TRUE(decide(d, logs, {{"id", 5}, {"tail", "1"}}).allowed);
}

TEST(Inconsistencies, EndpointsInTheWrongCategoryAndUnknownParameters) {
  auto names = [](const spec::Operation& o) {
    std::vector<std::string> out;
    for (const auto& p : o.parameters) out.push_back(p.name);
    return out;
  };
  Document d = doc(R"({"api": {
      "user_read": {"api.instance.show": {}, "api.somewhere.else": {}},
      "instance_read": {"api.instance.request_logs": {"constraints": {"id": {"eq": 1},
                                                                       "zone": {"eq": 2}}}}}})");
  auto found = inconsistencies(d, project(), names);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].pointer, "/api/instance_read/api.instance.request_logs/constraints/zone");
  EXPECT_EQ(found[1].pointer, "/api/user_read/api.instance.show");
  EXPECT_THAT(found[1].message, HasSubstr("belongs to instance_read"));
  EXPECT_TRUE(inconsistencies(doc(R"({"api": {"misc": {}}})"), project(), names).empty());
}

TEST(Categories, AreTheElevenOfTheDescription) {
  const auto& schema = project().documents().root().at(
      nlohmann::json::json_pointer("/components/schemas/Category/enum"));
  EXPECT_EQ(categories(), schema.get<std::vector<std::string>>());
}

}  // namespace
}  // namespace conform::permission
