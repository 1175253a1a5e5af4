#include "conform/cases/saved_case.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conform/cases/replay.hpp"
#include "conform/core/error.hpp"
#include "conform/transport/auth.hpp"

namespace conform::cases {
namespace {

using ::testing::HasSubstr;

// Text with what a shell line must quote: quotes, spaces, "$", "\", and non-ASCII.
rc::Gen<std::string> awkward_text() {
  return rc::gen::container<std::string>(
      rc::gen::elementOf(std::string("ab '\"$\\{}:;=&/\xC3\xA9")));
}

// Whatever the request, the curl line the run prints reads back as the request it sent, the
// credential as ${CONFORM_TOKEN}.
RC_GTEST_PROP(SavedCase, TheCurlLineReadsBackAsTheRequest, ()) {
  gen::Request request;
  request.method = *rc::gen::elementOf(std::vector<std::string>{"GET", "POST", "PUT", "DELETE"});
  request.path = "/" + gen::percent_encode(*awkward_text());
  const auto names = *rc::gen::container<std::vector<std::string>>(
      rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('a', 'z'))));
  for (const auto& name : names) {
    request.query.emplace_back(name, gen::percent_encode(*awkward_text()));
    request.headers.emplace_back("X-" + name, *awkward_text());
  }
  if (*rc::gen::arbitrary<bool>()) {
    request.content_type = "application/json";
    request.body = *awkward_text();
  }
  transport::Auth auth{transport::Auth::Kind::bearer, "", "s3cr3t-token", true};
  const std::string line = transport::curl_line("http://h:1/base", request, auth);
  auto saved = request_from_curl(line, "http://h:1/base");
  RC_ASSERT(saved.has_value());
  gen::Request expected = request;
  expected.headers.emplace_back("Authorization", "Bearer ${CONFORM_TOKEN}");
  RC_ASSERT(saved->request == expected);
}

TEST(SavedCase, OnlyALineOfTheRunsTargetReadsBack) {
  EXPECT_FALSE(request_from_curl("curl -X GET 'http://other/x'", "http://h").has_value());
  EXPECT_FALSE(request_from_curl("wget http://h/x", "http://h").has_value());
  EXPECT_FALSE(request_from_curl("curl -X GET 'http://h/x", "http://h").has_value());
  auto basic =
      request_from_curl("curl -X GET -u '\"${CONFORM_TOKEN}\"' 'http://h/x?a=1&b'", "http://h");
  ASSERT_TRUE(basic.has_value());
  EXPECT_EQ(basic->basic, "\"${CONFORM_TOKEN}\"");
  EXPECT_EQ(basic->request.target(), "/x?a=1&b=");
}

TEST(SavedCase, TheFileReadsBackAndABadOneSaysWhere) {
  auto saved = request_from_curl(
      "curl -X POST -H 'Authorization: Bearer '\"${CONFORM_TOKEN}\"'' -H 'Content-Type: "
      "application/json' --data-binary '{\"a\":1}' 'http://h/things'",
      "http://h");
  ASSERT_TRUE(saved.has_value());
  saved->spec = "api.yaml";
  saved->operation = "createThing";
  saved->test = "fuzzing";
  saved->check = "response_schema_conformance";
  saved->status = 201;
  saved->seed = 18446744073709551615u;
  nlohmann::json json = to_json(*saved);
  SavedCase back = saved_case_from(json, "c.json");
  EXPECT_EQ(back.request, saved->request);
  EXPECT_EQ(back.seed, saved->seed);
  EXPECT_EQ(back.status, 201);
  EXPECT_EQ(back.file, "c.json");

  json["request"]["headers"][0] = "not a pair";
  try {
    saved_case_from(json, "c.json");
    ADD_FAILURE() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().pointer, "/request/headers/0");
  }
  json.erase("check");
  try {
    saved_case_from(json, "c.json");
    ADD_FAILURE() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().pointer, "/check");
  }
}

// The summary the engine writes for a case, read back into what the checks look at.
TEST(SavedCase, TheCaseSummaryReadsBack) {
  gen::RequestCase valid = case_of_summary("fuzzing, valid");
  EXPECT_EQ(valid.phase, "fuzzing");
  EXPECT_FALSE(valid.negative);
  gen::RequestCase invalid = case_of_summary("coverage, invalid: wrong_type at body /name");
  EXPECT_EQ(invalid.phase, "coverage");
  EXPECT_TRUE(invalid.negative);
  EXPECT_EQ(invalid.mutation, "wrong_type");
  EXPECT_EQ(invalid.where, "body /name");
}

}  // namespace
}  // namespace conform::cases
