#include "conform/checks/checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::checks {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

struct Fixture {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  schema::SpecSchemas schemas{spec};
  CheckOptions options;
  gen::RequestCase valid;
  gen::RequestCase invalid;

  Fixture() {
    invalid.negative = true;
    invalid.mutation = "wrong_type";
    invalid.where = "body /name";
  }

  std::vector<Failure> run(ResponseCheck check, const char* operation, int status, std::string body,
                           const char* content_type = "application/json", bool negative = false,
                           double seconds = 0.01) {
    transport::Response response;
    response.status = status;
    response.body = std::move(body);
    response.seconds = seconds;
    if (content_type != nullptr) response.headers.emplace_back("content-type", content_type);
    const spec::Operation& op = *spec.find_operation(operation);
    return check({spec, schemas, op, negative ? invalid : valid, response, options});
  }
};

TEST(Checks, NotAServerError) {
  Fixture f;
  EXPECT_THAT(f.run(not_a_server_error, "listApiKeys", 200, "{}"), IsEmpty());
  EXPECT_THAT(f.run(not_a_server_error, "listApiKeys", 404, "{}"), IsEmpty());
  auto failures = f.run(not_a_server_error, "listApiKeys", 502, "");
  ASSERT_THAT(failures, SizeIs(1));
  EXPECT_EQ(failures[0].check, "not_a_server_error");
}

// A 5XX is reported once, by not_a_server_error; undeclared, it is status_code_conformance's only
// when not_a_server_error is off.
TEST(Checks, AServerErrorIsReportedOnce) {
  Fixture f;
  transport::Response response;
  response.status = 503;
  const spec::Operation& op = *f.spec.find_operation("listApiKeys");
  CheckInput in{f.spec, f.schemas, op, f.valid, response, f.options};
  auto both = check_response(in, {"not_a_server_error", "status_code_conformance"});
  ASSERT_THAT(both, SizeIs(1));
  EXPECT_EQ(both[0].check, "not_a_server_error");
  auto alone = check_response(in, {"status_code_conformance"});
  ASSERT_THAT(alone, SizeIs(1));
  EXPECT_EQ(alone[0].check, "status_code_conformance");
}

TEST(Checks, StatusCodeConformance) {
  Fixture f;
  EXPECT_THAT(f.run(status_code_conformance, "deleteApiKey", 404, "{}"), IsEmpty());
  auto failures = f.run(status_code_conformance, "listApiKeys", 201, "{}");
  ASSERT_THAT(failures, SizeIs(1));
  EXPECT_THAT(failures[0].message, HasSubstr("201 is not declared (declared: 200, 401, 403, 429)"));
  // An undeclared 4XX refusing an invalid case is right; the same status to a valid one is not.
  EXPECT_THAT(f.run(status_code_conformance, "listApiKeys", 400, "{}", "application/json", true),
              IsEmpty());
  EXPECT_THAT(f.run(status_code_conformance, "listApiKeys", 400, "{}"), SizeIs(1));
  EXPECT_THAT(f.run(status_code_conformance, "listApiKeys", 500, "{}", "application/json", true),
              SizeIs(1));
}

TEST(Checks, ContentTypeConformance) {
  Fixture f;
  EXPECT_THAT(
      f.run(content_type_conformance, "listApiKeys", 200, "{}", "application/json; charset=utf-8"),
      IsEmpty());
  EXPECT_THAT(f.run(content_type_conformance, "listApiKeys", 200, "{}", "text/html"), SizeIs(1));
  EXPECT_THAT(f.run(content_type_conformance, "listApiKeys", 200, "{}", nullptr), SizeIs(1));
  EXPECT_THAT(f.run(content_type_conformance, "listApiKeys", 200, "", nullptr), IsEmpty());
  // Undeclared statuses are status_code_conformance's business.
  EXPECT_THAT(f.run(content_type_conformance, "listApiKeys", 299, "{}", "text/html"), IsEmpty());
}

TEST(Checks, ResponseSchemaConformance) {
  Fixture f;
  EXPECT_THAT(f.run(response_schema_conformance, "listApiKeys", 200, R"({"apikeys": []})"),
              IsEmpty());
  auto wrong =
      f.run(response_schema_conformance, "listApiKeys", 200, R"({"apikeys": [{"id": "seven"}]})");
  ASSERT_THAT(wrong, SizeIs(1));
  EXPECT_EQ(wrong[0].pointer, "/apikeys/0/id");
  // In plain words, with the value, the reason without it, and the keyword that failed.
  EXPECT_EQ(wrong[0].message, "body /apikeys/0/id: expected integer, got string \"seven\"");
  EXPECT_EQ(wrong[0].reason, "expected integer, got string");
  EXPECT_THAT(
      wrong[0].schema_location,
      ::testing::EndsWith("spec/openapi.json#/components/schemas/ApiKey/properties/id/type"));
  auto broken = f.run(response_schema_conformance, "listApiKeys", 200, "{not json");
  ASSERT_THAT(broken, SizeIs(1));
  EXPECT_THAT(broken[0].message, HasSubstr("not well-formed JSON"));
  // The 429 body has its own schema.
  EXPECT_THAT(f.run(response_schema_conformance, "listApiKeys", 429, R"({"msg": "slow down"})"),
              SizeIs(1));
}

std::string keys_with_string_ids(int count) {
  std::string body = R"({"apikeys": [)";
  for (int i = 0; i < count; ++i) body += std::string(i ? "," : "") + R"({"id": "x"})";
  return body + "]}";
}

TEST(Checks, ResponseSchemaConformanceSaysHowManyFailuresItLeavesOut) {
  Fixture f;
  auto seven = f.run(response_schema_conformance, "listApiKeys", 200, keys_with_string_ids(7));
  ASSERT_THAT(seven, SizeIs(6));
  EXPECT_EQ(seven[4].pointer, "/apikeys/4/id");
  EXPECT_EQ(seven[5].message, "body: 2 more failures, not listed");
  // Past the schema module's bound the count is a floor.
  auto flood = f.run(response_schema_conformance, "listApiKeys", 200, keys_with_string_ids(5000));
  ASSERT_THAT(flood, SizeIs(6));
  EXPECT_THAT(flood[5].message, ::testing::StartsWith("body: more than "));
  EXPECT_THAT(f.run(response_schema_conformance, "listApiKeys", 200, keys_with_string_ids(5)),
              SizeIs(5));
}

TEST(Checks, ResponseHeadersConformance) {
  auto fixture = test::data("mock-headers.yaml");
  spec::Spec spec = spec::Spec::load(fixture);
  schema::SpecSchemas schemas(spec);
  CheckOptions options;
  gen::RequestCase sent;
  const spec::Operation& op = *spec.find_operation("listThings");
  auto run = [&](std::vector<std::pair<std::string, std::string>> headers) {
    transport::Response response;
    response.status = 200;
    response.headers = std::move(headers);
    return response_headers_conformance({spec, schemas, op, sent, response, options});
  };
  EXPECT_THAT(run({{"x-request-id", "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"}}), IsEmpty());
  EXPECT_THAT(run({}), SizeIs(1));  // required and missing
  EXPECT_THAT(
      run({{"x-request-id", "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"}, {"x-page-count", "0"}}),
      SizeIs(1));  // present and below its minimum
}

TEST(Checks, NegativeDataRejection) {
  Fixture f;
  EXPECT_THAT(f.run(negative_data_rejection, "createApiKey", 400, "{}", "application/json", true),
              IsEmpty());
  auto accepted =
      f.run(negative_data_rejection, "createApiKey", 200, "{}", "application/json", true);
  ASSERT_THAT(accepted, SizeIs(1));
  EXPECT_THAT(accepted[0].message, HasSubstr("wrong_type at body /name"));
  EXPECT_THAT(f.run(negative_data_rejection, "createApiKey", 200, "{}"), IsEmpty());
}

TEST(Checks, PositiveDataAcceptance) {
  Fixture f;
  EXPECT_THAT(f.run(positive_data_acceptance, "createApiKey", 200, "{}"), IsEmpty());
  EXPECT_THAT(f.run(positive_data_acceptance, "showInstance", 404, "{}"), IsEmpty());
  EXPECT_THAT(f.run(positive_data_acceptance, "createApiKey", 400, R"({"msg": "no"})"), SizeIs(1));
  EXPECT_THAT(f.run(positive_data_acceptance, "createApiKey", 422, "{}"), SizeIs(1));
  // Marked x-conform-state-dependent: a name in use is no sign of a wrong validator.
  EXPECT_THAT(f.run(positive_data_acceptance, "createEnvVar", 400, R"({"msg": "exists"})"),
              IsEmpty());
  EXPECT_THAT(f.run(positive_data_acceptance, "createApiKey", 400, "{}", "application/json", true),
              IsEmpty());
}

TEST(Checks, MaxResponseTimeIsOffUntilALimitIsSet) {
  Fixture f;
  EXPECT_THAT(f.run(max_response_time, "listApiKeys", 200, "{}", "application/json", false, 9.0),
              IsEmpty());
  f.options.max_response_time_seconds = 0.5;
  EXPECT_THAT(f.run(max_response_time, "listApiKeys", 200, "{}", "application/json", false, 0.4),
              IsEmpty());
  auto slow = f.run(max_response_time, "listApiKeys", 200, "{}", "application/json", false, 0.75);
  ASSERT_THAT(slow, SizeIs(1));
  EXPECT_THAT(slow[0].message, HasSubstr("750 ms (limit 500 ms)"));
}

TEST(Checks, SequenceChecks) {
  transport::Response response;
  response.status = 401;
  EXPECT_FALSE(ignored_auth(response, "without credentials"));
  response.status = 200;
  EXPECT_TRUE(ignored_auth(response, "without credentials"));
  response.status = 404;
  EXPECT_FALSE(use_after_delete(response, "x"));
  EXPECT_TRUE(resource_availability(response, "x"));
  response.status = 200;
  EXPECT_TRUE(use_after_delete(response, "x"));
  EXPECT_FALSE(resource_availability(response, "x"));
}

TEST(Checks, MissingRequiredHeaderOwnsItsCases) {
  Fixture f;
  f.invalid.mutation = "missing_required_header";
  f.invalid.where = "header parameter 'X-Tenant'";
  auto accepted =
      f.run(missing_required_header, "listApiKeys", 200, "{}", "application/json", true);
  ASSERT_THAT(accepted, SizeIs(1));
  EXPECT_THAT(accepted[0].message, HasSubstr("header parameter 'X-Tenant' was accepted with 200"));
  EXPECT_THAT(f.run(missing_required_header, "listApiKeys", 400, "{}", "application/json", true),
              IsEmpty());
  // Reported once, by its own name.
  EXPECT_THAT(f.run(negative_data_rejection, "listApiKeys", 200, "{}", "application/json", true),
              IsEmpty());
  f.invalid.mutation = "missing_required_parameter";
  EXPECT_THAT(f.run(missing_required_header, "listApiKeys", 200, "{}", "application/json", true),
              IsEmpty());
}

TEST(Checks, WwwAuthenticateOnEvery401) {
  Fixture f;
  auto bare = f.run(www_authenticate, "listApiKeys", 401, "{}");
  ASSERT_THAT(bare, SizeIs(1));
  EXPECT_THAT(bare[0].message, HasSubstr("WWW-Authenticate"));
  EXPECT_THAT(f.run(www_authenticate, "listApiKeys", 403, "{}"), IsEmpty());
  transport::Response challenged;
  challenged.status = 401;
  challenged.headers.emplace_back("www-authenticate", "Bearer realm=\"api\"");
  const spec::Operation& op = *f.spec.find_operation("listApiKeys");
  EXPECT_THAT(www_authenticate({f.spec, f.schemas, op, f.valid, challenged, f.options}), IsEmpty());
}

TEST(Checks, UnsupportedMethod) {
  const std::vector<std::string> declared = {"GET", "POST"};
  transport::Response response;
  response.status = 405;
  response.headers.emplace_back("allow", "get, POST,HEAD");
  EXPECT_FALSE(unsupported_method(response, "PATCH /things", declared));
  response.status = 501;  // a method the server knows for no resource
  EXPECT_FALSE(unsupported_method(response, "PATCH /things", declared));
  response.status = 404;
  auto found = unsupported_method(response, "PATCH /things", declared);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->check, "unsupported_method");
  EXPECT_THAT(found->message, HasSubstr("answered 404 (expected 405 with Allow: GET, POST)"));
  response.status = 200;
  EXPECT_TRUE(unsupported_method(response, "PATCH /things", declared));
  response.status = 405;
  response.headers = {{"allow", "GET"}};
  auto partial = unsupported_method(response, "PATCH /things", declared);
  ASSERT_TRUE(partial);
  EXPECT_THAT(partial->message, HasSubstr("leaves out the declared POST"));
  response.headers.clear();
  auto bare = unsupported_method(response, "PATCH /things", declared);
  ASSERT_TRUE(bare);
  EXPECT_THAT(bare->message, HasSubstr("without an Allow header"));
}

// A read after an update shows the update, or at least not only what was there before.
TEST(Checks, UpdateReflected) {
  const nlohmann::json created = {{"ssh_key", "ssh-ed25519 AAAA old"}, {"label", "kept"}};
  const nlohmann::json update = {{"ssh_key", "ssh-ed25519 BBBB new"}, {"label", "kept"}};
  auto read = [](const char* key) {
    return nlohmann::json{{"id", 7}, {"key", key}, {"label", "kept"}};
  };
  // The read names it otherwise ("key", not "ssh_key"): found by value.
  EXPECT_FALSE(update_reflected(created, update, read("ssh-ed25519 BBBB new"), "list").failure);
  auto lost = update_reflected(created, update, read("ssh-ed25519 AAAA old"), "listSshKeys");
  ASSERT_TRUE(lost.failure);
  EXPECT_EQ(lost.failure->check, "update_reflected");
  EXPECT_THAT(lost.failure->message, HasSubstr("listSshKeys shows the item as it was"));
  EXPECT_THAT(lost.failure->message, HasSubstr("/ssh_key: sent 'ssh-ed25519 BBBB new', still"));
  // Stored in another form: neither value is shown, nothing is known.
  EXPECT_FALSE(update_reflected(created, update, read("SSH-ED25519 BBBB NEW"), "x").failure);
  // Nothing changed by the update (the same value, or one the update also sends elsewhere).
  EXPECT_FALSE(update_reflected(created, created, read("ssh-ed25519 AAAA old"), "x").failure);
  const nlohmann::json swapped = {{"ssh_key", "kept"}, {"label", "ssh-ed25519 AAAA old"}};
  EXPECT_FALSE(update_reflected(created, swapped, read("ssh-ed25519 AAAA old"), "x").failure);
  // One member lost, another shown: named, not a failure (a field the server keeps fixed).
  const nlohmann::json both = {{"ssh_key", "ssh-ed25519 BBBB new"}, {"label", "relabelled"}};
  auto partly = update_reflected(created, both, read("ssh-ed25519 BBBB new"), "x");
  EXPECT_FALSE(partly.failure);
  ASSERT_EQ(partly.lost.size(), 1u);
  EXPECT_THAT(partly.lost[0], HasSubstr("/label: sent 'relabelled', still 'kept'"));
  // Members nested and long values: pointers escaped, values cut.
  const nlohmann::json deep_before = {{"a/b", {{"c", std::string(60, 'o')}}}};
  const nlohmann::json deep_update = {{"a/b", {{"c", std::string(60, 'n')}}}};
  auto deep = update_reflected(deep_before, deep_update, deep_before, "x");
  ASSERT_TRUE(deep.failure);
  EXPECT_THAT(deep.failure->message, HasSubstr("/a~1b/c: sent '" + std::string(40, 'n') + "...'"));
}

TEST(Checks, TheCatalogueHasDesignsNames) {
  std::vector<std::string> names;
  for (const auto& c : catalogue()) names.emplace_back(c.name);
  EXPECT_THAT(names, ::testing::ElementsAre(
                         "not_a_server_error", "status_code_conformance",
                         "content_type_conformance", "response_schema_conformance",
                         "response_headers_conformance", "negative_data_rejection",
                         "positive_data_acceptance", "ignored_auth", "use_after_delete",
                         "resource_availability", "permission_enforcement", "permission_round_trip",
                         "max_response_time", "workflow_success_criteria", "unsupported_method",
                         "missing_required_header", "www_authenticate", "update_reflected"));
  EXPECT_TRUE(is_check_name("ignored_auth"));
  EXPECT_FALSE(is_check_name("ignored_auths"));
}

}  // namespace
}  // namespace conform::checks
