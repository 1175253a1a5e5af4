// Workflows run against a small server that counts what it receives: retries, gotos, ends,
// nested workflows, dependsOn and outputs behave as the Arazzo specification says.
#include "conform/arazzo/workflow_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "conform/spec/document.hpp"
#include "support/local_servers.hpp"
#include "support/paths.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Things that become ready on the third GET; the names it was sent, in order.
struct ThingServer {
  std::atomic<int> gets{0};
  std::atomic<int> deletes{0};
  std::mutex mutex;
  std::vector<std::string> names;
  test::LocalServer server{[this](httplib::Server& s) {
    s.Post("/things", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex);
      names.push_back(json::parse(request.body).value("name", ""));
      response.status = 201;
      response.set_content(R"({"id": 42})", "application/json");
    });
    s.Get(R"(/things/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
      int n = ++gets;
      int id = std::stoi(request.matches[1]);
      json body = {{"id", id}, {"name", "x"}, {"ready", n >= 3}};
      if (id == 13) body["id"] = "thirteen";  // breaks the declared schema
      response.set_content(body.dump(), "application/json");
    });
    s.Delete(R"(/things/(\d+))", [this](const httplib::Request&, httplib::Response& response) {
      ++deletes;
      response.status = 204;
    });
  }};
};

class WorkflowRunnerTest : public ::testing::Test {
 protected:
  WorkflowRunnerTest() : transport_(options_for(server_.server.url())) {
    run_.checks = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance"};
  }
  static transport::TransportOptions options_for(const std::string& url) {
    transport::TransportOptions options;
    options.base_url = url;
    return options;
  }
  // Runs the workflows of `yaml` (after the common head) in dependency order.
  std::map<std::string, engine::PhaseResult> run(const std::string& workflows, json inputs = {}) {
    std::string text =
        "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n"
        "sourceDescriptions: [{name: things, url: things.openapi.yaml}]\n" +
        workflows;
    Reading reading =
        read(spec::parse_document(text, spec::Syntax::yaml, "suite.yaml"), "suite.yaml");
    suite_.document = std::move(reading.document);
    suite_.problems = std::move(reading.problems);
    suite_.binding = bind_operations(suite_.document, spec_, suite_.problems);
    std::map<std::string, engine::PhaseResult> out;
    for (const auto& d : suite_.problems.items()) ADD_FAILURE() << core::format(d);
    suites::SuiteContext context(spec_, schemas_, transport_, run_);
    WorkflowRunner runner(suite_, context, inputs.is_null() ? json::object() : inputs);
    for (const auto* w : in_dependency_order(suite_.document)) out[w->workflow_id] = runner.run(*w);
    return out;
  }
  static std::string failures(const engine::PhaseResult& r) {
    std::string out;
    for (const auto& f : r.failures) out += f.check + ": " + f.message + "\n";
    for (const auto& f : r.errors) out += f.check + ": " + f.message + "\n";
    return out;
  }

  ThingServer server_;
  spec::Spec spec_ = spec::Spec::load(test::data("arazzo/things.openapi.yaml"));
  schema::SpecSchemas schemas_{spec_};
  transport::Transport transport_;
  engine::RunOptions run_;
  Suite suite_;
};

TEST_F(WorkflowRunnerTest, ARetryRepeatsTheStepUntilItsCriteriaHold) {
  auto results = run(R"(
workflows:
  - workflowId: poll
    steps:
      - stepId: make
        operationId: createThing
        requestBody: {payload: {name: $inputs.name}}
        successCriteria: [{condition: $statusCode == 201}]
        outputs: {id: $response.body#/id}
      - stepId: wait
        operationId: getThing
        parameters: [{name: id, in: path, value: $steps.make.outputs.id}]
        successCriteria: [{condition: $response.body#/ready == true}]
        onFailure: [{name: again, type: retry, stepId: wait, retryAfter: 0, retryLimit: 5}]
    outputs: {id: $steps.make.outputs.id}
)",
                     json{{"name", "from input"}});
  const auto& poll = results.at("poll");
  EXPECT_EQ(failures(poll), "");
  EXPECT_EQ(poll.sent, 4) << "one create, three polls";
  EXPECT_EQ(server_.gets.load(), 3);
  EXPECT_EQ(server_.names, std::vector<std::string>{"from input"});
}

TEST_F(WorkflowRunnerTest, ARetryLimitReachedFailsTheStepAndSaysHowOften) {
  auto results = run(R"(
workflows:
  - workflowId: impatient
    steps:
      - stepId: wait
        operationId: getThing
        parameters: [{name: id, in: path, value: 7}]
        successCriteria: [{condition: $response.body#/ready == true}]
        onFailure: [{name: again, type: retry, stepId: wait, retryAfter: 0, retryLimit: 1}]
)");
  const auto& r = results.at("impatient");
  ASSERT_EQ(r.failures.size(), 1u) << failures(r);
  EXPECT_EQ(r.failures[0].check, "workflow_success_criteria");
  EXPECT_THAT(r.failures[0].message, HasSubstr("step wait: '$response.body#/ready == true' does "
                                               "not hold: false == true"));
  EXPECT_THAT(r.failures[0].message, HasSubstr("(after 1 retries)"));
  EXPECT_EQ(server_.gets.load(), 2);
}

TEST_F(WorkflowRunnerTest, GotoSkipsStepsAndEndStopsTheWorkflow) {
  auto results = run(R"(
workflows:
  - workflowId: jumps
    steps:
      - stepId: first
        operationId: getThing
        parameters: [{name: id, in: path, value: 1}]
        onSuccess: [{name: skip, type: goto, stepId: third}]
      - stepId: second
        operationId: deleteThing
        parameters: [{name: id, in: path, value: 1}]
      - stepId: third
        operationId: getThing
        parameters: [{name: id, in: path, value: 1}]
        onSuccess: [{name: stop, type: end}]
      - stepId: fourth
        operationId: deleteThing
        parameters: [{name: id, in: path, value: 1}]
)");
  EXPECT_EQ(failures(results.at("jumps")), "");
  EXPECT_EQ(server_.gets.load(), 2);
  EXPECT_EQ(server_.deletes.load(), 0) << "the steps jumped over and after the end were sent";
}

TEST_F(WorkflowRunnerTest, AnActionAppliesOnlyWhenItsCriteriaHold) {
  auto results = run(R"(
workflows:
  - workflowId: choose
    steps:
      - stepId: look
        operationId: getThing
        parameters: [{name: id, in: path, value: 1}]
        onSuccess:
          - {name: never, type: end, criteria: [{condition: $statusCode == 500}]}
          - {name: onwards, type: goto, stepId: remove, criteria: [{condition: $statusCode == 200}]}
      - stepId: skipped
        operationId: createThing
        requestBody: {payload: {name: no}}
      - stepId: remove
        operationId: deleteThing
        parameters: [{name: id, in: path, value: 1}]
)");
  EXPECT_EQ(failures(results.at("choose")), "");
  EXPECT_EQ(server_.deletes.load(), 1);
  EXPECT_TRUE(server_.names.empty());
}

TEST_F(WorkflowRunnerTest, NestedWorkflowsDependenciesAndOutputs) {
  auto results = run(R"(
workflows:
  - workflowId: make
    steps:
      - stepId: create
        operationId: createThing
        requestBody: {payload: {name: $inputs.name}}
        outputs: {id: $response.body#/id}
    outputs: {id: $steps.create.outputs.id}
  - workflowId: useIt
    dependsOn: [make]
    steps:
      - stepId: again
        workflowId: make
        parameters: [{name: name, value: nested}]
        outputs: {id: $outputs.id}
      - stepId: read
        operationId: getThing
        parameters: [{name: id, in: path, value: $workflows.make.outputs.id}]
        successCriteria:
          - condition: $response.body#/id == $steps.again.outputs.id
  - workflowId: broken
    steps:
      - stepId: fails
        operationId: getThing
        parameters: [{name: id, in: path, value: 1}]
        successCriteria: [{condition: $statusCode == 404}]
  - workflowId: afterBroken
    dependsOn: [broken]
    steps:
      - stepId: never
        operationId: deleteThing
        parameters: [{name: id, in: path, value: 1}]
)",
                     json{{"name", "top"}});
  EXPECT_EQ(failures(results.at("make")), "");
  EXPECT_EQ(failures(results.at("useIt")), "");
  EXPECT_EQ(server_.names, (std::vector<std::string>{"top", "nested"}));
  EXPECT_EQ(results.at("broken").failures.size(), 1u);
  EXPECT_EQ(results.at("afterBroken").not_tested,
            "it depends on workflow 'broken', which did not succeed");
  EXPECT_EQ(server_.deletes.load(), 0);
}

TEST_F(WorkflowRunnerTest, EveryAnswerGoesThroughThePerResponseChecks) {
  // No criterion looks at the body; the declared schema still does. The second request breaks
  // the path parameter's integer schema: it counts as an invalid case.
  auto results = run(R"(
workflows:
  - workflowId: checked
    steps:
      - stepId: unlucky
        operationId: getThing
        parameters: [{name: id, in: path, value: 13}]
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: wrongType
        operationId: getThing
        parameters: [{name: id, in: path, value: notanumber}]
)");
  const auto& r = results.at("checked");
  ASSERT_EQ(r.failures.size(), 1u) << failures(r);
  EXPECT_EQ(r.failures[0].check, "response_schema_conformance");
  EXPECT_THAT(r.failures[0].message, HasSubstr("step unlucky:"));
  EXPECT_THAT(r.failures[0].curl, HasSubstr("/things/13"));
  EXPECT_EQ(r.valid_sent, 1);
  EXPECT_EQ(r.invalid_sent, 1);
}

TEST_F(WorkflowRunnerTest, AWorkflowWithoutItsInputsIsNotRun) {
  auto results = run(R"(
workflows:
  - workflowId: needs
    inputs: {type: object, properties: {name: {type: string}, size: {type: integer, default: 3}}}
    steps:
      - stepId: make
        operationId: createThing
        requestBody: {payload: {name: $inputs.name, size: $inputs.size}}
)");
  EXPECT_THAT(results.at("needs").not_tested, HasSubstr("it needs the inputs name ("));
  EXPECT_TRUE(server_.names.empty());
}

}  // namespace
}  // namespace conform::arazzo
