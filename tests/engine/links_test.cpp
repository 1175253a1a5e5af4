// OpenAPI links: the description's links as the model holds them, runtime expressions, and the
// requests links lead to.
#include "conform/engine/links.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::engine {
namespace {

using ::testing::HasSubstr;

const spec::Link& link_named(const spec::Operation& op, int status, const std::string& name) {
  for (const auto& link : op.find_response(status)->links) {
    if (link.name == name) return link;
  }
  throw std::runtime_error("no link " + name);
}

struct Fixture {
  spec::Spec spec = spec::Spec::load(test::data("links.yaml"));
  const spec::Operation& create = *spec.find_operation("createThing");
  const spec::Operation& get = *spec.find_operation("getThing");
  gen::Request request{"POST",
                       "/things",
                       {{"trace", "a%20b"}},
                       {{"X-Request-Id", "r-1"}},
                       {},
                       "application/json",
                       R"({"name": "lamp", "tags": ["a", "b"]})"};
  transport::Response response{201,
                               {{"location", "/things/42"}, {"content-type", "application/json"}},
                               R"({"id": 42, "name": "lamp", "owner": {"id": "u/1"}})",
                               0.0};
  Exchanged exchanged{create, request, response, "http://127.0.0.1:8/things?trace=a%20b"};
};

TEST(Links, AreReadWithTheirTargetsAndBrokenOnesAreReported) {
  Fixture f;
  const spec::Response* created = f.create.find_response(201);
  ASSERT_NE(created, nullptr);
  ASSERT_EQ(created->links.size(), 3u);  // "Lost" leads nowhere and is dropped
  const spec::Link& get = link_named(f.create, 201, "GetThing");
  EXPECT_EQ(get.operation_id, "getThing");
  EXPECT_EQ(get.parameters["id"], "$response.body#/id");
  // A referenced Link Object naming its target by operationRef.
  const spec::Link& remove = link_named(f.create, 201, "DeleteThing");
  EXPECT_EQ(remove.operation_id, "deleteThing");
  EXPECT_EQ(remove.operation_ref, "#/paths/~1things~1{id}/delete");
  EXPECT_EQ(remove.location.pointer, "/components/links/DeleteThing");
  bool reported = false;
  for (const auto& d : f.spec.diagnostics().items()) {
    if (d.code == "openapi.link-target-unknown") {
      reported = true;
      EXPECT_EQ(d.pointer, "/paths/~1things/post/responses/201/links/Lost");
      EXPECT_THAT(d.message, HasSubstr("noSuchOperation"));
    }
  }
  EXPECT_TRUE(reported);
}

TEST(Links, RuntimeExpressionsReadTheExchange) {
  Fixture f;
  auto eval = [&](const nlohmann::json& value) { return evaluate(value, f.exchanged); };
  EXPECT_EQ(eval("$response.body#/id"), 42);
  EXPECT_EQ(eval("$response.body#/owner/id"), "u/1");
  EXPECT_EQ(eval("$response.body")->at("name"), "lamp");
  EXPECT_EQ(eval("$response.header.Location"), "/things/42");  // header names ignore case
  EXPECT_EQ(eval("$request.body#/tags/1"), "b");
  EXPECT_EQ(eval("$request.query.trace"), "a b");
  EXPECT_EQ(eval("$request.header.x-request-id"), "r-1");
  EXPECT_EQ(eval("$statusCode"), 201);
  EXPECT_EQ(eval("$method"), "POST");
  EXPECT_EQ(eval("$url"), "http://127.0.0.1:8/things?trace=a%20b");
  EXPECT_EQ(eval("/things/{$response.body#/id}/{$request.body#/name}"), "/things/42/lamp");
  EXPECT_EQ(eval(7), 7);  // constants stay what they are
  EXPECT_EQ(eval("plain"), "plain");
  EXPECT_FALSE(eval("$response.body#/missing"));
  EXPECT_FALSE(eval("$request.path.id"));  // POST /things has no path parameter
  EXPECT_FALSE(eval("{$response.header.X-None}-x"));
  EXPECT_FALSE(eval("$nonsense"));
}

TEST(Links, TheLinkedRequestCarriesTheValues) {
  Fixture f;
  const spec::Link& link = link_named(f.create, 201, "GetThing");
  gen::Request base{"GET", "/things/7", {{"verbose", "no"}}, {}, {}, std::nullopt, std::nullopt};
  auto built = linked_request(f.get, base, link, f.exchanged);
  ASSERT_TRUE(std::holds_alternative<gen::Request>(built)) << std::get<std::string>(built);
  const auto& request = std::get<gen::Request>(built);
  EXPECT_EQ(request.path, "/things/42");
  EXPECT_EQ(request.target(), "/things/42?verbose=lamp-details");

  transport::Response without_id{201, {}, R"({"name": "lamp"})", 0.0};
  Exchanged other{f.create, f.request, without_id, f.exchanged.url};
  auto missing = linked_request(f.get, base, link, other);
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_THAT(std::get<std::string>(missing), HasSubstr("$response.body#/id"));
}

// A link's requestBody: the expressions inside it evaluated, laid over the target's own valid
// body member by member, so that what the target requires and the link leaves out stays.
TEST(Links, TheLinkedBodyIsEvaluatedInsideAndLaidOverTheTargetsOwn) {
  spec::Spec spec = spec::Spec::load(test::data("link-chains.yaml"));
  const spec::Operation& get = *spec.find_operation("getOrder");
  const spec::Operation& ship = *spec.find_operation("shipOrder");
  const spec::Link& link = link_named(get, 200, "ShipOrder");
  gen::Request read{"GET", "/orders/42", {}, {}, {}, std::nullopt, std::nullopt};
  transport::Response order{200, {}, R"({"id": 42, "customer": "ada"})", 0.0};
  Exchanged from{get, read, order, "http://127.0.0.1:8/orders/42"};

  EXPECT_EQ(evaluate_within(nlohmann::json::parse(R"({"a": ["$response.body#/id", 1, null],
                                                      "b": {"c": "{$response.body#/customer}!"}})"),
                            from),
            nlohmann::json::parse(R"({"a": [42, 1, null], "b": {"c": "ada!"}})"));
  EXPECT_FALSE(evaluate_within(nlohmann::json::parse(R"({"a": ["$response.body#/none"]})"), from));

  gen::Request own{"POST",
                   "/shipments",
                   {},
                   {},
                   {},
                   "application/json",
                   R"({"order": 7, "address": "1 Main St", "extra": {"kept": true}})"};
  auto built = linked_request(ship, own, link, from);
  ASSERT_TRUE(std::holds_alternative<gen::Request>(built)) << std::get<std::string>(built);
  const auto& request = std::get<gen::Request>(built);
  EXPECT_EQ(nlohmann::json::parse(*request.body),
            nlohmann::json::parse(R"({"order": 42, "address": "1 Main St",
                                      "label": "order 42 for ada", "extra": {"kept": true}})"));
  EXPECT_EQ(request.content_type, "application/json");

  // A target whose own body is not JSON: the link's body replaces it, as JSON.
  gen::Request form{"POST", "/shipments", {}, {}, {}, "application/x-www-form-urlencoded", "a=1"};
  auto replaced = std::get<gen::Request>(linked_request(ship, form, link, from));
  EXPECT_EQ(nlohmann::json::parse(*replaced.body),
            nlohmann::json::parse(R"({"order": 42, "label": "order 42 for ada"})"));
  EXPECT_EQ(replaced.content_type, "application/json");
}

}  // namespace
}  // namespace conform::engine
