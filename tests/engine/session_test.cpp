#include "conform/engine/session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "support/local_servers.hpp"
#include "support/paths.hpp"

namespace conform::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kToken = "run-token-0123456789";
const std::string kKey = "made-key-9876543210";

// An answer that echoes whatever Authorization it got.
struct EchoServer {
  std::atomic<int> requests{0};
  test::LocalServer server{[this](httplib::Server& s) {
    s.Get(R"(.*)", [this](const httplib::Request& request, httplib::Response& response) {
      ++requests;
      response.set_content("{\"seen\": \"" + request.get_header_value("Authorization") + "\"}",
                           "application/json");
    });
  }};
};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : transport_(options_for(echo_.server.url())) {
    run_.token = kToken;
    list_ = spec_.find_operation("listApiKeys");
    other_ = spec_.find_operation("listSshKeys");
  }

  static transport::TransportOptions options_for(const std::string& url) {
    transport::TransportOptions options;
    options.base_url = url;
    return options;
  }

  EchoServer echo_;
  spec::Spec spec_ = spec::Spec::load(test::source("spec/openapi.json"));
  transport::Transport transport_;
  RunOptions run_;
  const spec::Operation* list_ = nullptr;
  const spec::Operation* other_ = nullptr;
};

TEST_F(SessionTest, SendsWithTheRunsTokenOrAKeyAndHidesBoth) {
  ASSERT_NE(list_, nullptr);
  Session session(spec_, transport_, run_);
  gen::Request request;
  request.method = "GET";
  request.path = "/api/v0/auth/apikeys/";

  auto with_token = session.send(*list_, request);
  ASSERT_TRUE(with_token.response);
  EXPECT_THAT(with_token.response->body, HasSubstr(kToken));
  EXPECT_THAT(session.excerpt(with_token), Not(HasSubstr(kToken)));
  EXPECT_THAT(session.excerpt(with_token), HasSubstr("${CONFORM_TOKEN}"));

  auto with_key = session.send(*list_, request, kKey);
  ASSERT_TRUE(with_key.response);
  EXPECT_THAT(with_key.response->body, HasSubstr(kKey));
  EXPECT_THAT(session.excerpt(with_key, kKey), HasSubstr("${CONFORM_NEW_KEY}"));
  std::string curl = session.curl(request, session.credential(*list_, kKey), kKey);
  EXPECT_THAT(curl, Not(HasSubstr(kKey)));
  EXPECT_THAT(curl, HasSubstr("${CONFORM_NEW_KEY}"));
  EXPECT_THAT(session.curl(request, session.credential(*list_)), HasSubstr("${CONFORM_TOKEN}"));
  EXPECT_EQ(echo_.requests.load(), 2);
}

TEST_F(SessionTest, RefusesAnOperationTheSelectionLeavesOutAndSendsNothing) {
  ASSERT_NE(other_, nullptr);
  run_.callable = std::set<const spec::Operation*>{list_};
  Session session(spec_, transport_, run_);
  gen::Request request;
  request.method = "GET";
  request.path = "/api/v0/ssh/";
  EXPECT_THROW(session.send(*other_, request), std::logic_error);
  EXPECT_EQ(echo_.requests.load(), 0);
  request.path = "/api/v0/auth/apikeys/";
  EXPECT_TRUE(session.send(*list_, request).response);
  EXPECT_EQ(echo_.requests.load(), 1);
}

}  // namespace
}  // namespace conform::engine
