// End to end: the account area of `conform mock` on the project's description — state, keys that
// authenticate as themselves, permission documents and their constraints, rate limits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/conformance.hpp"
#include "support/mock_process.hpp"
#include "support/project_fixture.hpp"

namespace conform::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class AccountArea : public ProjectSpecSuite {
 protected:
  // Sends and checks that the answer is declared, conforms, and has the expected status.
  httplib::Result call(const std::string& operation_id, const std::string& method,
                       const std::string& path, const httplib::Headers& headers, int expected,
                       const std::optional<json>& body = std::nullopt) {
    auto client = mock_.client();
    httplib::Result result = [&] {
      std::string text = body ? body->dump() : "";
      if (method == "GET") return client.Get(path, headers);
      if (method == "DELETE") {
        return body ? client.Delete(path, headers, text, "application/json")
                    : client.Delete(path, headers);
      }
      if (method == "PUT") return client.Put(path, headers, text, "application/json");
      return client.Post(path, headers, text, "application/json");
    }();
    EXPECT_TRUE(result) << method << " " << path;
    if (!result) return result;
    EXPECT_EQ(result->status, expected) << method << " " << path << ": " << result->body;
    EXPECT_EQ(nonconformance(*spec_, *schemas_, operation_id, result), "") << method << " " << path;
    return result;
  }

  json create_key(const json& permissions, const httplib::Headers& as = kAuth) {
    json body = {{"name", "test"}};
    if (!permissions.is_null()) body["permissions"] = permissions;
    auto created = call("createApiKey", "POST", "/api/v0/auth/apikeys/", as, 200, body);
    return json::parse(created->body);
  }

  MockProcess mock_{project_spec()};
};

TEST_F(AccountArea, ApiKeyLifecycle) {
  auto before = json::parse(call("listApiKeys", "GET", "/api/v0/auth/apikeys/", kAuth, 200)->body);
  EXPECT_TRUE(before["apikeys"].empty());
  json permissions = {{"api", {{"user_read", json::object()}}}};
  json key = create_key(permissions);
  EXPECT_EQ(key["permissions"], permissions);
  std::string id = std::to_string(key["id"].get<long>());

  auto listed = json::parse(call("listApiKeys", "GET", "/api/v0/auth/apikeys/", kAuth, 200)->body);
  ASSERT_EQ(listed["apikeys"].size(), 1u);
  EXPECT_EQ(listed["apikeys"][0]["id"], key["id"]);
  EXPECT_EQ(listed["apikeys"][0]["rights"], permissions);

  // The new key is itself: the user shows its id.
  auto as_key = bearer(key["key"].get<std::string>());
  auto user =
      json::parse(call("showCurrentUser", "GET", "/api/v0/users/current/", as_key, 200)->body);
  EXPECT_EQ(user["key_id"], key["id"]);
  auto as_root =
      json::parse(call("showCurrentUser", "GET", "/api/v0/users/current/", kAuth, 200)->body);
  EXPECT_TRUE(as_root["key_id"].is_null());

  call("deleteApiKey", "DELETE", "/api/v0/auth/apikeys/" + id + "/", kAuth, 200);
  call("deleteApiKey", "DELETE", "/api/v0/auth/apikeys/" + id + "/", kAuth, 404);
  call("showCurrentUser", "GET", "/api/v0/users/current/", as_key, 401);
  auto after = json::parse(call("listApiKeys", "GET", "/api/v0/auth/apikeys/", kAuth, 200)->body);
  EXPECT_TRUE(after["apikeys"].empty());
}

TEST_F(AccountArea, AKeyWithoutPermissionsIsUnrestricted) {
  json key = create_key(nullptr);
  EXPECT_EQ(key["permissions"], false);
  auto as_key = bearer(key["key"].get<std::string>());
  call("listSshKeys", "GET", "/api/v0/ssh/", as_key, 200);
  call("createEnvVar", "POST", "/api/v0/secrets/", as_key, 200, json{{"key", "K"}, {"value", "v"}});
}

TEST_F(AccountArea, InvalidPermissionDocumentsAreRefusedAndNoKeyIsMade) {
  for (const json& invalid :
       {json{{"apl", json::object()}}, json{{"api", {{"user_reed", json::object()}}}},
        json{{"api", {{"misc", {{"api.x", {{"constraints", {{"id", {{"ne", 1}}}}}}}}}}}},
        json{{"api", {{"user_read", {{"API.Upper", json::object()}}}}}},
        json{{"api", {{"user_read", {{"api.instance.show", json::object()}}}}}},
        json{{"api",
              {{"instance_read",
                {{"api.instance.request_logs", {{"constraints", {{"zone", {{"eq", 1}}}}}}}}}}}},
        json{{"api", {{"misc", 3}}}}}) {
    auto refused = call("createApiKey", "POST", "/api/v0/auth/apikeys/", kAuth, 400,
                        json{{"name", "bad"}, {"permissions", invalid}});
    EXPECT_EQ(json::parse(refused->body)["error"], "invalid_permissions") << invalid.dump();
  }
  auto listed = json::parse(call("listApiKeys", "GET", "/api/v0/auth/apikeys/", kAuth, 200)->body);
  EXPECT_TRUE(listed["apikeys"].empty());
  auto bad_name =
      call("createApiKey", "POST", "/api/v0/auth/apikeys/", kAuth, 400, json{{"name", ""}});
  EXPECT_EQ(json::parse(bad_name->body)["error"], "invalid_args");
}

TEST_F(AccountArea, AKeyGetsOnlyTheCategoriesItsDocumentGrants) {
  json key = create_key({{"api", {{"user_read", json::object()}}}});
  auto as_key = bearer(key["key"].get<std::string>());
  call("listApiKeys", "GET", "/api/v0/auth/apikeys/", as_key, 200);
  call("listSshKeys", "GET", "/api/v0/ssh/", as_key, 200);
  call("listEnvVars", "GET", "/api/v0/secrets/", as_key, 200);
  auto refused = call("createSshKey", "POST", "/api/v0/ssh/", as_key, 403,
                      json{{"ssh_key", "ssh-ed25519 AAAA k"}});
  EXPECT_EQ(json::parse(refused->body)["error"], "missing_permissions");
  EXPECT_THAT(json::parse(refused->body)["msg"].get<std::string>(), HasSubstr("user_write"));
  call("listInstances", "GET", "/api/v0/instances/", as_key, 403);
  // Refused before its body is read: an invalid body still gets 403.
  call("createEnvVar", "POST", "/api/v0/secrets/", as_key, 403, json{{"key", "1bad"}});
}

TEST_F(AccountArea, EndpointGrantsAndConstraints) {
  json exact = create_key(json::parse(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"eq": 1227}}}}}})"));
  auto as_exact = bearer(exact["key"].get<std::string>());
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/1227/", as_exact, 200,
       json::object());
  auto outside = call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/1/", as_exact,
                      403, json::object());
  EXPECT_THAT(json::parse(outside->body)["msg"].get<std::string>(), HasSubstr("eq 1227"));
  call("showInstance", "GET", "/api/v0/instances/1227/", as_exact, 403);

  json range = create_key(json::parse(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"lte": 2, "gte": 1}}}, "api.instance.show": {}}}})"));
  auto as_range = bearer(range["key"].get<std::string>());
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/1/", as_range, 200,
       json::object());
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/2/", as_range, 200,
       json::object());
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/1227/", as_range, 403,
       json::object());
  call("showInstance", "GET", "/api/v0/instances/1227/", as_range, 200);
  call("listInstances", "GET", "/api/v0/instances/", as_range, 403);
}

TEST_F(AccountArea, ARestrictedKeyCannotGrantMoreThanItHolds) {
  json writer =
      create_key({{"api", {{"user_write", json::object()}, {"user_read", json::object()}}}});
  auto as_writer = bearer(writer["key"].get<std::string>());
  create_key({{"api", {{"user_read", json::object()}}}}, as_writer);
  call("createApiKey", "POST", "/api/v0/auth/apikeys/", as_writer, 403,
       json{{"name", "wider"}, {"permissions", {{"api", {{"billing_write", json::object()}}}}}});
  call("createApiKey", "POST", "/api/v0/auth/apikeys/", as_writer, 403, json{{"name", "root"}});
}

TEST_F(AccountArea, SshKeys) {
  auto created = json::parse(call("createSshKey", "POST", "/api/v0/ssh/", kAuth, 200,
                                  json{{"ssh_key", "ssh-ed25519 AAAAC3Nz me@host"}})
                                 ->body);
  std::string id = std::to_string(created["key"]["id"].get<long>());
  auto listed = json::parse(call("listSshKeys", "GET", "/api/v0/ssh/", kAuth, 200)->body);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["key"], "ssh-ed25519 AAAAC3Nz me@host");
  auto updated = json::parse(call("updateSshKey", "PUT", "/api/v0/ssh/" + id + "/", kAuth, 200,
                                  json{{"ssh_key", "ssh-rsa AAAAB3 other"}})
                                 ->body);
  EXPECT_EQ(updated["key"]["key"], "ssh-rsa AAAAB3 other");
  call("createSshKey", "POST", "/api/v0/ssh/", kAuth, 400, json{{"ssh_key", "not a key"}});
  call("deleteSshKey", "DELETE", "/api/v0/ssh/" + id + "/", kAuth, 200);
  call("deleteSshKey", "DELETE", "/api/v0/ssh/" + id + "/", kAuth, 404);
  call("updateSshKey", "PUT", "/api/v0/ssh/" + id + "/", kAuth, 404,
       json{{"ssh_key", "ssh-rsa AAAAB3 other"}});
  EXPECT_TRUE(json::parse(call("listSshKeys", "GET", "/api/v0/ssh/", kAuth, 200)->body).empty());
}

TEST_F(AccountArea, EnvironmentVariables) {
  call("createEnvVar", "POST", "/api/v0/secrets/", kAuth, 200,
       json{{"key", "HF_TOKEN"}, {"value", "s3cret"}});
  auto existing = call("createEnvVar", "POST", "/api/v0/secrets/", kAuth, 400,
                       json{{"key", "HF_TOKEN"}, {"value", "again"}});
  EXPECT_EQ(json::parse(existing->body)["error"], "existing_key");
  auto listed = json::parse(call("listEnvVars", "GET", "/api/v0/secrets/", kAuth, 200)->body);
  EXPECT_TRUE(listed["secrets"].contains("HF_TOKEN"));
  EXPECT_EQ(listed.dump().find("s3cret"), std::string::npos) << "values are masked";
  call("updateEnvVar", "PUT", "/api/v0/secrets/", kAuth, 200,
       json{{"key", "HF_TOKEN"}, {"value", "new"}});
  call("updateEnvVar", "PUT", "/api/v0/secrets/", kAuth, 400,
       json{{"key", "NOPE"}, {"value", "x"}});
  call("deleteEnvVar", "DELETE", "/api/v0/secrets/", kAuth, 200, json{{"key", "HF_TOKEN"}});
  auto gone =
      call("deleteEnvVar", "DELETE", "/api/v0/secrets/", kAuth, 400, json{{"key", "HF_TOKEN"}});
  EXPECT_EQ(json::parse(gone->body)["error"], "nonexistent_key");
}

TEST_F(AccountArea, Instances) {
  auto listed = json::parse(call("listInstances", "GET", "/api/v0/instances/", kAuth, 200)->body);
  ASSERT_FALSE(listed["instances"].empty());
  std::string id = std::to_string(listed["instances"][0]["id"].get<long>());
  auto shown =
      json::parse(call("showInstance", "GET", "/api/v0/instances/" + id + "/", kAuth, 200)->body);
  EXPECT_EQ(shown["instances"]["id"], listed["instances"][0]["id"]);
  call("showInstance", "GET", "/api/v0/instances/99999/", kAuth, 404);
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/" + id + "/", kAuth, 200,
       json{{"tail", "100"}});
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/99999/", kAuth, 404,
       json::object());
  call("requestInstanceLogs", "PUT", "/api/v0/instances/request_logs/" + id + "/", kAuth, 400,
       json{{"tail", "many"}});
}

TEST(ConformMockRateLimit, APerEndpointPerIdentityInterval) {
  spec::Spec spec = spec::Spec::load(project_spec());
  schema::SpecSchemas schemas(spec);
  MockProcess mock(project_spec(), {"--rate-limit"});
  auto client = mock.client();
  EXPECT_EQ(client.Get("/api/v0/auth/apikeys/", kAuth)->status, 200);
  auto limited = client.Get("/api/v0/auth/apikeys/", kAuth);
  ASSERT_EQ(limited->status, 429);
  EXPECT_EQ(nonconformance(spec, schemas, "listApiKeys", limited), "");
  EXPECT_EQ(json::parse(limited->body)["detail"],
            "API requests too frequent endpoint threshold=1.0");
  EXPECT_FALSE(limited->has_header("Retry-After"));
  // Another endpoint is not limited by this one.
  EXPECT_EQ(client.Get("/api/v0/ssh/", kAuth)->status, 200);
  // Another identity has its own interval.
  auto created =
      client.Post("/api/v0/auth/apikeys/", kAuth, R"({"name": "other"})", "application/json");
  ASSERT_EQ(created->status, 200);
  auto other = bearer(json::parse(created->body)["key"].get<std::string>());
  EXPECT_EQ(client.Get("/api/v0/auth/apikeys/", other)->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(client.Get("/api/v0/auth/apikeys/", kAuth)->status, 200);
}

TEST(ConformMockRateLimit, OffUnlessAskedFor) {
  MockProcess mock(project_spec());
  auto client = mock.client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Get("/api/v0/auth/apikeys/", kAuth)->status, 200);
}

}  // namespace
}  // namespace conform::test
