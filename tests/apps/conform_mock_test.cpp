// End to end: the real `conform mock`, driven over HTTP.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "conform/schema/spec_schemas.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/raw_client.hpp"

namespace {

using ::testing::HasSubstr;

using conform::test::kAuth;
using conform::test::MockProcess;
using conform::test::project_spec;

TEST(ConformMock, AnnouncesWhatItServes) {
  MockProcess mock(project_spec());
  EXPECT_THAT(mock.banner(), HasSubstr("serving 15 operations"));
  EXPECT_EQ(mock.stop(), 0);
}

TEST(ConformMock, RequiresTheBearerToken) {
  MockProcess mock(project_spec());
  auto client = mock.client();
  auto none = client.Get("/api/v0/auth/apikeys/");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(nlohmann::json::parse(none->body)["success"], false);
  auto wrong = client.Get("/api/v0/auth/apikeys/", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong->status, 401);
  auto right = client.Get("/api/v0/auth/apikeys/", kAuth);
  EXPECT_EQ(right->status, 200);
}

TEST(ConformMock, AnswersWithResponsesThatConformToTheDescription) {
  auto spec = conform::spec::Spec::load(project_spec());
  conform::schema::SpecSchemas schemas(spec);
  MockProcess mock(project_spec(), {"--state-seed", "3"});
  auto client = mock.client();
  for (const auto& [method, path, id] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/api/v0/auth/apikeys/", "listApiKeys"},
           {"GET", "/api/v0/users/current/", "showCurrentUser"},
           {"GET", "/api/v0/instances/", "listInstances"},
           {"GET", "/api/v0/instances/1227/", "showInstance"},
           {"GET", "/api/v0/ssh/", "listSshKeys"}}) {
    auto response = client.Get(path, kAuth);
    ASSERT_TRUE(response) << path;
    ASSERT_EQ(response->status, 200) << path << ": " << response->body;
    const auto* declared = spec.find_operation(id)->find_response(200);
    auto violations =
        schemas.validate(*declared->content.front().schema, conform::spec::Direction::response,
                         nlohmann::json::parse(response->body));
    EXPECT_TRUE(violations.empty()) << path << ": " << response->body;
  }
  // Generated bodies are the same for the same seed.
  EXPECT_EQ(client.Get("/api/v0/instances/1227/", kAuth)->body,
            client.Get("/api/v0/instances/1227/", kAuth)->body);
}

TEST(ConformMock, RefusesInvalidRequestsNamingTheProblem) {
  MockProcess mock(project_spec());
  auto client = mock.client();
  auto bad = client.Post("/api/v0/auth/apikeys/", kAuth, R"({"name": ""})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto body = nlohmann::json::parse(bad->body);
  EXPECT_EQ(body["error"], "invalid_args");
  EXPECT_THAT(body["msg"].get<std::string>(), HasSubstr("body /name"));
  auto malformed = client.Post("/api/v0/auth/apikeys/", kAuth, "{", "application/json");
  EXPECT_EQ(malformed->status, 400);
  auto wrong_type = client.Post("/api/v0/auth/apikeys/", kAuth, "name=x", "text/plain");
  EXPECT_EQ(wrong_type->status, 400);
  auto bad_id = client.Delete("/api/v0/auth/apikeys/abc/", kAuth);
  EXPECT_EQ(bad_id->status, 400);
  // A percent-encoded newline reaches the router too, and is refused as the id it is not.
  auto newline_id = client.Delete("/api/v0/auth/apikeys/%0A/", kAuth);
  ASSERT_TRUE(newline_id);
  EXPECT_EQ(newline_id->status, 400) << newline_id->body;
  EXPECT_THAT(newline_id->body, HasSubstr("invalid_args"));
  auto good = client.Post("/api/v0/auth/apikeys/", kAuth,
                          R"({"name": "ci", "permissions": {"api": {"user_read": {}}}})",
                          "application/json");
  EXPECT_EQ(good->status, 200) << good->body;
}

TEST(ConformMock, UnknownPathsMethodsAndHugeBodies) {
  MockProcess mock(project_spec());
  auto client = mock.client();
  EXPECT_EQ(client.Get("/api/v0/nowhere/", kAuth)->status, 404);
  auto wrong = client.Patch("/api/v0/auth/apikeys/", kAuth, "{}", "application/json");
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET, POST");
  std::string huge(2 * 1024 * 1024, 'x');
  auto too_big = client.Post("/api/v0/auth/apikeys/", kAuth, huge, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
}

// Peak resident memory of a process, in kB.
[[maybe_unused]] long peak_kb(pid_t pid) {  // unused under ASan (see below)
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The body limit holds for chunked bodies too. What comes past the limit is read and dropped,
// never kept (a 200 MB chunked body was held whole, 500 MB of memory, and answered 400).
TEST(ConformMock, ChunkedBodiesAreHeldToTheLimit) {
  MockProcess mock(project_spec());
  conform::test::RawClient client(mock.port());
  ASSERT_TRUE(client.connected());
  client.send("POST /api/v0/auth/apikeys/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
              conform::test::kRootToken +
              "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  std::size_t offered = 0;
  // The mock answers past the limit and reads on a while, dropping what comes.
  while (offered < 200u * 1024 * 1024 && client.send(chunk)) offered += 0x10000;
  client.send("0\r\n\r\n");
  EXPECT_THAT(client.read_answers(1), HasSubstr("HTTP/1.1 413"));
#if !defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer freed buffers wait in its quarantine (up to 256 MB): peak memory says
  // nothing there about what the mock keeps.
  EXPECT_LT(peak_kb(mock.pid()), 100 * 1024) << "the mock held the body in memory";
#endif
  auto after = mock.client().Get("/api/v0/auth/apikeys/", kAuth);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST(ConformMock, PreferChoosesTheResponse) {
  MockProcess mock(project_spec());
  auto client = mock.client();
  httplib::Headers prefer = kAuth;
  prefer.emplace("Prefer", "code=403");
  auto forbidden = client.Get("/api/v0/auth/apikeys/", prefer);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_TRUE(nlohmann::json::parse(forbidden->body).contains("msg"));
  httplib::Headers undeclared = kAuth;
  undeclared.emplace("Prefer", "code=418");
  EXPECT_EQ(client.Get("/api/v0/auth/apikeys/", undeclared)->status, 422);
}

TEST(ConformMock, ServesTheVastDescription) {
  auto path = conform::test::shared("reference/vast/openapi.yaml");
  CONFORM_REQUIRE_SHARED(path);
  MockProcess mock(path.string());
  auto client = mock.client();
  auto user = client.Get("/api/v0/users/current", kAuth);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->status, 200) << user->body;
  EXPECT_TRUE(nlohmann::json::parse(user->body).is_object());
  EXPECT_EQ(client.Get("/api/v0/no/such/thing", kAuth)->status, 404);
  EXPECT_EQ(mock.stop(), 0);
}

// A description that is not Vast.ai's: the mock's own errors take the shape it declares, and its
// security schemes (API key, basic, cookie) are checked like bearer tokens are.
TEST(ConformMock, ErrorsItMakesUseTheResponseTheDescriptionDeclares) {
  auto spec = conform::spec::Spec::load(conform::test::data("generic.yaml"));
  conform::schema::SpecSchemas schemas(spec);
  MockProcess mock(conform::test::data("generic.yaml").string());
  auto client = mock.client();
  httplib::Headers key = {{"X-Api-Key", "conform-mock-root-token"}};
  auto refused = client.Post("/things", key, R"({"name": ""})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->get_header_value("Content-Type"), "application/problem+json");
  auto problem = nlohmann::json::parse(refused->body);
  const auto& declared = *spec.find_operation("createThing")->find_response(400);
  EXPECT_TRUE(
      schemas.validate(*declared.content[0].schema, conform::spec::Direction::response, problem)
          .empty())
      << refused->body;
  EXPECT_THAT(problem["title"].get<std::string>(), HasSubstr("body /name"));

  auto unauthenticated = client.Get("/things");
  EXPECT_EQ(unauthenticated->status, 401);
  EXPECT_EQ(unauthenticated->get_header_value("Content-Type"), "application/problem+json");
  // getThing declares no 400: its `default` response gives the shape.
  auto mistyped = client.Get("/things/abc", key);
  EXPECT_EQ(mistyped->status, 400);
  EXPECT_EQ(mistyped->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(mock.stop(), 0);
}

TEST(ConformMock, ChecksApiKeyBasicAndCookieSchemes) {
  MockProcess mock(conform::test::data("generic.yaml").string());
  auto client = mock.client();
  EXPECT_EQ(client.Get("/things", {{"X-Api-Key", "conform-mock-root-token"}})->status, 200);
  EXPECT_EQ(client.Get("/things", {{"X-Api-Key", "wrong"}})->status, 401);
  // Basic: the key as the password, or the whole credential.
  EXPECT_EQ(
      client
          .Get("/basic", {{"Authorization",
                           "Basic " + std::string("dXNlcjpjb25mb3JtLW1vY2stcm9vdC10b2tlbg==")}})
          ->status,
      200);
  EXPECT_EQ(client.Get("/basic", {{"Authorization", "Basic dXNlcjp3cm9uZw=="}})->status, 401);
  EXPECT_EQ(client.Get("/basic")->status, 401);
  EXPECT_EQ(client.Get("/cookie", {{"Cookie", "a=1; session=conform-mock-root-token"}})->status,
            200);
  EXPECT_EQ(client.Get("/cookie", {{"Cookie", "session=nope"}})->status, 401);
  EXPECT_EQ(mock.stop(), 0);
}

// A create that answers one of several kinds answers one its list can hold, so that what it
// created is listed (Stripe's bank accounts and cards answer with any payment source).
TEST(ConformMock, ACreatedItemIsOfAKindItsListHolds) {
  MockProcess mock(conform::test::data("polymorphic.yaml").string());
  auto client = mock.client();
  std::set<std::string> created;
  for (int i = 0; i < 12; ++i) {
    auto answer = client.Post("/cards", "", "application/json");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    auto card = nlohmann::json::parse(answer->body);
    EXPECT_EQ(card["object"], "card") << answer->body;
    created.insert(card["id"].get<std::string>());
  }
  auto list = nlohmann::json::parse(client.Get("/cards")->body);
  std::set<std::string> listed;
  for (const auto& card : list) listed.insert(card["id"].get<std::string>());
  EXPECT_EQ(listed, created) << list.dump();
  EXPECT_EQ(mock.stop(), 0);
}

// Any description keeps state: a POST on a collection creates what the item path reads,
// replaces and deletes; a deleted item is gone; the collection lists what was created.
TEST(ConformMock, KeepsResourcesForAnyDescription) {
  MockProcess mock(conform::test::data("generic.yaml").string());
  auto client = mock.client();
  httplib::Headers key = {{"X-Api-Key", "conform-mock-root-token"}};
  auto first = client.Post("/things", key, R"({"name": "lamp"})", "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201);
  auto created = nlohmann::json::parse(first->body);
  EXPECT_EQ(created["name"], "lamp");
  ASSERT_TRUE(created["id"].is_number_integer());
  const std::string id = std::to_string(created["id"].get<long long>());
  EXPECT_EQ(first->get_header_value("Location"), "/things/" + id);

  auto read = client.Get("/v2/things/" + id, key);  // under the base path, and without it
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(nlohmann::json::parse(read->body), created);
  auto listed = nlohmann::json::parse(client.Get("/things", key)->body);
  EXPECT_EQ(listed, nlohmann::json::array({created}));

  EXPECT_EQ(client.Delete("/things/" + id, key)->status, 204);
  auto gone = client.Get("/things/" + id, key);
  EXPECT_EQ(gone->status, 404);
  // getThing declares 404 as text/html: the mock's 404 is that.
  EXPECT_EQ(gone->get_header_value("Content-Type"), "text/html");
  EXPECT_EQ(client.Delete("/things/" + id, key)->status, 404);

  // A new item never takes a deleted one's identifier.
  auto second = nlohmann::json::parse(
      client.Post("/things", key, R"({"name": "desk"})", "application/json")->body);
  EXPECT_NE(std::to_string(second["id"].get<long long>()), id);
  EXPECT_EQ(mock.stop(), 0);
}

// --threads N serves on N threads: the process has N - 1 more than with --threads 1.
TEST(ConformMock, ServesOnTheThreadsItIsGiven) {
  auto threads_of = [](const std::string& count) {
    MockProcess mock(project_spec(), {"--threads", count});
    auto answer = mock.client().Get("/api/v0/ssh/", kAuth);
    EXPECT_TRUE(answer && answer->status == 200);
    std::size_t tasks = 0;
    for ([[maybe_unused]] const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(mock.pid()) + "/task")) {
      ++tasks;
    }
    EXPECT_EQ(mock.stop(), 0);
    return tasks;
  };
  EXPECT_EQ(threads_of("4"), threads_of("1") + 3);
}

// Bounded state: with --max-kept 3 a collection lists the three newest items; the oldest is
// forgotten and answered as any identifier the mock never made.
TEST(ConformMock, KeepsAtMostMaxKeptItemsPerCollection) {
  MockProcess mock(conform::test::data("generic.yaml").string(), {"--max-kept", "3"});
  auto client = mock.client();
  httplib::Headers key = {{"X-Api-Key", "conform-mock-root-token"}};
  std::vector<nlohmann::json> created;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    auto answer =
        client.Post("/things", key, nlohmann::json{{"name", name}}.dump(), "application/json");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 201);
    created.push_back(nlohmann::json::parse(answer->body));
  }
  auto listed = nlohmann::json::parse(client.Get("/things", key)->body);
  EXPECT_EQ(listed, nlohmann::json::array({created[2], created[3], created[4]}));
  auto oldest = client.Get("/things/" + created[0]["id"].dump(), key);
  ASSERT_TRUE(oldest);
  EXPECT_EQ(oldest->status, 200);
  EXPECT_NE(nlohmann::json::parse(oldest->body), created[0]);
  EXPECT_EQ(nlohmann::json::parse(client.Get("/things/" + created[2]["id"].dump(), key)->body),
            created[2]);
  EXPECT_EQ(mock.stop(), 0);
}

}  // namespace

namespace robustness {

using conform::test::kAuth;
using conform::test::MockProcess;
using conform::test::project_spec;

using conform::test::RawClient;

TEST(ConformMockRobustness, MalformedRequestsGetAnAnswerAndServingGoesOn) {
  MockProcess mock(project_spec());
  for (const std::string& garbage :
       {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET /x HTTP/9.9\r\n\r\n"),
        std::string("\x00\xff\xfe garbage\r\n\r\n", 15)}) {
    RawClient client(mock.port());
    ASSERT_TRUE(client.connected());
    client.send(garbage);
    std::string answer = client.read_answers(1);
    EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 400"));
    EXPECT_THAT(answer, HasSubstr("invalid_args"));
  }
  EXPECT_EQ(mock.client().Get("/api/v0/ssh/", kAuth)->status, 200);
}

// The mock gave each connection a thread: 300 idle sockets made a request wait 7.7 s, 2,000 made
// it wait 66 s, and a client trickling bytes held its thread as long as it liked.
TEST(ConformMockRobustness, StalledClientsDoNotStopOthers) {
  MockProcess mock(project_spec());
  std::vector<RawClient> stalled;
  for (int i = 0; i < 300; ++i) {
    stalled.emplace_back(mock.port());
    ASSERT_TRUE(stalled.back().connected());
    if (i % 3 == 0) {
      stalled.back().send("POST /api/v0/ssh/ HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
    } else if (i % 3 == 1) {
      stalled.back().send("GET /api/v0/ssh/ HTTP/1.1\r\nAuthoriz");
    }
  }
  EXPECT_EQ(mock.client().Get("/api/v0/ssh/", kAuth)->status, 200);
  stalled.clear();
  EXPECT_EQ(mock.stop(), 0);
}

// Requests sent together, before any answer, are answered in order (the mock answered only the
// first of three).
TEST(ConformMockRobustness, PipelinedRequestsAreAnsweredInOrder) {
  MockProcess mock(project_spec());
  RawClient client(mock.port());
  const std::string auth = "Authorization: Bearer " + conform::test::kRootToken + "\r\n";
  const std::string secret = R"({"key": "P", "value": "x"})";
  client.send("GET /api/v0/ssh/ HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
              "GET /api/v0/nowhere/ HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
              "POST /api/v0/secrets/ HTTP/1.1\r\nHost: x\r\n" + auth +
              "Content-Type: application/json\r\nContent-Length: " + std::to_string(secret.size()) +
              "\r\n\r\n" + secret);
  std::string answers = client.read_answers(3);
  ASSERT_EQ(conform::test::complete_answers(answers), 3) << answers;
  auto first = answers.find("HTTP/1.1 200");
  auto second = answers.find("HTTP/1.1 404");
  auto third = answers.find("HTTP/1.1 200", second);
  EXPECT_LT(first, second);
  EXPECT_NE(third, std::string::npos) << answers;
}

TEST(ConformMockRobustness, ConcurrentClientsShareOneAccount) {
  MockProcess mock(project_spec());
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto client = mock.client();
      for (int i = 0; i < 25; ++i) {
        std::string name = "V" + std::to_string(t) + "_" + std::to_string(i);
        auto r =
            client.Post("/api/v0/secrets/", kAuth,
                        nlohmann::json{{"key", name}, {"value", "x"}}.dump(), "application/json");
        if (r && r->status == 200) ++created;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(created.load(), 200);
  auto listed = nlohmann::json::parse(mock.client().Get("/api/v0/secrets/", kAuth)->body);
  EXPECT_EQ(listed["secrets"].size(), 200u);
}

}  // namespace robustness

namespace robustness {

TEST(ConformMockRobustness, ConcurrentGeneratedAnswersAreTheSame) {
  MockProcess mock(conform::test::data("mock-headers.yaml").string());
  std::vector<std::thread> clients;
  std::mutex mutex;
  std::set<std::string> bodies;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      auto client = mock.client();
      for (int i = 0; i < 20; ++i) {
        auto r = client.Get("/things");
        if (!r || r->status != 200) continue;
        ++ok;
        std::lock_guard lock(mutex);
        bodies.insert(r->body + r->get_header_value("X-Request-Id"));
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(bodies.size(), 1u);
  EXPECT_EQ(mock.stop(), 0);
}

}  // namespace robustness
