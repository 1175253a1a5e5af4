// End to end: a client's requests through the real `conform proxy` to the real mock (or to a
// server in this process), its reports and its HAR recording.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/local_servers.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/proxy_process.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::string_literals;

std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("conform-proxy-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string url_of(int port) { return "http://127.0.0.1:" + std::to_string(port); }

const std::string kCreateKey = R"({"name":"ci key","permissions":{"api":{}}})";

TEST(ConformProxy, AClientsTrafficIsPassedOnUnchangedAndJudgedWithTheRightCheck) {
  MockProcess mock(project_spec(), {"--fault", "wrong_response_type"});
  const auto dir = fresh_dir("judged");
  ProxyProcess proxy(project_spec(), url_of(mock.port()),
                     {"--junit", (dir / "junit.xml").string(), "--html",
                      (dir / "report.html").string(), "--record", (dir / "traffic.har").string()},
                     dir / "output.txt");
  ASSERT_GT(proxy.port(), 0) << proxy.output();
  auto through = proxy.client();
  auto direct = mock.client();

  // What the client gets through the proxy is what the server sends.
  auto via_proxy = through.Get("/api/v0/users/current/", kAuth);
  auto straight = direct.Get("/api/v0/users/current/", kAuth);
  ASSERT_TRUE(via_proxy && straight);
  EXPECT_EQ(via_proxy->status, straight->status);
  EXPECT_EQ(via_proxy->body, straight->body);
  EXPECT_EQ(via_proxy->get_header_value("Content-Type"),
            straight->get_header_value("Content-Type"));

  auto created = through.Post("/api/v0/auth/apikeys/", kAuth, kCreateKey, "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200);
  // An invalid request that the server refuses is as it should be: no failure.
  auto refused = through.Post("/api/v0/auth/apikeys/", kAuth, R"({"name":5})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);

  EXPECT_EQ(proxy.stop(SIGINT), 1) << proxy.output();
  const std::string junit = read_file(dir / "junit.xml");
  const std::string output = proxy.output();
  // The fault's broken fields, each in its operation's test, by the schema check.
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"proxy\" classname=\"showCurrentUser\""));
  EXPECT_THAT(junit, HasSubstr("response_schema_conformance"));
  EXPECT_THAT(output, HasSubstr("body /balance: expected number, got string"));
  EXPECT_THAT(output, HasSubstr("in showCurrentUser 200 (proxy)"));
  EXPECT_THAT(output, HasSubstr("in createApiKey 200 (proxy)"));
  EXPECT_THAT(output, Not(HasSubstr("negative_data_rejection")));
  EXPECT_THAT(output, HasSubstr("HAR recording: "));
  // No seed: the proxy sends no case of its own.
  EXPECT_THAT(output, Not(HasSubstr("seed 0")));
  EXPECT_THAT(read_file(dir / "report.html"), Not(HasSubstr("<dt>seed</dt>")));
  // The operations no request reached are said, not hidden.
  EXPECT_THAT(output, HasSubstr("not reached by the traffic"));
  // The credential appears in no output.
  for (const auto& file : {"junit.xml", "report.html", "traffic.har", "output.txt"}) {
    std::string text = read_file(dir / file);
    EXPECT_FALSE(text.empty()) << file;
    EXPECT_THAT(text, Not(HasSubstr(kRootToken))) << file;
  }
  auto har = nlohmann::json::parse(read_file(dir / "traffic.har"));
  ASSERT_EQ(har["log"]["entries"].size(), 3u);
  EXPECT_EQ(har["log"]["version"], "1.2");
  // In the order the exchanges ended, which need not be the order they began.
  nlohmann::json created_entry, refused_entry;
  for (const auto& entry : har["log"]["entries"]) {
    if (entry["request"]["method"] != "POST") continue;
    (entry["response"]["status"] == 200 ? created_entry : refused_entry) = entry;
  }
  ASSERT_TRUE(created_entry.is_object() && refused_entry.is_object());
  EXPECT_EQ(created_entry["request"]["postData"]["text"], kCreateKey);
  EXPECT_EQ(refused_entry["response"]["status"], 400);
  // A created key's secret is masked in the recording, as in every report.
  EXPECT_THAT(created_entry["response"]["content"]["text"].get<std::string>(),
              HasSubstr("\"key\":\"[redacted]\""));
}

// A credential the request carries in its Authorization header is hidden wherever else it
// travels too: here, a query parameter the description does not name.
TEST(ConformProxy, ACredentialIsHiddenWhereverItIsEchoed) {
  MockProcess mock(project_spec());
  const auto dir = fresh_dir("echo");
  ProxyProcess proxy(project_spec(), url_of(mock.port()), {"--record", (dir / "t.har").string()},
                     dir / "output.txt");
  auto answer = proxy.client().Get("/api/v0/users/current/?debug=" + kRootToken, kAuth);
  ASSERT_TRUE(answer);
  proxy.stop();
  const std::string har = read_file(dir / "t.har");
  EXPECT_THAT(har, HasSubstr("debug=${CONFORM_TOKEN}"));
  EXPECT_THAT(har, Not(HasSubstr(kRootToken)));
}

TEST(ConformProxy, AnInvalidRequestTheServerAcceptsIsNegativeDataRejection) {
  MockProcess mock(project_spec(), {"--fault", "accepts_invalid_input"});
  const auto dir = fresh_dir("negative");
  ProxyProcess proxy(project_spec(), url_of(mock.port()), {"--junit", (dir / "junit.xml").string()},
                     dir / "output.txt");
  auto answer =
      proxy.client().Post("/api/v0/auth/apikeys/", kAuth, R"({"name":5})", "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(proxy.stop(SIGTERM), 1) << proxy.output();
  EXPECT_THAT(proxy.output(), HasSubstr("negative_data_rejection"));
  EXPECT_THAT(proxy.output(), HasSubstr("body /name"));
  EXPECT_THAT(read_file(dir / "junit.xml"), HasSubstr("negative_data_rejection"));
}

TEST(ConformProxy, ATargetThatIsDownGetsTheClientA502AndTheReportAnError) {
  const auto dir = fresh_dir("down");
  ProxyProcess proxy(project_spec(), url_of(free_port()), {"--junit", (dir / "junit.xml").string()},
                     dir / "output.txt");
  auto answer = proxy.client().Get("/api/v0/users/current/", kAuth);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 502);
  EXPECT_THAT(answer->body, HasSubstr("connection refused"));
  // Still serving: a second request gets its 502 too.
  auto again = proxy.client().Get("/api/v0/ssh/", kAuth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 502);
  EXPECT_EQ(proxy.stop(), 1);
  EXPECT_THAT(proxy.output(), HasSubstr("the target did not answer GET /api/v0/users/current/"));
  EXPECT_THAT(read_file(dir / "junit.xml"), HasSubstr("target_unreachable"));
}

TEST(ConformProxy, ATargetThatAnswersGarbageIsA502NotACrash) {
  RawServer garbage("SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n");
  RawServer endless_header("HTTP/1.1 200 OK\r\nX-A: " + std::string(300000, 'a'));
  for (const RawServer* target : {&garbage, &endless_header}) {
    const auto dir = fresh_dir("garbage");
    ProxyProcess proxy(project_spec(), target->url(), {"--junit", (dir / "junit.xml").string()},
                       dir / "output.txt");
    auto answer = proxy.client().Get("/api/v0/users/current/", kAuth);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 502);
    EXPECT_EQ(proxy.stop(), 1);
    EXPECT_THAT(read_file(dir / "junit.xml"), HasSubstr("target_unreachable"));
  }
}

TEST(ConformProxy, ALargeBodyIsPassedOnWholeAndCheckedInPart) {
  const std::size_t total = 24 * 1024 * 1024;
  LocalServer target([&](httplib::Server& s) {
    s.Get("/api/v0/users/current/", [&](const httplib::Request&, httplib::Response& r) {
      r.set_chunked_content_provider(
          "application/json", [&](std::size_t offset, httplib::DataSink& sink) {
            if (offset >= total) {
              sink.done();
              return true;
            }
            std::string part(std::min<std::size_t>(256 * 1024, total - offset), ' ');
            if (offset == 0) part[0] = '{';
            return sink.write(part.data(), part.size());
          });
    });
  });
  const auto dir = fresh_dir("large");
  ProxyProcess proxy(project_spec(), target.url(),
                     {"--max-response-bytes", "1000000", "--record", (dir / "t.har").string()},
                     dir / "output.txt");
  auto answer = proxy.client().Get("/api/v0/users/current/", kAuth);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body.size(), total);
  proxy.stop();
  EXPECT_THAT(proxy.output(), HasSubstr("larger than --max-response-bytes (1000000 bytes)"));
  // A body cut for the checks is not a schema failure.
  EXPECT_THAT(proxy.output(), Not(HasSubstr("response_schema_conformance")));
  auto har = nlohmann::json::parse(read_file(dir / "t.har"));
  EXPECT_EQ(har["log"]["entries"][0]["response"]["content"]["size"], total);
  EXPECT_THAT(har["log"]["entries"][0]["response"]["content"]["comment"].get<std::string>(),
              HasSubstr("the first 1000000 of 25165824 bytes"));
}

// The (operation, check) pairs of a results file's failures.
std::set<std::pair<std::string, std::string>> failing(const std::filesystem::path& results) {
  std::set<std::pair<std::string, std::string>> pairs;
  const auto parsed = nlohmann::json::parse(read_file(results));
  for (const auto& test : parsed["tests"]) {
    for (const auto& f : test["failures"]) pairs.emplace(test["suite"], f["check"]);
  }
  return pairs;
}

// conform run as the client: against a correct server the proxy must find nothing the run does
// not (a false alarm), and against a broken one every per-response failure the run finds in an
// operation's own tests.
TEST(ConformProxy, TheRunsOwnTrafficIsJudgedAsTheRunJudgesIt) {
  for (const std::string fault : {"", "wrong_response_type"}) {
    SCOPED_TRACE(fault.empty() ? "no fault" : fault);
    MockProcess mock(project_spec(),
                     fault.empty() ? std::vector<std::string>{} : std::vector{"--fault"s, fault});
    const auto dir = fresh_dir("loop" + fault);
    ProxyProcess proxy(project_spec(), url_of(mock.port()),
                       {"--results", (dir / "proxy.json").string()}, dir / "output.txt");
    ShellResult run = shell("CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec " +
                            project_spec() + " --target " + url_of(proxy.port()) +
                            " --seed 3 --results " + (dir / "run.json").string());
    const int proxy_exit = proxy.stop();
    const auto by_run = failing(dir / "run.json");
    const auto by_proxy = failing(dir / "proxy.json");
    if (fault.empty()) {
      EXPECT_EQ(run.exit_code, 0) << run.output;
      EXPECT_EQ(proxy_exit, 0) << proxy.output();
      EXPECT_TRUE(by_proxy.empty()) << proxy.output();
      continue;
    }
    EXPECT_EQ(proxy_exit, 1);
    std::set<std::string> operations;
    const auto description = nlohmann::json::parse(read_file(project_spec()));
    for (const auto& operation : description["paths"]) {
      for (const auto& [method, body] : operation.items()) {
        if (body.is_object() && body.contains("operationId"))
          operations.insert(body["operationId"]);
      }
    }
    int compared = 0;
    for (const auto& [operation, check] : by_run) {
      const bool per_response = check == "response_schema_conformance" ||
                                check == "status_code_conformance" ||
                                check == "content_type_conformance";
      if (!operations.contains(operation) || !per_response) continue;  // a suite's, a sequence's
      ++compared;
      EXPECT_TRUE(by_proxy.contains({operation, check})) << operation << " " << check;
    }
    EXPECT_GT(compared, 5) << operations.size() << " operations, " << by_run.size() << " pairs";
  }
}

// The run as the client of a correct mock, on descriptions written by others: whatever the proxy
// reports, the run must report too (the run's own requests include ones that get undeclared
// 401s, 404s after a delete, and refusals of valid input: none of them a failure).
class ProxyRunLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(ProxyRunLoop, TheProxyFindsNothingTheRunDoesNot) {
  const auto description = place(GetParam());
  if (!std::filesystem::exists(description)) {
    GTEST_SKIP() << description << " is missing (the shared corpus sits beside the clone)";
  }
  MockProcess mock(description.string());
  const auto dir = fresh_dir("run-loop");
  ProxyProcess proxy(description.string(), url_of(mock.port()),
                     {"--results", (dir / "proxy.json").string()}, dir / "output.txt");
  ShellResult run = shell("CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec '" +
                          description.string() + "' --target " + url_of(proxy.port()) +
                          " --seed 1 --max-examples 3 --results " + (dir / "run.json").string());
  proxy.stop();
  const auto by_run = failing(dir / "run.json");
  const auto by_proxy = failing(dir / "proxy.json");
  EXPECT_GT(nlohmann::json::parse(read_file(dir / "proxy.json"))["tests"].size(), 0u);
  for (const auto& [operation, check] : by_proxy) {
    EXPECT_TRUE(by_run.contains({operation, check}))
        << "the proxy alone reports " << check << " in " << operation << "\n"
        << proxy.output();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Descriptions, ProxyRunLoop,
    ::testing::Values("source:spec/openapi.json",
                      "shared:reference/vast/openapi-generated-2026-05.json",
                      "shared:corpus/openapi/real/redocly-museum/openapi.yaml",
                      "shared:corpus/openapi/oai/examples/v3.1/tictactoe.yaml"),
    [](const ::testing::TestParamInfo<std::string>& param) {
      std::string name = param.param.substr(param.param.find(':') + 1);
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(ConformProxy, ASignalStopsItWithoutWaitingForATransferInFlight) {
  std::atomic<bool> release{false};
  LocalServer target([&](httplib::Server& s) {
    s.Get("/api/v0/users/current/", [&](const httplib::Request&, httplib::Response& r) {
      // Answers after 30 s, or when the test ends.
      for (int i = 0; i < 300 && !release; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      r.set_content("{}", "application/json");
    });
  });
  const auto dir = fresh_dir("stop");
  ProxyProcess proxy(project_spec(), target.url(), {"--junit", (dir / "junit.xml").string()},
                     dir / "output.txt");
  std::thread client([&] { proxy.client().Get("/api/v0/users/current/", kAuth); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  const int exit_code = proxy.stop(SIGTERM);
  const auto took = std::chrono::steady_clock::now() - signalled;
  release = true;
  client.join();
  // Far from the target's 30 s: the transfer was abandoned, the reports written.
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(proxy.output(), HasSubstr("stopped by a signal"));
  EXPECT_THAT(read_file(dir / "junit.xml"), HasSubstr("not judged"));
}

TEST(ConformProxy, DurationEndsItAndNoTrafficAtAllFails) {
  const auto dir = fresh_dir("duration");
  MockProcess mock(project_spec());
  const auto started = std::chrono::steady_clock::now();
  ProxyProcess proxy(project_spec(), url_of(mock.port()), {"--duration", "1s"}, dir / "output.txt");
  EXPECT_EQ(proxy.wait(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_THAT(proxy.output(), HasSubstr("stopped after 1s"));
  EXPECT_THAT(proxy.output(), HasSubstr("no request came through the proxy"));
}

// The HAR file read back by har-validator (Debian's node-har-validator, with the HAR 1.2 schema
// of node-har-schema): both the schema and a reader that is not conform's.
TEST(ConformProxy, TheRecordingIsHar12ForAnIndependentReader) {
  const char* node_path = "/usr/share/nodejs";
  if (shell("command -v node").exit_code != 0 ||
      !std::filesystem::exists(std::string(node_path) + "/har-validator")) {
    GTEST_SKIP() << "node or har-validator is missing (scripts/setup installs node-har-validator)";
  }
  MockProcess mock(project_spec());
  const auto dir = fresh_dir("har");
  ProxyProcess proxy(project_spec(), url_of(mock.port()), {"--record", (dir / "t.har").string()},
                     dir / "output.txt");
  auto client = proxy.client();
  client.Get("/api/v0/users/current/?owner=me", kAuth);
  client.Post("/api/v0/auth/apikeys/", kAuth, kCreateKey, "application/json");
  client.Get("/nowhere");
  client.Delete("/api/v0/ssh/1/", kAuth);
  proxy.stop();
  ShellResult read = shell(
      std::string("NODE_PATH=") + node_path +
      " node -e \"const v = require('har-validator'); const h = JSON.parse(require('fs')"
      ".readFileSync(process.argv[1])); v.har(h).then(() => console.log('valid ' + "
      "h.log.entries.map(e => e.request.method + ' ' + e.response.status).sort().join(', ')), "
      "e => { console.log(JSON.stringify(e.errors)); process.exit(1); })\" " +
      (dir / "t.har").string());
  EXPECT_EQ(read.exit_code, 0) << read.output;
  // Entries come in the order the exchanges ended: sorted here.
  EXPECT_THAT(read.output, HasSubstr("valid DELETE 404, GET 200, GET 404, POST 200"));
}

}  // namespace
}  // namespace conform::test
