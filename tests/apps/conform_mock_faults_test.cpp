// End to end: each fault of `conform mock --fault` breaks the contract the way the catalogue says,
// and only when switched on (each test compares with the clean mock).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "conform/mock/faults.hpp"
#include "support/conformance.hpp"
#include "support/mock_process.hpp"
#include "support/project_fixture.hpp"

namespace conform::test {
namespace {

using nlohmann::json;

class MockFaults : public ProjectSpecSuite {
 protected:
  static std::string conformance(const std::string& id, const httplib::Result& r) {
    return nonconformance(*spec_, *schemas_, id, r);
  }
  static MockProcess with(const char* fault) {
    return MockProcess(project_spec(), {"--fault", fault});
  }
  static MockProcess clean() { return MockProcess(project_spec()); }
};

const char* kKeys = "/api/v0/auth/apikeys/";

httplib::Result post_json(MockProcess& mock, const std::string& path, const json& body,
                          const httplib::Headers& headers = kAuth) {
  return mock.client().Post(path, headers, body.dump(), "application/json");
}

std::string new_key(MockProcess& mock, const json& permissions) {
  auto created = post_json(mock, kKeys, {{"name", "k"}, {"permissions", permissions}});
  EXPECT_EQ(created->status, 200) << created->body;
  return json::parse(created->body)["key"];
}

TEST_F(MockFaults, ServerError) {
  json long_name = {{"name", std::string(100, 'n')}};
  auto clean_mock = clean();
  EXPECT_EQ(post_json(clean_mock, kKeys, long_name)->status, 200);
  auto faulty = with("server_error");
  EXPECT_EQ(post_json(faulty, kKeys, long_name)->status, 500);
  EXPECT_EQ(post_json(faulty, kKeys, {{"name", "short"}})->status, 200);
}

TEST_F(MockFaults, UndocumentedStatus) {
  auto faulty = with("undocumented_status");
  auto response = faulty.client().Get(kKeys, kAuth);
  ASSERT_TRUE(response);
  EXPECT_GE(response->status, 200);
  EXPECT_LT(response->status, 300);
  EXPECT_THAT(conformance("listApiKeys", response), ::testing::HasSubstr("declares no"));
  auto clean_mock = clean();
  EXPECT_EQ(conformance("listApiKeys", clean_mock.client().Get(kKeys, kAuth)), "");
}

TEST_F(MockFaults, WrongContentType) {
  auto faulty = with("wrong_content_type");
  EXPECT_EQ(faulty.client().Get(kKeys, kAuth)->get_header_value("Content-Type"), "text/plain");
  auto clean_mock = clean();
  EXPECT_EQ(clean_mock.client().Get(kKeys, kAuth)->get_header_value("Content-Type"),
            "application/json");
}

TEST_F(MockFaults, WrongResponseType) {
  auto faulty = with("wrong_response_type");
  auto user = faulty.client().Get("/api/v0/users/current/", kAuth);
  EXPECT_EQ(user->status, 200);
  EXPECT_NE(conformance("showCurrentUser", user), "");
  auto clean_mock = clean();
  EXPECT_EQ(
      conformance("showCurrentUser", clean_mock.client().Get("/api/v0/users/current/", kAuth)), "");
}

TEST_F(MockFaults, MissingResponseHeader) {
  std::string fixture = data("mock-headers.yaml").string();
  MockProcess clean_mock(fixture);
  auto sent = clean_mock.client().Get("/things");
  ASSERT_EQ(sent->status, 200);
  EXPECT_TRUE(sent->has_header("X-Request-Id"));
  EXPECT_THAT(sent->get_header_value("X-Request-Id"), ::testing::MatchesRegex("[0-9a-fA-F-]{36}"));
  MockProcess faulty(fixture, {"--fault", "missing_response_header"});
  auto missing = faulty.client().Get("/things");
  EXPECT_FALSE(missing->has_header("X-Request-Id"));
  EXPECT_TRUE(missing->has_header("X-Page-Count")) << "only required headers are dropped";
}

TEST_F(MockFaults, AcceptsInvalidInput) {
  json invalid = {{"name", ""}, {"unexpected", 1}};
  auto clean_mock = clean();
  EXPECT_EQ(post_json(clean_mock, kKeys, invalid)->status, 400);
  auto faulty = with("accepts_invalid_input");
  EXPECT_EQ(post_json(faulty, kKeys, invalid)->status, 200);
}

TEST_F(MockFaults, RejectsValidInput) {
  auto faulty = with("rejects_valid_input");
  EXPECT_EQ(post_json(faulty, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}})->status, 400);
  EXPECT_EQ(faulty.client().Get(kKeys, kAuth)->status, 200) << "requests without input pass";
}

TEST_F(MockFaults, IgnoresAuth) {
  auto clean_mock = clean();
  EXPECT_EQ(clean_mock.client().Get(kKeys)->status, 401);
  auto faulty = with("ignores_auth");
  EXPECT_EQ(faulty.client().Get(kKeys)->status, 200);
  EXPECT_EQ(faulty.client().Get(kKeys, bearer("made-up"))->status, 200);
}

TEST_F(MockFaults, DeleteDoesNotDelete) {
  auto faulty = with("delete_does_not_delete");
  auto created = post_json(faulty, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}});
  std::string path =
      "/api/v0/ssh/" + std::to_string(json::parse(created->body)["key"]["id"].get<long>()) + "/";
  EXPECT_EQ(faulty.client().Delete(path, kAuth)->status, 200);
  EXPECT_EQ(faulty.client().Delete(path, kAuth)->status, 200);
  EXPECT_EQ(json::parse(faulty.client().Get("/api/v0/ssh/", kAuth)->body).size(), 1u);
  // A deleted key still authenticates.
  auto key = post_json(faulty, kKeys, {{"name", "k"}});
  auto id = json::parse(key->body)["id"].get<long>();
  EXPECT_EQ(faulty.client().Delete(kKeys + std::to_string(id) + "/", kAuth)->status, 200);
  EXPECT_EQ(faulty.client().Get(kKeys, bearer(json::parse(key->body)["key"]))->status, 200);
}

TEST_F(MockFaults, ResourceUnavailable) {
  auto faulty = with("resource_unavailable");
  auto created = post_json(faulty, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}});
  ASSERT_EQ(created->status, 200);
  EXPECT_EQ(conformance("createSshKey", created), "");
  std::string path =
      "/api/v0/ssh/" + std::to_string(json::parse(created->body)["key"]["id"].get<long>()) + "/";
  EXPECT_TRUE(json::parse(faulty.client().Get("/api/v0/ssh/", kAuth)->body).empty());
  EXPECT_EQ(faulty.client()
                .Put(path, kAuth, R"({"ssh_key": "ssh-rsa AAAA y"})", "application/json")
                ->status,
            404);
  auto key = post_json(faulty, kKeys, {{"name", "k"}});
  EXPECT_EQ(faulty.client().Get(kKeys, bearer(json::parse(key->body)["key"]))->status, 401);
}

TEST_F(MockFaults, SlowResponses) {
  auto faulty = with("slow_responses");
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(faulty.client().Get(kKeys, kAuth)->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
}

TEST_F(MockFaults, PermissionNotEnforced) {
  json reader = {{"api", {{"user_read", json::object()}}}};
  auto clean_mock = clean();
  EXPECT_EQ(post_json(clean_mock, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}},
                      bearer(new_key(clean_mock, reader)))
                ->status,
            403);
  auto faulty = with("permission_not_enforced");
  EXPECT_EQ(post_json(faulty, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}},
                      bearer(new_key(faulty, reader)))
                ->status,
            200);
}

TEST_F(MockFaults, PermissionNotRoundTripped) {
  json constrained = json::parse(R"({"api": {"instance_read": {"api.instance.request_logs":
      {"constraints": {"id": {"eq": 1227}}}}}})");
  auto listed_rights = [&](MockProcess& mock) {
    new_key(mock, constrained);
    return json::parse(mock.client().Get(kKeys, kAuth)->body)["apikeys"][0]["rights"];
  };
  auto clean_mock = clean();
  EXPECT_EQ(listed_rights(clean_mock), constrained);
  auto faulty = with("permission_not_round_tripped");
  auto rights = listed_rights(faulty);
  EXPECT_NE(rights, constrained);
  EXPECT_EQ(rights,
            json::parse(R"({"api": {"instance_read": {"api.instance.request_logs": {}}}})"));
}

TEST_F(MockFaults, AcceptsInvalidPermissions) {
  json invalid = {{"name", "k"},
                  {"permissions", {{"api", {{"no_such_category", json::object()}}}}}};
  auto clean_mock = clean();
  EXPECT_EQ(post_json(clean_mock, kKeys, invalid)->status, 400);
  auto faulty = with("accepts_invalid_permissions");
  EXPECT_EQ(post_json(faulty, kKeys, invalid)->status, 200);
  EXPECT_EQ(json::parse(faulty.client().Get(kKeys, kAuth)->body)["apikeys"].size(), 1u);
  // Other input is still checked.
  EXPECT_EQ(post_json(faulty, kKeys, {{"name", ""}})->status, 400);
}

TEST_F(MockFaults, UndeclaredMethodNotFound) {
  auto clean_mock = clean();
  auto refused = clean_mock.client().Patch(kKeys, kAuth, "", "application/json");
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(refused->get_header_value("Allow"), "GET, POST");
  auto faulty = with("undeclared_method_not_found");
  auto missing = faulty.client().Patch(kKeys, kAuth, "", "application/json");
  EXPECT_EQ(missing->status, 404);
  EXPECT_FALSE(missing->has_header("Allow"));
  EXPECT_EQ(faulty.client().Get(kKeys, kAuth)->status, 200) << "declared methods still answer";
}

TEST_F(MockFaults, AcceptsMissingHeader) {
  std::string fixture = data("mock-headers.yaml").string();
  MockProcess clean_mock(fixture);
  EXPECT_EQ(clean_mock.client().Get("/orders")->status, 400);
  EXPECT_EQ(clean_mock.client().Get("/orders", {{"X-Tenant", "t"}})->status, 200);
  MockProcess faulty(fixture, {"--fault", "accepts_missing_header"});
  EXPECT_EQ(faulty.client().Get("/orders")->status, 200);
}

TEST_F(MockFaults, NoAuthChallenge) {
  auto clean_mock = clean();
  auto challenged = clean_mock.client().Get(kKeys);
  EXPECT_EQ(challenged->status, 401);
  EXPECT_EQ(challenged->get_header_value("WWW-Authenticate"), "Bearer realm=\"conform mock\"");
  auto faulty = with("no_auth_challenge");
  auto bare = faulty.client().Get(kKeys);
  EXPECT_EQ(bare->status, 401);
  EXPECT_FALSE(bare->has_header("WWW-Authenticate"));
}

TEST_F(MockFaults, ReusesIdentifiers) {
  auto id_of = [](const httplib::Result& created) {
    return json::parse(created->body)["key"]["id"].get<long>();
  };
  auto cycle = [&](MockProcess& mock) {
    long first = id_of(post_json(mock, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA x"}}));
    EXPECT_EQ(mock.client().Delete("/api/v0/ssh/" + std::to_string(first) + "/", kAuth)->status,
              200);
    long second = id_of(post_json(mock, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA y"}}));
    return std::make_pair(first, second);
  };
  auto clean_mock = clean();
  auto [kept, fresh] = cycle(clean_mock);
  EXPECT_NE(kept, fresh);
  auto faulty = with("reuses_identifiers");
  auto [deleted, reused] = cycle(faulty);
  EXPECT_EQ(deleted, reused);
}

TEST_F(MockFaults, IgnoresUpdates) {
  // The key's text as the list shows it after a create and a successful update.
  auto listed_after_update = [](MockProcess& mock) {
    auto created = post_json(mock, "/api/v0/ssh/", {{"ssh_key", "ssh-ed25519 AAAA before"}});
    const long id = json::parse(created->body)["key"]["id"].get<long>();
    const std::string item = "/api/v0/ssh/" + std::to_string(id) + "/";
    auto updated = mock.client().Put(
        item, kAuth, json{{"ssh_key", "ssh-ed25519 BBBB after"}}.dump(), "application/json");
    EXPECT_EQ(updated->status, 200) << updated->body;
    for (const auto& key : json::parse(mock.client().Get("/api/v0/ssh/", kAuth)->body)) {
      if (key["id"] == id) return key["key"].get<std::string>();
    }
    return std::string("(not listed)");
  };
  auto clean_mock = clean();
  EXPECT_EQ(listed_after_update(clean_mock), "ssh-ed25519 BBBB after");
  auto faulty = with("ignores_updates");
  EXPECT_EQ(listed_after_update(faulty), "ssh-ed25519 AAAA before");
}

TEST_F(MockFaults, EveryFaultInTheCatalogueIsTestedHere) {
  const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
  std::set<std::string> tested;
  for (int i = 0; i < suite->total_test_count(); ++i) tested.insert(suite->GetTestInfo(i)->name());
  for (const auto& info : mock::fault_catalogue()) {
    std::string camel;
    bool upper = true;
    for (char c : info.name) {
      if (c == '_') {
        upper = true;
      } else {
        camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
      }
    }
    EXPECT_TRUE(tested.contains(camel)) << "no end-to-end test for fault " << info.name;
  }
}

TEST(ConformMockFaultOption, UnknownFaultsAreRefused) {
  std::string command = std::string(CONFORM_BINARY) + " mock --spec " + project_spec() +
                        " --port 0 --fault no_such_fault 2>/dev/null";
  int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace conform::test
