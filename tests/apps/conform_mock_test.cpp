// End to end: the real `conform mock`, driven over HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "conform/schema/spec_schemas.hpp"
#include "support/paths.hpp"

namespace {

using ::testing::HasSubstr;

// Starts `conform mock` on a free port and stops it (SIGTERM) at the end.
class MockProcess {
 public:
  explicit MockProcess(const std::string& spec, std::vector<std::string> extra = {}) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::vector<std::string> args = {CONFORM_BINARY, "mock", "--spec", spec, "--port", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* stream = fdopen(out[0], "r");
    char line[1024] = {};
    if (fgets(line, sizeof line, stream) == nullptr) throw std::runtime_error("mock did not start");
    banner_ = line;
    fclose(stream);
    port_ = std::stoi(banner_.substr(banner_.rfind(':') + 1));
  }
  ~MockProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  // SIGTERM, and the exit code.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    c.set_write_timeout(10, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }
  const std::string& banner() const { return banner_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string banner_;
};

const std::string kToken = "conform-mock-root-token";
const httplib::Headers kAuth = {{"Authorization", "Bearer " + kToken}};

std::string project_spec() { return conform::test::source("spec/openapi.json").string(); }

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

}  // namespace
