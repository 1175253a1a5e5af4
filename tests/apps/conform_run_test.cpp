// End to end: the real `conform run` against the real `conform mock` (clean and with each fault),
// against servers that misbehave, and against nothing at all.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "conform/mock/faults.hpp"
#include "support/local_servers.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string output;
  std::string junit;
};

// Runs `conform run` with the root token of the mock in $CONFORM_TOKEN.
Outcome run(const std::string& spec, const std::string& target, const std::string& extra = "") {
  static int counter = 0;
  auto junit = std::filesystem::temp_directory_path() / ("conform-run-" + std::to_string(getpid()) +
                                                         "-" + std::to_string(++counter) + ".xml");
  std::string command = "CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec " +
                        spec + " --target " + target + " --seed 7 --junit " + junit.string() + " " +
                        extra;
  ShellResult ran = shell(command);
  Outcome outcome{ran.exit_code, std::move(ran.output), ""};
  if (std::filesystem::exists(junit)) {
    outcome.junit = read_file(junit);
    std::filesystem::remove(junit);
  }
  return outcome;
}

std::string url(const MockProcess& mock) {
  return "http://127.0.0.1:" + std::to_string(mock.port());
}

bool validates(const std::string& junit) {
  auto xsd = shared("corpus/junit/junit-10.xsd");
  if (!std::filesystem::exists(xsd) || std::system("command -v xmllint >/dev/null") != 0) {
    return true;  // nothing to validate with here; the report tests say so
  }
  auto file = std::filesystem::temp_directory_path() /
              ("conform-validate-" + std::to_string(getpid()) + ".xml");
  std::ofstream(file) << junit;
  std::string command =
      "xmllint --noout --schema " + xsd.string() + " " + file.string() + " 2>/dev/null";
  bool ok = std::system(command.c_str()) == 0;
  std::filesystem::remove(file);
  return ok;
}

// A description that is not Vast.ai's, against its own mock: no false alarm, the stateful phase
// exercises the mock's generic state, and every phase says what it sent.
TEST(ConformRun, AnotherDescriptionPassesAgainstItsMock) {
  std::string spec = data("generic.yaml").string();
  MockProcess mock(spec);
  Outcome outcome = run(spec, url(mock), "--max-examples 40 -q");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  // The first server URL's path (its variable at the default) is where both put the paths.
  EXPECT_THAT(mock.banner(), ::testing::EndsWith("/v2\n"));
  EXPECT_THAT(outcome.junit,
              HasSubstr(R"(<property name="target" value=")" + url(mock) + "/v2\"/>"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(<property name="fuzzing.invalid_sent")"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(<testcase name="stateful" classname="createThing")"));
  EXPECT_TRUE(validates(outcome.junit));
}

// A token the server refuses: the run says the operations were not exercised, and fails when
// asked to.
TEST(ConformRun, ARefusedCredentialLeavesOperationsNotExercised) {
  std::string spec = data("generic.yaml").string();
  MockProcess mock(spec);
  std::string wrong = "CONFORM_TOKEN=not-a-key " + std::string(CONFORM_BINARY) + " run --spec " +
                      spec + " --target " + url(mock) +
                      " --seed 3 --max-examples 10 --phases fuzzing";
  // A GET shows at once that the credential is refused: the run stops there.
  ShellResult probed = shell(wrong + " --operation listThings");
  EXPECT_EQ(probed.exit_code, 1) << probed.output;
  EXPECT_THAT(probed.output, HasSubstr("credential_refused"));
  // A selection without a GET to probe with: each operation says it was not exercised.
  ShellResult warned = shell(wrong + " --operation createThing");
  EXPECT_EQ(warned.exit_code, 0) << warned.output;
  EXPECT_THAT(warned.output, HasSubstr("valid requests were answered 401 or 403"));
  ShellResult failed = shell(wrong + " --operation createThing --fail-on-unexercised");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_THAT(failed.output, HasSubstr("not_exercised"));
}

// Vast.ai's rules that the generated description does not state are advisories there: its
// create-key body declares `permissions` as any string.
TEST(ConformRun, VastRulesTheDescriptionDoesNotStateAreAdvisories) {
  auto generated = shared("reference/vast/openapi-generated-2026-05.json");
  CONFORM_REQUIRE_SHARED(generated);
  MockProcess mock(generated.string());
  std::string args = "--phases permissions,scenarios --permission-cases 4 -q";
  Outcome advised = run(generated.string(), url(mock), args);
  EXPECT_EQ(advised.exit_code, 0) << advised.output;
  EXPECT_THAT(advised.output, HasSubstr("Advisories (not failures):"));
  Outcome enforced = run(generated.string(), url(mock), args + " --enforce-vast-rules");
  EXPECT_EQ(enforced.exit_code, 1) << enforced.output;
}

TEST(ConformRun, ACleanMockPasses) {
  MockProcess mock(project_spec());
  Outcome outcome =
      run(project_spec(), url(mock),
          "--max-examples 30 --suite " + source("suites/vast-api-keys.arazzo.yaml").string());
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("0 failures, 0 transport errors"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(failures="0")"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(<testcase name="stateful" classname="createSshKey")"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(<testcase name="workflow" classname="apiKeyLifecycle")"));
  EXPECT_THAT(outcome.junit,
              HasSubstr(R"(<testcase name="valid_documents" classname="Permissions")"));
  EXPECT_THAT(outcome.junit, HasSubstr(R"(<testcase name="cleanup" classname="Permissions")"));
  EXPECT_TRUE(validates(outcome.junit));
  EXPECT_THAT(outcome.output + outcome.junit, Not(HasSubstr(kRootToken)));
}

// Each fault of the mock's catalogue is caught by its check.
class ConformRunFault : public ::testing::TestWithParam<mock::FaultInfo> {};

TEST_P(ConformRunFault, IsCaughtByItsCheck) {
  const mock::FaultInfo& fault = GetParam();
  std::string spec = fault.fault == mock::Fault::missing_response_header ||
                             fault.fault == mock::Fault::accepts_missing_header
                         ? data("mock-headers.yaml").string()
                         : project_spec();
  MockProcess mock(spec, {"--fault", std::string(fault.name)});
  std::string extra = "--max-examples 20";
  if (fault.fault == mock::Fault::slow_responses) {
    extra = "--max-examples 2 --phases examples --max-response-time 0.1";
  }
  if (fault.check.rfind("permission_", 0) == 0 ||
      fault.fault == mock::Fault::accepts_invalid_permissions) {
    extra = "--phases permissions";
  }
  Outcome outcome = run(spec, url(mock), extra);
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_THAT(outcome.junit, HasSubstr("<failure type=\"" + std::string(fault.check) + "\""))
      << outcome.output;
  EXPECT_TRUE(validates(outcome.junit));
  EXPECT_THAT(outcome.junit, Not(HasSubstr(kRootToken)));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, ConformRunFault, ::testing::ValuesIn(mock::fault_catalogue()),
                         [](const auto& fault_info) { return std::string(fault_info.param.name); });

// The baseline loop: record the failures, then a run fails only on new ones, lists the known apart,
// and says which known ones no longer happen.
TEST(ConformRun, ABaselineFailsTheRunOnlyOnNewFailures) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-baseline-" + std::to_string(getpid()) + ".json");
  std::filesystem::remove(file);
  const std::string options =
      "--operation createApiKey --operation listApiKeys --phases "
      "examples --baseline " +
      file.string();
  Outcome missing = run(project_spec(), "http://127.0.0.1:9", options);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("no such file (--baseline-update writes it)"));

  MockProcess faulty(project_spec(), {"--fault", "wrong_response_type"});
  Outcome recorded = run(project_spec(), url(faulty), options + " --baseline-update");
  EXPECT_EQ(recorded.exit_code, 1) << "the verdict is against the baseline as it was";
  nlohmann::json baseline = nlohmann::json::parse(read_file(file), nullptr, false);
  ASSERT_TRUE(baseline.is_object()) << read_file(file);
  EXPECT_EQ(baseline["format"], "conform-baseline/1");
  ASSERT_EQ(baseline["failures"].size(), 1u) << baseline;
  EXPECT_EQ(baseline["failures"][0]["pointer"], "/id");

  Outcome again = run(project_spec(), url(faulty), options);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("Known failures (in the baseline; they do not fail the run): "
                                      "1, in 1 groups\n  createApiKey  "
                                      "response_schema_conformance  /id  200  ×1  body /id: "
                                      "expected integer"));
  EXPECT_THAT(again.output,
              HasSubstr("0 failures, 0 transport errors, 0 skipped, 1 known, 0 fixed"));
  EXPECT_THAT(again.junit,
              HasSubstr("known failure, in the baseline (response_schema_conformance)"));
  EXPECT_THAT(again.junit, Not(HasSubstr("<failure")));

  MockProcess clean(project_spec());
  Outcome fixed = run(project_spec(), url(clean), options);
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_THAT(fixed.output,
              HasSubstr("Fixed since the baseline (no longer found): 1\n  createApiKey"
                        "  response_schema_conformance  /id  200"));
  EXPECT_THAT(fixed.junit, HasSubstr("<property name=\"fixed\" value=\"response_schema_conformance "
                                     "/id 200: body /id: expected integer"));

  MockProcess other(project_spec(), {"--fault", "wrong_content_type"});
  Outcome new_failure = run(project_spec(), url(other), options);
  EXPECT_EQ(new_failure.exit_code, 1) << new_failure.output;
  EXPECT_THAT(new_failure.output, HasSubstr("New failures (not in the baseline): "));
  std::filesystem::remove(file);
}

// Failures saved as files, re-sent by `conform replay`: still failing against the same defect,
// fixed once it is gone; a case the token cannot be put back into is refused.
TEST(ConformRun, SavedFailuresReplayAsFixedOrStillFailing) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("conform-cases-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  MockProcess faulty(project_spec(), {"--fault", "wrong_response_type"});
  Outcome found = run(project_spec(), url(faulty),
                      "--operation createApiKey --phases examples,fuzzing --max-examples 10 "
                      "--save-failures " +
                          dir.string());
  EXPECT_EQ(found.exit_code, 1) << found.output;
  EXPECT_THAT(found.output, HasSubstr("Saved failures: 2 case files in " + dir.string()));
  const auto one = dir / "createApiKey.examples.response_schema_conformance.1.json";
  const std::string text = read_file(one);
  EXPECT_THAT(text, HasSubstr("\"Bearer ${CONFORM_TOKEN}\""));
  EXPECT_THAT(text, Not(HasSubstr(kRootToken)));

  const std::string replay = std::string(CONFORM_BINARY) + " replay " + dir.string() + " --target ";
  ShellResult still = shell("CONFORM_TOKEN=" + kRootToken + " " + replay + url(faulty));
  EXPECT_EQ(still.exit_code, 1) << still.output;
  EXPECT_THAT(still.output, HasSubstr("STILL FAILING  createApiKey.examples.response_schema_"
                                      "conformance.1: body /id: expected integer"));
  EXPECT_THAT(still.output, HasSubstr("2 cases: 0 fixed, 2 still failing"));

  MockProcess clean(project_spec());
  ShellResult fixed = shell("CONFORM_TOKEN=" + kRootToken + " " + replay + url(clean));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_THAT(fixed.output, HasSubstr("FIXED          createApiKey.examples"));
  EXPECT_THAT(fixed.output, HasSubstr("2 cases: 2 fixed, 0 still failing"));

  // A refused credential re-checks nothing: not a FIXED.
  ShellResult refused = shell("CONFORM_TOKEN=wrong " + replay + url(clean));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("NOT EXERCISED"));
  ShellResult no_token = shell("env -u CONFORM_TOKEN " + replay + url(clean));
  EXPECT_EQ(no_token.exit_code, 2) << no_token.output;
  EXPECT_THAT(no_token.output, HasSubstr("$CONFORM_TOKEN is empty"));
  std::filesystem::remove_all(dir);
}

// One broken field per answer, the full default run: the console fits on one screen (66 lines),
// each cause once, in plain words with the schema keyword, where 325 lines of raw validator text
// were printed before.
TEST(ConformRun, ABrokenFieldIsOneCauseInPlainWordsOnOneScreen) {
  MockProcess mock(project_spec(), {"--fault", "wrong_response_type"});
  Outcome outcome = run(project_spec(), url(mock));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const auto lines = std::count(outcome.output.begin(), outcome.output.end(), '\n');
  EXPECT_LE(lines, 66) << outcome.output;
  EXPECT_THAT(outcome.output, Not(HasSubstr("not permitted by 'type'"))) << "raw validator text";
  // Every operation that returns the shared error body, in one entry.
  EXPECT_THAT(outcome.output,
              ::testing::ContainsRegex("response_schema_conformance  body /error: expected string, "
                                       "got integer [0-9]+  \\([0-9]+ failures\\)\n    in "
                                       "deleteApiKey 404 \\([a-z, ]+\\); [^\n]*; schema "
                                       "[^\n]*#/components/schemas/ErrorBody/properties/error/"
                                       "type\n"));
  const std::string cause = "  response_schema_conformance  body /error: expected string";
  EXPECT_EQ(outcome.output.find(cause), outcome.output.rfind(cause));
}

// A POST sent again is not the same request: its failure is reported as first seen, never
// "shrunk" by re-sending, and never blamed on a server that is "not deterministic".
TEST(ConformRun, StateChangingRequestsAreNotReSentToShrink) {
  MockProcess mock(project_spec(), {"--fault", "accepts_invalid_input", "--log"});
  Outcome outcome =
      run(project_spec(), url(mock), "--operation createApiKey --phases fuzzing --max-examples 10");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("not shrunk: post is not repeatable"));
  EXPECT_THAT(outcome.output, Not(HasSubstr("not deterministic")));
  EXPECT_THAT(outcome.junit, Not(HasSubstr("(shrunk)")));
}

// The permission suite reports a shrunk counterexample: a small document.
TEST(ConformRun, PermissionFailuresShrinkToASmallDocument) {
  for (const char* fault : {"permission_not_round_tripped", "permission_not_enforced"}) {
    MockProcess mock(project_spec(), {"--fault", fault});
    Outcome outcome = run(project_spec(), url(mock), "--phases permissions --permission-cases 30");
    EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
    const std::string marker = "case: permission document ";
    auto at = outcome.junit.find(marker);
    ASSERT_NE(at, std::string::npos) << outcome.junit;
    auto end = outcome.junit.find('\n', at);
    std::string text = outcome.junit.substr(at + marker.size(), end - at - marker.size());
    for (auto [entity, plain] : {std::pair{"&quot;", "\""}, std::pair{"&amp;", "&"}}) {
      for (auto p = text.find(entity); p != std::string::npos; p = text.find(entity)) {
        text.replace(p, std::string(entity).size(), plain);
      }
    }
    auto document = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(document.is_discarded()) << text;
    int endpoints = 0;
    for (const auto& [category, grant] : document["api"].items()) {
      endpoints += static_cast<int>(grant.size());
    }
    EXPECT_LE(document["api"].size(), 2u) << fault << ": " << text;
    EXPECT_LE(endpoints, 1) << fault << ": " << text;
    EXPECT_THAT(outcome.junit, HasSubstr("(shrunk)")) << fault;
  }
}

// Ctrl-C stops the sending; the report of what ran is still written, and valid.
TEST(ConformRun, AnInterruptedRunStillLeavesAValidReport) {
  MockProcess mock(project_spec(), {"--fault", "slow_responses"});
  auto junit = std::filesystem::temp_directory_path() /
               ("conform-interrupted-" + std::to_string(getpid()) + ".xml");
  std::filesystem::remove(junit);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("CONFORM_TOKEN", kRootToken.c_str(), 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    std::string target = url(mock);
    std::string spec = project_spec();
    std::string report = junit.string();
    execl(CONFORM_BINARY, CONFORM_BINARY, "run", "--spec", spec.c_str(), "--target", target.c_str(),
          "--junit", report.c_str(), "--max-examples", "50", nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::string report = read_file(junit);
  std::filesystem::remove(junit);
  EXPECT_THAT(report, HasSubstr("</testsuites>"));
  EXPECT_THAT(report, HasSubstr("interrupted"));
  EXPECT_TRUE(validates(report));
}

// What a person sees: the HTML report of a run against a faulty mock, loaded by a real browser
// (headless Chromium), lists the failure under its check, and its script has drawn the charts.
TEST(ConformRun, TheHtmlReportInABrowser) {
  std::string browser;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0) {
      browser = name;
      break;
    }
  }
  if (browser.empty()) GTEST_SKIP() << "no Chromium here (scripts/setup installs it)";
  MockProcess mock(project_spec(), {"--fault", "wrong_response_type"});
  auto html = std::filesystem::temp_directory_path() /
              ("conform-report-" + std::to_string(getpid()) + ".html");
  Outcome outcome = run(project_spec(), url(mock), "--max-examples 10 --html " + html.string());
  ASSERT_EQ(outcome.exit_code, 1) << outcome.output;
  // The browser's own chatter on stderr is not part of the page.
  std::string command = "(" + browser +
                        " --headless --no-sandbox --disable-gpu --dump-dom file://" +
                        html.string() + " 2>/dev/null)";
  std::string dom = shell(command).output;
  std::filesystem::remove(html);
  EXPECT_THAT(dom, HasSubstr(R"(data-check="response_schema_conformance")"));
  EXPECT_THAT(dom, HasSubstr(R"(<span class="check">response_schema_conformance</span>)"));
  // The charts exist only once the page's script has run: bars are <rect>s inside the <svg>s.
  auto chart = dom.find(R"(<svg id="by-check")");
  ASSERT_NE(chart, std::string::npos);
  auto chart_end = dom.find("</svg>", chart);
  EXPECT_NE(dom.substr(chart, chart_end - chart).find("<rect"), std::string::npos)
      << dom.substr(chart, 400);
  auto operations = dom.find(R"(<svg id="by-operation")");
  EXPECT_NE(dom.find("<rect", operations), std::string::npos);
  EXPECT_THAT(dom, Not(HasSubstr(kRootToken)));
}

TEST(ConformRun, NothingListeningIsExitThree) {
  const int port = free_port();
  Outcome outcome = run(project_spec(), "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("cannot be reached"));
}

// A server started beside conform (the mock in a CI job) is waited for; without the wait, exit 3.
TEST(ConformRun, WaitsForATargetThatIsStillStarting) {
  const int port = free_port();
  const std::string target = "http://127.0.0.1:" + std::to_string(port);
  std::string starts_late = std::string("(sleep 1; exec ") + CONFORM_BINARY + " mock --spec " +
                            project_spec() + " --port " + std::to_string(port) + " >/dev/null) & ";
  std::string conform_run = "CONFORM_TOKEN=" + kRootToken + " " + CONFORM_BINARY + " run --spec " +
                            project_spec() + " --target " + target + " --phases examples -q";
  std::string output;
  EXPECT_EQ(sh(starts_late + conform_run + " --wait-for-target 20; s=$?; kill $!; wait; exit $s",
               &output),
            0)
      << output;
  EXPECT_EQ(sh(starts_late + conform_run + "; s=$?; kill $!; wait; exit $s", &output), 3) << output;
}

TEST(ConformRun, BadUsageIsExitTwo) {
  MockProcess mock(project_spec());
  EXPECT_EQ(run(project_spec(), url(mock), "--checks no_such_check").exit_code, 2);
  EXPECT_EQ(run(project_spec(), url(mock), "--operation noSuchOperation").exit_code, 2);
  EXPECT_EQ(run(data("broken/does-not-exist.yaml").string(), url(mock)).exit_code, 2);
}

// JSON Schema's integers have no size. A server that writes 1e20 or a 21-digit integer where an
// integer is declared is right (Python's jsonschema agrees); int64's limits are sent with every
// digit, and a value past them is refused.
TEST(ConformRun, IntegersOfAnySizeAreNoFalseAlarm) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-integers-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(file) << R"(openapi: 3.0.3
info: {title: integers, version: "1"}
paths:
  /counts/{n}:
    get:
      operationId: getCount
      parameters:
        - {name: n, in: path, required: true,
           schema: {type: integer, minimum: 0, maximum: 9223372036854775807}}
      responses:
        "200":
          description: counted
          content:
            application/json:
              schema:
                type: object
                required: [float, digits, unsigned]
                properties:
                  float: {type: integer}
                  digits: {type: integer, minimum: 0}
                  unsigned: {type: integer, minimum: 0}
        "400": {description: refused}
)";
  std::mutex mutex;
  std::vector<std::string> paths;
  LocalServer server([&](httplib::Server& s) {
    s.Get(R"(/counts/(.*))", [&](const httplib::Request& request, httplib::Response& r) {
      {
        std::lock_guard lock(mutex);
        paths.push_back(request.path);
      }
      const std::string n = request.matches[1];
      bool integer = !n.empty() && n.size() <= 19 &&
                     std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                     (n.size() < 19 || n <= "9223372036854775807");
      if (!integer) {
        r.status = 400;
        return;
      }
      r.set_content(
          R"({"float": 1e20, "digits": 100000000000000000000, "unsigned": 18446744073709551615})",
          "application/json");
    });
  });
  Outcome outcome = run(file.string(), server.url(), "--max-examples 20");
  std::filesystem::remove(file);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, Not(HasSubstr("expected integer"))) << outcome.output;
  EXPECT_THAT(outcome.output, Not(HasSubstr("not sent"))) << outcome.output;
  std::lock_guard lock(mutex);
  EXPECT_THAT(paths, ::testing::Contains("/counts/9223372036854775807"));
  for (const std::string& path : paths) {
    EXPECT_THAT(path, Not(::testing::AnyOf(HasSubstr("e%2B"), HasSubstr("e+")))) << path;
  }
}

TEST(ConformRun, ServersThatMisbehaveAreNamedAndTheRunGoesOn) {
  std::string spec = data("hostile.yaml").string();
  RawServer reset("");
  Outcome a = run(spec, reset.url(), "--max-examples 3");
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_THAT(a.junit, HasSubstr("connection reset"));
  EXPECT_TRUE(validates(a.junit));

  RawServer garbage("SSH-2.0-OpenSSH_9.2\r\n");
  Outcome b = run(spec, garbage.url(), "--max-examples 3");
  EXPECT_EQ(b.exit_code, 1) << b.output;
  EXPECT_THAT(b.junit, HasSubstr("not an HTTP response"));

  std::atomic<int> calls{0};
  LocalServer odd([&](httplib::Server& s) {
    s.Get("/thing", [&](const httplib::Request&, httplib::Response& r) {
      // The first answer is far too large, the others are not JSON.
      r.set_content(++calls == 1 ? std::string(3 * 1024 * 1024, '[') : "{", "application/json");
    });
    s.Get("/", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
  });
  Outcome c = run(spec, odd.url(), "--max-examples 3 --max-response-bytes 1000000");
  EXPECT_EQ(c.exit_code, 1) << c.output;
  EXPECT_THAT(c.junit, HasSubstr("response too large"));
  EXPECT_THAT(c.junit, HasSubstr("not well-formed JSON"));
  EXPECT_TRUE(validates(c.junit));

  LocalServer stalls([](httplib::Server& s) {
    s.Get("/thing", [](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      r.set_content(R"({"id": 1})", "application/json");
    });
    s.Get("/", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
  });
  Outcome d = run(spec, stalls.url(), "--max-examples 1 --phases examples,fuzzing --timeout 0.3");
  EXPECT_EQ(d.exit_code, 1) << d.output;
  EXPECT_THAT(d.junit, HasSubstr("timed out"));
}

// OpenAPI links: the linked calls carry the values the links read from the first exchange, and
// their answers are checked like any other.
TEST(ConformRun, FollowsTheLinksOfTheDescription) {
  std::mutex mutex;
  std::vector<std::string> seen;
  bool deleted = false;
  LocalServer things([&](httplib::Server& s) {
    s.Post("/things", [&](const httplib::Request& request, httplib::Response& r) {
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      std::lock_guard lock(mutex);
      deleted = false;
      r.status = 201;
      r.set_content(nlohmann::json{{"id", 42}, {"name", body.value("name", "?")}}.dump(),
                    "application/json");
    });
    s.Get(R"(/things/(\d+))", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      seen.push_back(request.path + "?verbose=" + request.get_param_value("verbose"));
      if (deleted) {
        r.status = 404;
        return;
      }
      r.set_content(R"({"id": 42})", "application/json");  // no name: the schema requires one
    });
    s.Delete(R"(/things/(\d+))", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      seen.push_back("DELETE " + request.path);
      r.status = deleted ? 404 : 204;
      deleted = true;
    });
    s.Get("/", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
  });
  // A link to an operation the selection leaves out is not followed: it is said, not sent.
  Outcome alone =
      run(data("links.yaml").string(), things.url(), "--phases stateful --operation createThing");
  EXPECT_THAT(alone.output, HasSubstr("link 'DeleteThing' not followed: deleteThing is not in"));
  EXPECT_THAT(seen, ::testing::IsEmpty());

  Outcome outcome = run(data("links.yaml").string(), things.url(),
                        "--phases stateful --operation createThing --operation getThing "
                        "--operation deleteThing");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("response_schema_conformance"));
  EXPECT_THAT(outcome.output, HasSubstr("by link 'GetThing' of createThing"));
  EXPECT_THAT(seen, ::testing::Contains("/things/42?verbose=lamp-details"));
  EXPECT_THAT(seen, ::testing::Contains("DELETE /things/42"));
  EXPECT_TRUE(validates(outcome.junit));
}

// Links lead on from the answers they reach, to --max-link-depth: a defect three links from the
// create is found; a link's requestBody is evaluated inside and laid over what the target
// requires; the DELETE two links reach is sent once, after everything else.
TEST(ConformRun, FollowsChainsOfLinks) {
  std::mutex mutex;
  std::vector<std::string> seen;
  std::set<int> orders;
  int next = 42;
  nlohmann::json shipped;
  auto log = [&](const httplib::Request& request) {
    seen.push_back(request.method + " " + request.path);
  };
  LocalServer shop([&](httplib::Server& s) {
    s.Post("/orders", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      log(request);
      orders.insert(next);
      r.status = 201;
      r.set_content(nlohmann::json{{"id", next++}, {"customer", "ada"}}.dump(), "application/json");
    });
    s.Get(R"(/orders/(\d+))", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      log(request);
      const int id = std::stoi(request.matches[1]);
      if (!orders.contains(id)) {
        r.status = 404;
        return;
      }
      r.set_content(nlohmann::json{{"id", id}, {"customer", "ada"}}.dump(), "application/json");
    });
    s.Delete(R"(/orders/(\d+))", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      log(request);
      r.status = orders.erase(std::stoi(request.matches[1])) > 0 ? 204 : 404;
    });
    s.Get(R"(/customers/(.+)/invoices)",
          [&](const httplib::Request& request, httplib::Response& r) {
            std::lock_guard lock(mutex);
            log(request);
            r.set_content(R"([{"total": "12.50"}])", "application/json");  // not an integer
          });
    s.Get(R"(/customers/(.+))", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      log(request);  // any name the generator makes, a '/' in it too
      r.set_content(nlohmann::json{{"name", request.matches[1]}}.dump(), "application/json");
    });
    s.Post("/shipments", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      log(request);
      shipped = nlohmann::json::parse(request.body, nullptr, false);
      r.status = 201;
    });
  });
  const std::string spec = data("link-chains.yaml").string();
  // The per-response checks only: the create's lifecycle stays out of the way.
  const std::string options =
      "--phases stateful --checks response_schema_conformance,status_code_conformance";
  const auto coverage_file = std::filesystem::temp_directory_path() /
                             ("conform-links-" + std::to_string(getpid()) + ".json");
  Outcome outcome = run(spec, shop.url(), options + " --coverage " + coverage_file.string());
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  // Every link was followed, by one chain or another; CancelAgain by the DELETE CancelOrder sent.
  EXPECT_THAT(outcome.output, HasSubstr("; 6 of 6 links followed"));
  nlohmann::json coverage = nlohmann::json::parse(read_file(coverage_file), nullptr, false);
  std::filesystem::remove(coverage_file);
  ASSERT_TRUE(coverage.is_object());
  for (const auto& op : coverage["operations"]) {
    EXPECT_EQ(op["links"]["not_followed"], nlohmann::json::array()) << op;
    if (op["operation"] == "getOrder") {
      EXPECT_EQ(op["links"]["declared"],
                nlohmann::json({"CancelAgain", "GetCustomer", "ShipOrder"}));
    }
  }
  // The console shows one example of the cause; the JUnit report, every failure.
  EXPECT_THAT(outcome.junit,
              HasSubstr("by link &apos;Invoices&apos; of getCustomer, reached by link "
                        "&apos;GetCustomer&apos; of getOrder, reached by link &apos;GetOrder&apos; "
                        "of createOrder"));
  {
    std::lock_guard lock(mutex);
    // createOrder's chain, from its create (the other operations' own tests come before or after).
    auto create = std::find(seen.begin(), seen.end(), "POST /orders");
    ASSERT_GE(seen.end() - create, 6) << outcome.output;
    EXPECT_THAT(std::vector<std::string>(create, create + 6),
                ::testing::ElementsAre("POST /orders", "GET /orders/42", "GET /customers/ada",
                                       "GET /customers/ada/invoices", "POST /shipments",
                                       "DELETE /orders/42"));
    EXPECT_EQ(std::count(seen.begin(), seen.end(), "DELETE /orders/42"), 1);
    // The link's values, and the address the target requires and the link does not give.
    EXPECT_EQ(shipped["order"], 42);
    EXPECT_EQ(shipped["label"], "order 42 for ada");
    ASSERT_TRUE(shipped.contains("address")) << shipped;
    EXPECT_TRUE(shipped["address"].is_string());
    EXPECT_FALSE(shipped["address"].get<std::string>().empty());
    seen.clear();
  }
  EXPECT_TRUE(validates(outcome.junit));

  // Two links deep: the invoices are not reached from the create (getCustomer's own test still
  // reaches them, one link from its answer).
  Outcome shallow = run(spec, shop.url(), options + " --max-link-depth 2");
  EXPECT_THAT(shallow.output, Not(HasSubstr("reached by link 'GetOrder' of createOrder")))
      << shallow.output;
  // Only createOrder's chain follows getOrder's links (its own request reads an order that is not
  // there): at depth 1 they stay unfollowed, and the line says so.
  Outcome one = run(spec, shop.url(), options + " --max-link-depth 1");
  EXPECT_THAT(one.output, HasSubstr("; 3 of 6 links followed")) << one.output;
  EXPECT_THAT(shallow.output, HasSubstr("by link 'Invoices' of getCustomer"));
  Outcome refused = run(spec, shop.url(), options + " --max-link-depth 0");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
}

TEST(ConformRun, DryRunSendsNothing) {
  std::atomic<int> requests{0};
  LocalServer counting([&](httplib::Server& s) {
    s.Get(".*", [&](const httplib::Request&, httplib::Response&) { ++requests; });
  });
  Outcome outcome = run(project_spec(), counting.url(), "--dry-run");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("createSshKey"));
  EXPECT_THAT(outcome.output, HasSubstr("15 operations"));
  EXPECT_EQ(requests.load(), 0);
  EXPECT_EQ(outcome.junit, "");
}

// Errors refuse the operations they are in, not the others: the whole description is refused (a
// path template with an undeclared {id} would be sent literally), one fine operation is not.
TEST(ConformRun, RefusesOnlyTheOperationsWithErrors) {
  const std::string spec =
      (std::filesystem::path(CONFORM_TEST_DATA) / "partly-broken.yaml").string();
  Outcome all = run(spec, "http://127.0.0.1:9", "--dry-run");
  EXPECT_EQ(all.exit_code, 2) << all.output;
  EXPECT_THAT(all.output,
              HasSubstr("[operation.path-parameter-undeclared] path template /bad/{id}"));
  EXPECT_THAT(all.output, HasSubstr("not running"));
  Outcome good = run(spec, "http://127.0.0.1:9", "--dry-run --operation getGood");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_THAT(good.output, HasSubstr("getGood"));
  EXPECT_THAT(good.output, Not(HasSubstr("getBad")));
}

// The methods the mock received, from its --log (one "METHOD /path status ..." line per request).
std::map<std::string, int> methods_received(const std::filesystem::path& log) {
  std::map<std::string, int> out;
  std::istringstream lines(read_file(log));
  for (std::string line; std::getline(lines, line);) {
    std::string method = line.substr(0, line.find(' '));
    if (!method.empty() && std::all_of(method.begin(), method.end(), ::isupper)) ++out[method];
  }
  return out;
}

// "Read-only" is read-only everywhere: the stateful phase, the workflows and the permission suite
// send nothing but GET, and the suites that cannot run are reported skipped, with why.
TEST(ConformRun, ReadOnlySelectionsSendOnlyReads) {
  for (const std::string selection : {"--method GET", "--read-only"}) {
    auto log = std::filesystem::temp_directory_path() /
               ("conform-read-only-" + std::to_string(getpid()) + ".log");
    MockProcess mock(project_spec(), {"--log"}, log.string());
    std::string suites;
    for (const char* suite : {"vast-api-keys", "vast-ssh-keys", "vast-env-vars"}) {
      suites += " --suite " + source("suites/" + std::string(suite) + ".arazzo.yaml").string();
    }
    Outcome outcome = run(project_spec(), url(mock), "--max-examples 5 " + selection + suites);
    mock.stop();
    auto methods = methods_received(log);
    std::filesystem::remove(log);
    EXPECT_GT(methods["GET"], 20) << selection;
    EXPECT_EQ(methods.size(), 1u) << selection << ": " << ::testing::PrintToString(methods);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
    EXPECT_THAT(outcome.output, HasSubstr("selection leaves out createApiKey")) << selection;
    EXPECT_THAT(outcome.output, HasSubstr("its steps call POST createSshKey")) << selection;
    EXPECT_THAT(outcome.junit, HasSubstr("<skipped")) << selection;
  }
}

// An operation excluded is never called, not by the suites either.
TEST(ConformRun, AnExcludedOperationIsNeverCalled) {
  auto log = std::filesystem::temp_directory_path() /
             ("conform-excluded-" + std::to_string(getpid()) + ".log");
  MockProcess mock(project_spec(), {"--log"}, log.string());
  Outcome outcome = run(project_spec(), url(mock),
                        "--max-examples 3 --exclude-operation createApiKey --suite " +
                            source("suites/vast-api-keys.arazzo.yaml").string());
  mock.stop();
  std::string received = read_file(log);
  std::filesystem::remove(log);
  EXPECT_THAT(received, Not(HasSubstr("POST /api/v0/auth/apikeys/")));
  EXPECT_THAT(outcome.output, HasSubstr("SKIP  apiKeyLifecycle  (0 requests"));
  EXPECT_THAT(outcome.output, HasSubstr("skipped: workflow (its steps call POST createApiKey"));
  EXPECT_THAT(outcome.output, HasSubstr("its steps call POST createApiKey, which the selection"));
}

// A misspelt name is an error with the nearest name, in an exclusion as anywhere: a typo there
// would let the operation it meant to exclude run.
TEST(ConformRun, UnknownNamesAreErrorsWithTheNearestName) {
  const std::vector<std::pair<std::string, std::string>> typos = {
      {"--exclude-operation createApiKy", "did you mean 'createApiKey'?"},
      {"--operation listSshKey", "did you mean 'listSshKeys'?"},
      {"--method GETT", "did you mean 'get'?"},
      {"--tag nothing-like-it", "no tag 'nothing-like-it'"},
      {"--exclude-tag nothing-like-it", "no tag 'nothing-like-it'"},
      {"--checks ignored_aut", "did you mean 'ignored_auth'?"},
      {"--phases fuzing", "did you mean 'fuzzing'?"}};
  for (const auto& [option, message] : typos) {
    Outcome outcome = run(project_spec(), "http://127.0.0.1:9", "--dry-run " + option);
    EXPECT_EQ(outcome.exit_code, 2) << option << "\n" << outcome.output;
    EXPECT_THAT(outcome.output, HasSubstr(message)) << option;
  }
}

// A wrong or expired token is red: the run stops after a few 401s, says why, and writes its
// reports, instead of passing on a run whose every answer was a declared 401.
TEST(ConformRun, ARefusedCredentialStopsTheRun) {
  auto log = std::filesystem::temp_directory_path() /
             ("conform-refused-" + std::to_string(getpid()) + ".log");
  MockProcess mock(project_spec(), {"--log"}, log.string());
  auto junit = std::filesystem::temp_directory_path() /
               ("conform-refused-" + std::to_string(getpid()) + ".xml");
  ShellResult ran = shell("CONFORM_TOKEN=an-expired-token " + std::string(CONFORM_BINARY) +
                          " run --spec " + project_spec() + " --target " + url(mock) +
                          " --max-examples 5 --no-color --junit " + junit.string());
  mock.stop();
  auto methods = methods_received(log);
  std::filesystem::remove(log);
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_THAT(ran.output, HasSubstr("conform: the credential in $CONFORM_TOKEN was refused by the "
                                    "target (401 on every request"));
  std::string report = read_file(junit);
  std::filesystem::remove(junit);
  EXPECT_TRUE(validates(report)) << report;
  EXPECT_THAT(report, HasSubstr("credential_refused"));
  EXPECT_LE(methods["GET"], 4);  // the reachability probe and three GETs, nothing more
  EXPECT_EQ(methods.size(), 1u);
}

// The empty-token warning is for descriptions that ask for a credential, in a dry run too.
TEST(ConformRun, WarnsOfAnEmptyTokenOnlyWhereOneIsAskedFor) {
  ShellResult asked = shell("CONFORM_TOKEN= " + std::string(CONFORM_BINARY) + " run --spec " +
                            project_spec() + " --target http://127.0.0.1:9 --dry-run");
  EXPECT_THAT(asked.output, HasSubstr("is empty: requests go without credentials"));
  ShellResult open_api =
      shell("CONFORM_TOKEN= " + std::string(CONFORM_BINARY) + " run --spec " +
            data("reading.yaml").string() + " --target http://127.0.0.1:9 --dry-run");
  EXPECT_EQ(open_api.exit_code, 0) << open_api.output;
  EXPECT_THAT(open_api.output, Not(HasSubstr("is empty")));
}

// Ctrl-C during a paced run (spec/openapi.json declares seconds between calls: 50 minutes in
// all) stops it within a second: exit 130, valid reports that say what was interrupted, and no
// write request reaches the server after the signal.
TEST(ConformRun, AnInterruptStopsWithinASecondAndWritesTheReports) {
  auto stem =
      std::filesystem::temp_directory_path() / ("conform-interrupt-" + std::to_string(getpid()));
  const std::string log = stem.string() + ".log";
  const std::string junit = stem.string() + ".xml";
  const std::string output = stem.string() + ".out";
  MockProcess mock(project_spec(), {"--log"}, log);
  pid_t run = fork();
  if (run == 0) {
    int out = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    setenv("CONFORM_TOKEN", kRootToken.c_str(), 1);
    std::string target = url(mock);
    std::string spec = project_spec();
    execl(CONFORM_BINARY, CONFORM_BINARY, "run", "--spec", spec.c_str(), "--target", target.c_str(),
          "--pace", "declared", "--seed", "5", "--junit", junit.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::size_t received_before = read_file(log).size();
  const auto signalled = std::chrono::steady_clock::now();
  kill(run, SIGINT);
  int status = 0;
  waitpid(run, &status, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  mock.stop();
  const std::string after = read_file(log).substr(received_before);
  const std::string printed = read_file(output);
  const std::string report = read_file(junit);
  for (const auto& file : {log, junit, output}) std::filesystem::remove(file);

  ASSERT_TRUE(WIFEXITED(status)) << printed;
  EXPECT_EQ(WEXITSTATUS(status), 130) << printed;
  // The transport looks every tenth of a second; the bound leaves room for a loaded machine and
  // the sanitizers, and is still far from the minute a paced wait used to take.
  EXPECT_LT(seconds, 5.0) << printed;
  for (const char* write : {"POST ", "PUT ", "PATCH ", "DELETE "}) {
    EXPECT_THAT(after, Not(HasSubstr(write))) << after;
  }
  EXPECT_TRUE(validates(report)) << report;
  EXPECT_THAT(report, HasSubstr("interrupted"));
  EXPECT_THAT(printed, HasSubstr("interrupted"));
}

// --header adds to every request what a staging stack needs (a tenant, an access proxy's token);
// secret values never reach an output: a variable's name or [redacted] stands in for them.
TEST(ConformRun, AddedHeadersAreSentAndSecretsAreNotShown) {
  std::mutex mutex;
  std::set<std::string> received;
  LocalServer server([&](httplib::Server& s) {
    s.Get(".*", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      for (const char* name : {"X-Tenant", "X-Api-Key", "X-Proxy-Token"}) {
        received.insert(std::string(name) + "=" + request.get_header_value(name));
      }
      r.status = 500;  // a failure, so that the output shows a curl line
    });
  });
  ShellResult ran = shell(
      "TENANT=acme PROXY=pr0xy-secret-value CONFORM_TOKEN=t0ken-0123456789 " +
      std::string(CONFORM_BINARY) + " run --spec " + project_spec() + " --target " + server.url() +
      " --operation showCurrentUser --phases fuzzing --max-examples 2 --no-color"
      " --header 'X-Tenant: ${TENANT}' --header 'X-Api-Key: ${PROXY}'"
      " --header 'X-Proxy-Token: literal-secret-123' --secret-header x-proxy-token");
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_THAT(received, ::testing::IsSupersetOf({"X-Tenant=acme", "X-Api-Key=pr0xy-secret-value",
                                                 "X-Proxy-Token=literal-secret-123"}));
  EXPECT_THAT(ran.output, HasSubstr("-H 'X-Tenant: acme'"));
  EXPECT_THAT(ran.output, HasSubstr("-H 'X-Api-Key: '\"${PROXY}\"''"));
  EXPECT_THAT(ran.output, HasSubstr("-H 'X-Proxy-Token: [redacted]'"));
  EXPECT_THAT(ran.output, Not(HasSubstr("pr0xy-secret-value")));
  EXPECT_THAT(ran.output, Not(HasSubstr("literal-secret-123")));

  ShellResult unset =
      shell(std::string(CONFORM_BINARY) + " run --spec " + project_spec() + " --target " +
            server.url() + " --header 'X-Tenant: ${NOT_SET_ANYWHERE}'");
  EXPECT_EQ(unset.exit_code, 2) << unset.output;
  EXPECT_THAT(unset.output, HasSubstr("$NOT_SET_ANYWHERE is not set"));
}

// Usage errors speak as conform's other errors do: "conform:" first, the nearest name of a
// misspelt command or option, exit 2.
TEST(ConformRun, UsageErrorsNameTheNearestCommandOrOption) {
  const std::vector<std::pair<std::string, std::string>> typos = {
      {"runn", "conform: 'runn' is not a command (did you mean 'run'?)"},
      {"run --spec x --target y --max-exampels 3",
       "--max-exampels is not an option of run (did you mean '--max-examples'?)"},
      {"mock --spec x --prot 3", "--prot is not an option of mock (did you mean '--port'?)"}};
  for (const auto& [arguments, message] : typos) {
    ShellResult ran = shell(std::string(CONFORM_BINARY) + " " + arguments);
    EXPECT_EQ(ran.exit_code, 2) << arguments;
    EXPECT_THAT(ran.output, HasSubstr(message)) << ran.output;
    EXPECT_EQ(ran.output.rfind("conform: ", 0), 0u) << ran.output;
  }
}

// A long run says how long: the dry run estimates it from x-rate-limit, and outside a terminal
// (a CI log) a progress line comes at least every ten seconds.
TEST(ConformRun, LongRunsSayHowLong) {
  Outcome planned = run(project_spec(), "http://127.0.0.1:9", "--dry-run --pace declared");
  EXPECT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_THAT(planned.output, ::testing::ContainsRegex("Time: at least ([0-9]+ h )?[0-9]+ min"));

  MockProcess mock(project_spec());
  // About 15 s of paced requests (one a second), stopped after 12 s.
  ShellResult ran = shell("CONFORM_TOKEN=" + kRootToken + " timeout --preserve-status -s INT 12 " +
                          std::string(CONFORM_BINARY) + " run --spec " + project_spec() +
                          " --target " + url(mock) +
                          " --pace declared --operation listSshKeys --phases fuzzing"
                          " --max-examples 15 --no-color");
  EXPECT_EQ(ran.exit_code, 130) << ran.output;
  EXPECT_THAT(ran.output, ::testing::ContainsRegex("conform: progress: 0/1 tests, [0-9]+ requests, "
                                                   "0 failures, 1[0-9] s elapsed"));
}

TEST(ConformRun, FiltersAndGoogleTestFlags) {
  MockProcess mock(project_spec());
  Outcome one =
      run(project_spec(), url(mock), "--operation listApiKeys --phases fuzzing --max-examples 5");
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_THAT(one.junit, HasSubstr(R"(<testsuites name="conform" tests="1")"));
  Outcome filtered =
      run(project_spec(), url(mock), "--max-examples 5 --gtest_filter=createSshKey.*");
  EXPECT_EQ(filtered.exit_code, 0) << filtered.output;
  EXPECT_THAT(filtered.junit, HasSubstr(R"(<testsuites name="conform" tests="5")"));
  EXPECT_EQ(run(project_spec(), url(mock), "--not-a-flag").exit_code, 2);
  Outcome quiet = run(project_spec(), url(mock), "-q --max-examples 5 --operation listApiKeys");
  EXPECT_THAT(quiet.output, Not(HasSubstr("PASS  listApiKeys")));
  EXPECT_THAT(quiet.output, HasSubstr("PASSED: "));
  EXPECT_THAT(quiet.output, Not(HasSubstr("\033[")));  // piped: no control codes
}

TEST(ConformRun, ShardsMergeIntoOneReport) {
  MockProcess mock(project_spec());
  Outcome single = run(project_spec(), url(mock), "--max-examples 5");
  Outcome sharded = run(project_spec(), url(mock), "--max-examples 5 --jobs 3");
  EXPECT_EQ(sharded.exit_code, 0) << sharded.output;
  auto tests_attribute = [](const std::string& junit) {
    auto at = junit.find("tests=\"");
    return junit.substr(at, junit.find('"', at + 7) - at);
  };
  EXPECT_EQ(tests_attribute(sharded.junit), tests_attribute(single.junit));
  EXPECT_TRUE(validates(sharded.junit));
}

// A shard read the parent's configuration file too: `jobs: 2` there made every shard shard again
// (exit 2, "At Most 1 required but received 2"). Shards now take their whole run from a plan file.
TEST(ConformRun, ShardsTakeTheirRunFromThePlanNotTheConfiguration) {
  MockProcess mock(project_spec());
  auto directory =
      std::filesystem::temp_directory_path() / ("conform-shard-config-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  {
    std::ofstream config(directory / "conform.yaml");
    config << "run:\n  jobs: 2\n  max-examples: 5\n  html: " << (directory / "run.html").string()
           << "\n";
  }
  Outcome single = run(project_spec(), url(mock), "--max-examples 5");
  Outcome sharded =
      run(project_spec(), url(mock), "--config " + (directory / "conform.yaml").string());
  EXPECT_EQ(sharded.exit_code, 0) << sharded.output;
  EXPECT_THAT(sharded.output, Not(HasSubstr("shard 0 stopped")));
  auto tests_attribute = [](const std::string& junit) {
    auto at = junit.find("tests=\"");
    return at == std::string::npos ? "" : junit.substr(at, junit.find('"', at + 7) - at);
  };
  EXPECT_EQ(tests_attribute(sharded.junit), tests_attribute(single.junit));
  EXPECT_TRUE(std::filesystem::exists(directory / "run.html"));
  std::filesystem::remove_all(directory);
}

TEST(ConformRun, TheVastDescriptionServedByTheMock) {
  auto path = shared("reference/vast/openapi.yaml");
  CONFORM_REQUIRE_SHARED(path);
  MockProcess mock(path.string());
  Outcome outcome = run(path.string(), url(mock), "--max-examples 5 --phases examples,fuzzing");
  EXPECT_TRUE(outcome.exit_code == 0 || outcome.exit_code == 1) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("tests,"));
  EXPECT_THAT(outcome.junit, HasSubstr("</testsuites>"));
  EXPECT_TRUE(validates(outcome.junit));
}

}  // namespace
}  // namespace conform::test
