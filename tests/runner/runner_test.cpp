// The conformance run as a library: called from C++ with a configuration, no command line.
#include "conform/runner/runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "conform/runner/execute.hpp"
#include "conform/runner/interrupt.hpp"
#include "support/local_servers.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"

namespace conform::runner {
namespace {

using ::testing::HasSubstr;

RunConfig config_for(const test::MockProcess& mock) {
  RunConfig config;
  config.spec = test::project_spec();
  config.target = "http://127.0.0.1:" + std::to_string(mock.port());
  config.seed = 7;
  config.max_examples = 5;
  config.selection.operations = {"listApiKeys", "createApiKey"};
  config.phases = {"examples", "fuzzing"};
  return config;
}

RunContext quiet_context(std::ostream& out) {
  return {.program = "conform", .executor = Executor::in_order, .out = &out};
}

const report::TestRecord* find(const report::RunResults& results, const std::string& suite,
                               const std::string& name) {
  auto it = std::find_if(results.tests.begin(), results.tests.end(),
                         [&](const auto& t) { return t.suite == suite && t.name == name; });
  return it == results.tests.end() ? nullptr : &*it;
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("CONFORM_TOKEN", test::kRootToken.c_str(), 1); }
  void TearDown() override {
    unsetenv("CONFORM_TOKEN");
    interrupted() = false;
  }
};

TEST_F(RunnerTest, RunsTheSelectedPhasesAgainstTheMockAndWritesTheOutputsAskedFor) {
  test::MockProcess mock(test::project_spec());
  RunConfig config = config_for(mock);
  const auto junit = std::filesystem::temp_directory_path() /
                     ("conform-runner-" + std::to_string(getpid()) + ".xml");
  config.outputs["junit"] = junit.string();
  std::ostringstream out;
  RunOutcome outcome = run(config, quiet_context(out));

  EXPECT_EQ(outcome.exit_code, core::ExitCode::ok) << out.str();
  ASSERT_FALSE(outcome.results.tests.empty()) << out.str();
  // listApiKeys declares no examples: its examples phase plans nothing and is not a test.
  for (auto [op, phase] : {std::pair{"createApiKey", "examples"},
                           {"createApiKey", "fuzzing"},
                           {"listApiKeys", "fuzzing"}}) {
    const auto* test = find(outcome.results, op, phase);
    ASSERT_NE(test, nullptr) << op << "." << phase;
    EXPECT_GT(test->result.sent, 0) << op << "." << phase;
    EXPECT_TRUE(test->result.failures.empty()) << op << "." << phase;
  }
  EXPECT_EQ(outcome.results.tests.size(), 3u) << "a phase not chosen ran";
  EXPECT_EQ(outcome.results.seed, 7u);
  EXPECT_THAT(out.str(), HasSubstr("listApiKeys.fuzzing"));
  EXPECT_THAT(test::read_file(junit), HasSubstr("<testsuites"));
  std::filesystem::remove(junit);
}

TEST_F(RunnerTest, AFaultOfTheServerFailsTheRunWithTheCheckNamed) {
  test::MockProcess mock(test::project_spec(), {"--fault", "wrong_content_type"});
  std::ostringstream out;
  RunOutcome outcome = run(config_for(mock), quiet_context(out));

  EXPECT_EQ(outcome.exit_code, core::ExitCode::failures);
  const auto* test = find(outcome.results, "listApiKeys", "fuzzing");
  ASSERT_NE(test, nullptr);
  ASSERT_FALSE(test->result.failures.empty());
  EXPECT_EQ(test->result.failures.front().check, "content_type_conformance");
}

// Without --duration, fuzzing sends --max-examples cases, each once, however the windows they are
// sent in grow.
TEST_F(RunnerTest, FuzzingSendsAsManyCasesAsAsked) {
  test::MockProcess mock(test::project_spec());
  RunConfig config = config_for(mock);
  config.selection.operations = {"listApiKeys"};
  config.phases = {"fuzzing"};
  for (int asked : {1, 3, 100, 301}) {
    config.max_examples = asked;
    std::ostringstream out;
    RunOutcome outcome = run(config, quiet_context(out));
    EXPECT_EQ(outcome.exit_code, core::ExitCode::ok) << out.str();
    const auto* fuzzing = find(outcome.results, "listApiKeys", "fuzzing");
    ASSERT_NE(fuzzing, nullptr);
    EXPECT_EQ(fuzzing->result.sent, asked);
  }
}

// --duration: fuzzing goes on in rounds of fresh cases until the time is up; --max-examples,
// when given, caps the cases (whichever comes first). Memory holds one window of cases.
TEST_F(RunnerTest, DurationFuzzesInRoundsUntilTheTimeOrTheCap) {
  test::MockProcess mock(test::project_spec());
  RunConfig config = config_for(mock);
  config.selection.operations = {"listApiKeys"};
  config.phases = {"fuzzing"};
  config.duration = "1h";
  config.max_examples = 250;
  config.max_examples_given = true;
  std::ostringstream out;
  RunOutcome capped = run(config, quiet_context(out));  // the cap comes first
  EXPECT_EQ(capped.exit_code, core::ExitCode::ok) << out.str();
  const auto* fuzzing = find(capped.results, "listApiKeys", "fuzzing");
  ASSERT_NE(fuzzing, nullptr);
  EXPECT_EQ(fuzzing->result.sent, 250);

  config.duration = "2s";  // the time comes first: rounds of 100 until then
  config.max_examples_given = false;
  RunOutcome timed = run(config, quiet_context(out));
  EXPECT_EQ(timed.exit_code, core::ExitCode::ok) << out.str();
  fuzzing = find(timed.results, "listApiKeys", "fuzzing");
  ASSERT_NE(fuzzing, nullptr);
  EXPECT_GT(fuzzing->result.sent, 250);  // rounds beyond the first (100 cases each)

  config.dry_run = true;  // the plan says so
  std::ostringstream plan;
  run(config, quiet_context(plan));
  EXPECT_THAT(plan.str(), HasSubstr("Fuzzing: rounds of fresh cases until --duration 2s"));
  config.dry_run = false;

  config.duration = "10x";
  EXPECT_THROW(run(config, quiet_context(out)), core::Error);
}

// A failure first met in a later round names the seed and count that replay that round: the same
// cases, sent again as a run's first round.
TEST_F(RunnerTest, ALaterRoundsFailureSaysHowToReplayIt) {
  std::mutex mutex;
  std::vector<std::string> bodies;
  bool fail_after_first_round = true;
  test::LocalServer server([&](httplib::Server& s) {
    s.set_keep_alive_max_count(1);  // the run's 16 connections must not hold the pool's threads
    s.Post("/api/v0/auth/apikeys/", [&](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(mutex);
      bodies.push_back(request.body);
      r.status = fail_after_first_round && bodies.size() > 100 ? 500 : 404;
    });
  });
  RunConfig config;
  config.spec = test::project_spec();
  config.target = server.url();
  config.seed = 11;
  config.selection.operations = {"createApiKey"};
  config.phases = {"fuzzing"};
  config.checks = {"not_a_server_error"};
  config.duration = "1h";
  config.max_examples = 200;
  config.max_examples_given = true;
  std::ostringstream out;
  RunOutcome first = run(config, quiet_context(out));
  EXPECT_EQ(first.exit_code, core::ExitCode::failures) << out.str();
  const auto* fuzzing = find(first.results, "createApiKey", "fuzzing");
  ASSERT_NE(fuzzing, nullptr);
  ASSERT_EQ(fuzzing->result.failures.size(), 1u) << out.str();
  const std::string summary = fuzzing->result.failures.front().case_summary;
  const std::string marker = "round 2 of --duration: --seed ";
  auto at = summary.find(marker);
  ASSERT_NE(at, std::string::npos) << summary;
  std::istringstream replay(summary.substr(at + marker.size()));
  std::uint64_t seed = 0;
  std::string flag;
  int count = 0;
  replay >> seed >> flag >> count;
  EXPECT_EQ(flag, "--max-examples");
  EXPECT_EQ(count, 100);

  std::vector<std::string> second_round;
  {
    std::lock_guard lock(mutex);
    ASSERT_GE(bodies.size(), 200u);
    second_round.assign(bodies.begin() + 100, bodies.begin() + 200);
    bodies.clear();
    fail_after_first_round = false;
  }
  RunConfig again = config;
  again.duration.clear();
  again.seed = seed;
  again.max_examples = count;
  run(again, quiet_context(out));
  std::lock_guard lock(mutex);
  std::sort(second_round.begin(), second_round.end());
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, second_round);
}

TEST_F(RunnerTest, ADryRunPrintsThePlanAndSendsNothing) {
  test::RawServer nobody("");  // counts connections: the plan must open none
  RunConfig config;
  config.spec = test::project_spec();
  config.target = nobody.url();
  config.dry_run = true;
  config.selection.operations = {"listApiKeys"};
  std::ostringstream out;
  RunOutcome outcome = run(config, quiet_context(out));
  EXPECT_EQ(outcome.exit_code, core::ExitCode::ok);
  EXPECT_THAT(out.str(), HasSubstr("Plan for"));
  EXPECT_THAT(out.str(), HasSubstr("listApiKeys"));
  EXPECT_TRUE(outcome.results.tests.empty());
  EXPECT_EQ(nobody.connections(), 0);
}

TEST_F(RunnerTest, AnOperationNameThatMatchesNothingIsAnError) {
  RunConfig config;
  config.spec = test::project_spec();
  config.target = "http://127.0.0.1:9";
  config.selection.operations = {"listApiKeyz"};
  std::ostringstream out;
  try {
    run(config, quiet_context(out));
    FAIL() << "a selection that names nothing ran";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.exit_code(), core::ExitCode::bad_input);
  }
}

// A suite over two descriptions: each step goes to its own description's base path on the
// target, and a selection that names --spec's operations leaves the other's out.
TEST_F(RunnerTest, AWorkflowCallsEachDescriptionAtItsOwnBasePath) {
  std::atomic<int> made{0};
  std::mutex mutex;
  std::vector<std::string> owners;
  test::LocalServer server([&](httplib::Server& s) {
    s.Post("/things", [&](const httplib::Request&, httplib::Response& response) {
      ++made;
      response.status = 201;
      response.set_content(R"({"id": 5})", "application/json");
    });
    s.Get("/v2/pets", [&](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex);
      owners.push_back(request.get_param_value("owner"));
      response.set_content(R"([{"owner": 5}])", "application/json");
    });
  });
  RunConfig config;
  config.spec = test::data("arazzo/things.openapi.yaml").string();
  config.target = server.url();
  config.phases = {"scenarios"};
  config.suites = {test::data("arazzo/two-sources.arazzo.yaml").string()};
  std::ostringstream out;
  RunOutcome outcome = run(config, quiet_context(out));
  EXPECT_EQ(outcome.exit_code, core::ExitCode::ok) << out.str();
  const auto* workflow = find(outcome.results, "thingAndPets", "workflow");
  ASSERT_NE(workflow, nullptr) << out.str();
  EXPECT_EQ(workflow->result.sent, 2);
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(owners, std::vector<std::string>{"5"});

  config.selection.operations = {"createThing"};
  std::ostringstream skipped_out;
  RunOutcome skipped = run(config, quiet_context(skipped_out));
  const auto* left = find(skipped.results, "thingAndPets", "workflow");
  ASSERT_NE(left, nullptr) << skipped_out.str();
  EXPECT_THAT(left->result.not_tested, HasSubstr("GET listPets ("));
  EXPECT_THAT(left->result.not_tested,
              HasSubstr("pets.openapi.yaml), which the selection leaves out"));
  EXPECT_EQ(made.load(), 1) << "a skipped workflow sent its create";
}

TEST(Execute, AfterAnInterruptOnlyCleanupsRunAndTheRestAreReportedNotStarted) {
  int bodies = 0;
  auto body = [&bodies] {
    ++bodies;
    return engine::PhaseResult{};
  };
  std::vector<PlannedTest> plan = {{"op", "examples", body}, {"Suite", "cleanup", body, true}};
  interrupted() = true;
  auto records = run_in_order(plan, {});
  interrupted() = false;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].result.not_tested, "interrupted: not started");
  EXPECT_EQ(records[1].result.not_tested, "");
  EXPECT_EQ(bodies, 1);
}

TEST(Execute, EveryResultIsRedactedBeforeItIsRecorded) {
  core::Redactor secrets;
  secrets.add("s3cret-token-value", "${CONFORM_TOKEN}");
  std::vector<PlannedTest> plan = {{"op", "examples", [] {
                                      engine::PhaseResult r;
                                      r.failures.push_back(
                                          {.check = "x", .curl = "-H 'Bearer s3cret-token-value'"});
                                      return r;
                                    }}};
  auto records = run_in_order(plan, {.secrets = &secrets});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].result.failures.at(0).curl, "-H 'Bearer ${CONFORM_TOKEN}'");
}

TEST(Execute, GoogleTestNamesKeepLettersDigitsAndUnderscores) {
  EXPECT_EQ(googletest_name("get-user.by id"), "get_user_by_id");
  EXPECT_EQ(googletest_name(""), "_");
}

}  // namespace
}  // namespace conform::runner
