#include "conform/proxy/traffic_judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::proxy {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// generic.yaml: /things (listThings, createThing), /things/{id} (getThing, deleteThing), under
// the base path /v2, an API key in X-Api-Key.
class TrafficJudgeTest : public ::testing::Test {
 protected:
  TrafficJudgeTest()
      : spec_(spec::Spec::load(test::data("generic.yaml").string())),
        schemas_(spec_),
        credentials_(spec_) {}

  TrafficJudge judge(std::size_t max_failures = 1000) {
    JudgeOptions options;
    for (const auto& c : checks::catalogue()) {
      if (c.check != nullptr && c.name != "max_response_time") options.checks.emplace(c.name);
    }
    options.base_path = spec_.base_path();
    options.target = "http://target";
    options.max_response_bytes = 100;
    options.max_failures_per_operation = max_failures;
    return TrafficJudge(spec_, schemas_, credentials_, options);
  }

  static Exchange exchange(std::string method, std::string target, int status,
                           std::string response_body, std::string request_body = "") {
    Exchange x;
    x.method = std::move(method);
    x.target = std::move(target);
    x.request_headers = {{"X-Api-Key", "key-0123456789"}};
    if (!request_body.empty()) x.request_headers.emplace_back("Content-Type", "application/json");
    x.request_body = std::move(request_body);
    x.status = status;
    x.response_headers = {{"Content-Type", "application/json"}};
    x.response_body = std::move(response_body);
    x.response_bytes = x.response_body.size();
    return x;
  }

  static const report::TestRecord& test_of(const report::RunResults& results,
                                           const std::string& suite) {
    for (const auto& t : results.tests) {
      if (t.suite == suite) return t;
    }
    throw std::runtime_error("no test " + suite);
  }

  spec::Spec spec_;
  schema::SpecSchemas schemas_;
  Credentials credentials_;
};

TEST_F(TrafficJudgeTest, AnAnswerThatBreaksItsSchemaFailsInItsOperationsTest) {
  TrafficJudge j = judge();
  j.judge(exchange("GET", "/v2/things/7", 200, R"({"name":7})"));
  j.judge(exchange("GET", "/v2/things/8", 200, R"({"name":"fine"})"));
  auto results = j.results(1, false);
  const auto& test = test_of(results, "getThing");
  EXPECT_EQ(test.result.sent, 2);
  EXPECT_EQ(test.result.valid_sent, 2);
  ASSERT_THAT(test.result.failures, SizeIs(1));
  EXPECT_EQ(test.result.failures[0].check, "response_schema_conformance");
  EXPECT_THAT(test.result.failures[0].message, HasSubstr("expected string, got integer 7"));
  EXPECT_THAT(test.result.failures[0].curl, HasSubstr("http://target/v2/things/7"));
  // The credential is shown as its placeholder.
  EXPECT_THAT(test.result.failures[0].curl, HasSubstr("${CONFORM_TOKEN}"));
  EXPECT_THAT(test.result.failures[0].curl, Not(HasSubstr("key-0123456789")));
}

TEST_F(TrafficJudgeTest, AnInvalidRequestMustBeRefusedAndAValidOneAccepted) {
  TrafficJudge j = judge();
  j.judge(exchange("POST", "/v2/things", 201, R"({"name":"x"})", R"({"name":""})"));
  // The declared problem answer.
  auto refused = [](std::string body) {
    Exchange x = exchange("POST", "/v2/things", 400, R"({"type":"t","title":"t","status":400})",
                          std::move(body));
    x.response_headers = {{"Content-Type", "application/problem+json"}};
    return x;
  };
  j.judge(refused(R"({"name":"ok"})"));
  j.judge(refused(R"({"name":3})"));
  auto results = j.results(1, false);
  const auto& test = test_of(results, "createThing");
  EXPECT_EQ(test.result.invalid_sent, 2);
  EXPECT_EQ(test.result.valid_sent, 1);
  ASSERT_THAT(test.result.failures, SizeIs(1));
  EXPECT_EQ(test.result.failures[0].check, "negative_data_rejection");
  EXPECT_THAT(test.result.failures[0].message, HasSubstr("body /name"));
  // The valid request's refusal is a status createThing declares: a rule the schema does not
  // state, an advisory.
  ASSERT_THAT(test.result.advisories, SizeIs(1));
  EXPECT_EQ(test.result.advisories[0].check, "positive_data_acceptance");
}

TEST_F(TrafficJudgeTest, AnUndeclaredStatusOfStateOrCredentialIsAnAdvisory) {
  TrafficJudge j = judge();
  // deleteThing declares 204 and 404; getThing's `default` covers all. createThing: 201, 400,
  // 401. listThings: 200 and 401, and asks for the API key.
  j.judge(exchange("POST", "/v2/things", 409, "{}", R"({"name":"taken"})"));
  j.judge(exchange("GET", "/v2/things", 403, "{}"));
  j.judge(exchange("GET", "/v2/things", 202, "[]"));
  auto results = j.results(1, false);
  const auto& create = test_of(results, "createThing").result;
  EXPECT_THAT(create.failures, IsEmpty());
  ASSERT_THAT(create.advisories, SizeIs(1));
  EXPECT_EQ(create.advisories[0].check, "status_code_conformance");
  const auto& list = test_of(results, "listThings").result;
  ASSERT_THAT(list.advisories, SizeIs(1));
  EXPECT_EQ(list.advisories[0].status, 403);
  // A 2XX the operation does not declare is the server's own doing: a failure.
  ASSERT_THAT(list.failures, SizeIs(1));
  EXPECT_EQ(list.failures[0].status, 202);
}

TEST_F(TrafficJudgeTest, AValidRequestRefusedWithAnUndeclaredStatusFails) {
  TrafficJudge j = judge();
  // getThing declares 200, 404 and a default: listThings declares no 422.
  j.judge(exchange("GET", "/v2/things", 422, "{}"));
  auto results = j.results(1, false);
  const auto& test = test_of(results, "listThings");
  std::vector<std::string> found;
  for (const auto& f : test.result.failures) found.push_back(f.check);
  EXPECT_THAT(found, ::testing::Contains("positive_data_acceptance"));
  EXPECT_THAT(found, ::testing::Contains("status_code_conformance"));
}

TEST_F(TrafficJudgeTest, ARequestNoOperationDescribesIsAnAdvisoryApart) {
  TrafficJudge j = judge();
  j.judge(exchange("GET", "/v2/elsewhere", 404, "{}"));
  j.judge(exchange("PUT", "/v2/things", 405, "{}"));
  auto results = j.results(1, false);
  const auto& test = test_of(results, kUnmatchedSuite);
  EXPECT_THAT(test.result.failures, IsEmpty());
  ASSERT_THAT(test.result.advisories, SizeIs(2));
  EXPECT_THAT(test.result.advisories[0].message,
              HasSubstr("GET /v2/elsewhere matches no operation"));
  EXPECT_THAT(test.result.advisories[1].message, HasSubstr("the path has no PUT"));
  EXPECT_EQ(results.failures(), 0);
}

TEST_F(TrafficJudgeTest, WhatCouldNotBeJudgedIsSaidAndNotCountedAsAFailure) {
  TrafficJudge j = judge();
  Exchange down = exchange("GET", "/v2/things", 0, "");
  down.problem = transport::Problem::refused;
  down.detail = "Couldn't connect";
  j.judge(down);
  Exchange large = exchange("GET", "/v2/things/1", 200, R"({"name": 12345)");
  large.truncated = true;
  large.response_bytes = 5000;
  j.judge(large);
  Exchange left = exchange("GET", "/v2/things/2", 200, "{");
  left.problem = transport::Problem::other;
  left.abandoned = true;
  j.judge(left);
  auto results = j.results(1, false);
  ASSERT_THAT(test_of(results, "listThings").result.errors, SizeIs(1));
  EXPECT_EQ(test_of(results, "listThings").result.errors[0].check, "target_unreachable");
  const auto& get = test_of(results, "getThing").result;
  EXPECT_THAT(get.failures, IsEmpty());  // the body was cut for the checks, not by the server
  ASSERT_THAT(get.notes, SizeIs(2));
  EXPECT_THAT(get.notes[0], HasSubstr("larger than --max-response-bytes (100 bytes)"));
  EXPECT_THAT(get.notes[1], HasSubstr("1 answer was not judged"));
}

TEST_F(TrafficJudgeTest, OperationsNoRequestReachedAreSkippedWithWhy) {
  TrafficJudge j = judge();
  j.judge(exchange("GET", "/v2/things", 200, "[]"));
  auto results = j.results(1, false);
  EXPECT_EQ(results.tests.front().suite, "listThings");
  const auto& skipped = test_of(results, "deleteThing");
  EXPECT_EQ(skipped.result.not_tested, "no request reached it through the proxy");
  EXPECT_EQ(results.skipped(), static_cast<int>(spec_.operations().size()) - 1);
}

TEST_F(TrafficJudgeTest, ValidRequestsAllRefusedTestedTheCredentialNotTheOperation) {
  TrafficJudge j = judge();
  j.judge(exchange("GET", "/v2/things", 401, R"({"type":"t","title":"t","status":401})"));
  auto results = j.results(1, false);
  EXPECT_THAT(test_of(results, "listThings").result.not_exercised,
              HasSubstr("answered 401 or 403"));
}

TEST_F(TrafficJudgeTest, FailuresPastTheLimitAreCountedNotKept) {
  TrafficJudge j = judge(2);
  for (int i = 0; i < 5; ++i) j.judge(exchange("GET", "/v2/things/1", 200, R"({"name":1})"));
  auto results = j.results(1, false);
  const auto& get = test_of(results, "getThing").result;
  EXPECT_THAT(get.failures, SizeIs(2));
  ASSERT_THAT(get.notes, SizeIs(1));
  EXPECT_THAT(get.notes[0], HasSubstr("3 more failures"));
}

}  // namespace
}  // namespace conform::proxy
