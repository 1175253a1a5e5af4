// End to end: the Arazzo suites shipped in suites/ against the real mock, clean and with the
// fault each is meant to catch; invalid suites refused before anything is sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/mock_process.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform {
namespace {

using ::testing::HasSubstr;

test::ShellResult run_suite(const test::MockProcess& mock, const std::string& suite,
                            const std::string& extra = "") {
  return test::shell("CONFORM_TOKEN=" + test::kRootToken + " " + CONFORM_BINARY + " run --spec " +
                     test::project_spec() + " --target http://127.0.0.1:" +
                     std::to_string(mock.port()) + " --phases scenarios --no-color --suite " +
                     test::source("suites/" + suite).string() + " " + extra + " 2>&1");
}

struct Shipped {
  const char* file;
  const char* workflow;
  const char* fault;
  const char* failing_step;
  const char* check;  // the step's x-conform-check
};

class ShippedSuites : public ::testing::TestWithParam<Shipped> {};

TEST_P(ShippedSuites, PassAgainstTheMockAndFailAgainstTheFaultTheyAreMeantToCatch) {
  const Shipped& s = GetParam();
  test::MockProcess clean(test::project_spec());
  auto passed = run_suite(clean, s.file);
  EXPECT_EQ(passed.exit_code, 0) << passed.output;
  EXPECT_THAT(passed.output, HasSubstr(std::string("PASS  ") + s.workflow + "  ("));

  test::MockProcess faulty(test::project_spec(), {"--fault", s.fault});
  auto failed = run_suite(faulty, s.file);
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_THAT(failed.output, HasSubstr(std::string("step ") + s.failing_step + ":"));
  EXPECT_THAT(failed.output, HasSubstr(s.check));
}

INSTANTIATE_TEST_SUITE_P(
    Suites, ShippedSuites,
    ::testing::Values(Shipped{"vast-api-keys.arazzo.yaml", "apiKeyLifecycle",
                              "delete_does_not_delete", "keyIsGone", "use_after_delete"},
                      Shipped{"vast-api-keys.arazzo.yaml", "apiKeyLifecycle",
                              "resource_unavailable", "keyIsListed", "resource_availability"},
                      Shipped{"vast-ssh-keys.arazzo.yaml", "sshKeyLifecycle",
                              "delete_does_not_delete", "keyIsGone", "use_after_delete"},
                      Shipped{"vast-env-vars.arazzo.yaml", "envVarLifecycle",
                              "resource_unavailable", "variableIsListed", "resource_availability"},
                      Shipped{"vast-env-vars.arazzo.yaml", "envVarLifecycle",
                              "delete_does_not_delete", "variableIsGone", "use_after_delete"}),
    [](const auto& param_info) {
      return std::string(param_info.param.workflow) + "_" + param_info.param.fault;
    });

TEST(ArazzoSuites, AFailedStepStillDeletesWhatTheWorkflowMade) {
  // The key is not listed (keyIsListed fails, before deleteKey): only the cleanUp step deletes.
  const std::string log =
      (std::filesystem::temp_directory_path() / ("conform-cleanup-" + std::to_string(getpid())))
          .string();
  test::MockProcess faulty(test::project_spec(), {"--fault", "resource_unavailable", "--log"}, log);
  auto failed = run_suite(faulty, "vast-api-keys.arazzo.yaml");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_THAT(failed.output, HasSubstr("step keyIsListed:"));
  faulty.stop();
  EXPECT_THAT(test::read_file(log), HasSubstr("DELETE /api/v0/auth/apikeys/"));
  std::filesystem::remove(log);
}

// What the shipped suites expect is Vast.ai behaviour: against a description that does not name
// Vast.ai's permissions, a step that fails is an advisory, unless the run enforces Vast's rules.
TEST(ArazzoSuites, VastBehaviourTheDescriptionDoesNotStateIsAnAdvisory) {
  nlohmann::json plain = nlohmann::json::parse(test::read_file(test::project_spec()));
  for (auto& [path, item] : plain["paths"].items()) {
    for (auto& [method, operation] : item.items()) {
      if (operation.is_object()) operation.erase("x-permission");
    }
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-plain-" + std::to_string(getpid()) + ".json");
  std::ofstream(file) << plain.dump();
  test::MockProcess faulty(file.string(), {"--fault", "delete_does_not_delete"});
  auto command = "CONFORM_TOKEN=" + test::kRootToken + " " + CONFORM_BINARY + " run --spec " +
                 file.string() + " --target http://127.0.0.1:" + std::to_string(faulty.port()) +
                 " --phases scenarios --no-color --suite " +
                 test::source("suites/vast-ssh-keys.arazzo.yaml").string();
  auto advised = test::shell(command + " 2>&1");
  EXPECT_EQ(advised.exit_code, 0) << advised.output;
  EXPECT_THAT(advised.output, HasSubstr("Advisories (not failures):"));
  // The generic store the mock keeps for such a description does not apply the update.
  EXPECT_THAT(advised.output, HasSubstr("resource_availability: step keyIsListedUpdated:"));
  auto enforced = test::shell(command + " --enforce-vast-rules 2>&1");
  EXPECT_EQ(enforced.exit_code, 1) << enforced.output;
  std::filesystem::remove(file);
}

TEST(ArazzoSuites, AnInvalidSuiteIsRefusedWithItsPointerAndNothingIsSent) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-suite-" + std::to_string(getpid()) + ".arazzo.yaml");
  std::ofstream(file) << "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n"
                         "sourceDescriptions: [{name: api, url: x.json}]\n"
                         "workflows:\n- workflowId: w\n  steps:\n"
                         "  - stepId: a\n    operationId: listApiKeyz\n";
  test::MockProcess mock(test::project_spec(), {"--log"}, (file.string() + ".log"));
  auto refused = test::shell("CONFORM_TOKEN=" + test::kRootToken + " " + CONFORM_BINARY +
                             " run --spec " + test::project_spec() + " --target http://127.0.0.1:" +
                             std::to_string(mock.port()) + " --suite " + file.string() + " 2>&1");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr(file.string() + "#/workflows/0/steps/0/operationId"));
  EXPECT_THAT(refused.output, HasSubstr("did you mean 'listApiKeys'"));
  mock.stop();
  EXPECT_EQ(test::read_file(file.string() + ".log"), "") << "a request was sent";
  auto linted = test::shell(std::string(CONFORM_BINARY) + " lint --spec " + test::project_spec() +
                            " --suite " + file.string() + " 2>&1");
  EXPECT_EQ(linted.exit_code, 1) << linted.output;
  EXPECT_THAT(linted.output, HasSubstr(file.string() + "#/workflows/0/steps/0/operationId"));
  std::filesystem::remove(file);
  std::filesystem::remove(file.string() + ".log");
}

TEST(ArazzoSuites, AWorkflowCallingWhatTheSelectionLeavesOutIsSkippedWithWhy) {
  test::MockProcess mock(test::project_spec());
  auto skipped = run_suite(mock, "vast-ssh-keys.arazzo.yaml", "--read-only");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_THAT(skipped.output, HasSubstr("POST createSshKey"));
  EXPECT_THAT(skipped.output, HasSubstr("which the selection leaves out: nothing was sent"));
}

TEST(ArazzoSuites, SuitesAndInputsComeFromTheConfigurationFileToo) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-suites-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(file) << "run:\n  suites: ["
                      << test::source("suites/vast-ssh-keys.arazzo.yaml").string()
                      << "]\n  suite-input: [second_key=ssh-rsa AAAA other]\n";
  auto planned =
      test::shell(std::string(CONFORM_BINARY) + " run --config " + file.string() + " --spec " +
                  test::project_spec() + " --target http://127.0.0.1:9 --dry-run 2>&1");
  std::filesystem::remove(file);
  EXPECT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_THAT(planned.output, HasSubstr("Workflow: sshKeyLifecycle.workflow ("));
}

// The specification's own OAuth example, against a mock of the description it calls: planned,
// skipped without its inputs (saying which), and run with them.
TEST(ArazzoSuites, TheSpecificationsOAuthExampleRunsAgainstAMockOfItsDescription) {
  const auto folder = test::shared("corpus/arazzo/examples/1.0.0");
  CONFORM_REQUIRE_SHARED(folder);
  const std::string spec = (folder / "oauth.openapi.yaml").string();
  const std::string suite = (folder / "oauth.arazzo.yaml").string();
  test::MockProcess mock(spec);
  const std::string command = std::string(CONFORM_BINARY) + " run --spec " + spec +
                              " --target http://127.0.0.1:" + std::to_string(mock.port()) +
                              " --phases scenarios --no-color --suite " + suite;
  auto planned = test::shell(command + " --dry-run 2>&1");
  EXPECT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_THAT(planned.output, HasSubstr("Workflow: client-credentials-flow.workflow (" + suite +
                                        ", 1 steps: POST get-token)"));

  auto without_inputs = test::shell(command + " 2>&1");
  EXPECT_EQ(without_inputs.exit_code, 0) << without_inputs.output;
  EXPECT_THAT(without_inputs.output,
              HasSubstr("it needs the inputs client_id, client_secret (--suite-input"));

  auto with_inputs = test::shell(
      command + " --suite-input client_id=abc --suite-input client_secret=s3cret" +
      " --suite-input redirect_uri=https://example.com/cb --suite-input my_client_id=abc" +
      " --suite-input my_client_secret=s3cret --suite-input my_redirect_uri=https://e.com/cb" +
      " 2>&1");
  EXPECT_NE(with_inputs.exit_code, 2) << with_inputs.output;
  for (const char* workflow :
       {"client-credentials-flow", "authorization-code-flow", "refresh-token-flow"}) {
    EXPECT_THAT(with_inputs.output,
                ::testing::ContainsRegex(std::string(workflow) + "  \\([1-9][0-9]* requests"))
        << "each workflow sent its requests";
  }
  EXPECT_THAT(with_inputs.output, HasSubstr("grant_type=client_credentials"))
      << "the form body of get-token, in a curl line";
  EXPECT_THAT(with_inputs.output, HasSubstr(" 0 skipped"));
}

}  // namespace
}  // namespace conform
