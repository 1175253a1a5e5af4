#include "conform/proxy/credentials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/paths.hpp"

namespace conform::proxy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// generic.yaml: an API key in X-Api-Key, http basic, an API key in the cookie `session`.
const spec::Spec& generic() {
  static const spec::Spec spec = spec::Spec::load(test::data("generic.yaml").string());
  return spec;
}

Exchange carrying(transport::HeaderList request_headers, std::string target = "/v2/things") {
  Exchange exchange;
  exchange.method = "GET";
  exchange.target = std::move(target);
  exchange.request_headers = std::move(request_headers);
  exchange.status = 200;
  return exchange;
}

TEST(Credentials, EachPlaceACredentialTravelsIsMaskedWhereItStands) {
  Credentials credentials(generic());
  Exchange exchange = carrying({{"X-Api-Key", "key-0123456789"},
                                {"Authorization", "Basic dXNlcjpwYXNzd29yZA=="},
                                {"Cookie", "session=abc; theme=dark"},
                                {"Accept", "application/json"}});
  exchange.response_headers = {{"Set-Cookie", "session=new-session-value; Path=/; HttpOnly"}};
  credentials.learn(exchange);
  Exchange masked = credentials.masked(exchange);
  EXPECT_EQ(masked.request_headers[0].second, "${CONFORM_TOKEN}");
  EXPECT_EQ(masked.request_headers[1].second, "Basic ${CONFORM_TOKEN}");
  EXPECT_EQ(masked.request_headers[2].second, "session=${CONFORM_TOKEN}; theme=${CONFORM_TOKEN}");
  EXPECT_EQ(masked.request_headers[3].second, "application/json");
  EXPECT_EQ(masked.response_headers[0].second, "session=${CONFORM_TOKEN}; Path=/; HttpOnly");
}

TEST(Credentials, ALearntCredentialIsHiddenWhereverItAppearsLater) {
  Credentials credentials(generic());
  credentials.learn(carrying({{"X-Api-Key", "key-0123456789"}}));
  Exchange echo = carrying({}, "/v2/things?note=key-0123456789");
  echo.response_body = R"({"echo":"key-0123456789","token":"another-secret"})";
  Exchange masked = credentials.masked(echo);
  EXPECT_EQ(masked.target, "/v2/things?note=${CONFORM_TOKEN}");
  EXPECT_THAT(masked.response_body, Not(HasSubstr("key-0123456789")));
  // A member named like a credential is masked even when no request carried it.
  EXPECT_THAT(masked.response_body, Not(HasSubstr("another-secret")));
  EXPECT_EQ(credentials.hide("x key-0123456789 y"), "x ${CONFORM_TOKEN} y");
}

TEST(Credentials, AShortValueIsMaskedInPlaceButNotHuntedElsewhere) {
  Credentials credentials(generic());
  Exchange exchange = carrying({{"X-Api-Key", "1"}});
  exchange.response_body = R"({"count":1})";
  credentials.learn(exchange);
  Exchange masked = credentials.masked(exchange);
  EXPECT_EQ(masked.request_headers[0].second, "${CONFORM_TOKEN}");
  EXPECT_EQ(masked.response_body, R"({"count":1})");
}

TEST(Credentials, PastAThousandValuesTheyAreMaskedWhereTheyStandOnly) {
  Credentials credentials(generic());
  for (int i = 0; i < 1001; ++i) {
    credentials.learn(carrying({{"X-Api-Key", "key-" + std::to_string(i) + "-end"}}));
  }
  EXPECT_EQ(credentials.hide("key-999-end"), "${CONFORM_TOKEN}");
  EXPECT_EQ(credentials.hide("key-1000-end"), "key-1000-end");
  EXPECT_EQ(credentials.masked(carrying({{"X-Api-Key", "key-1000-end"}})).request_headers[0].second,
            "${CONFORM_TOKEN}");
}

TEST(Credentials, AnApiKeyInTheQueryIsMaskedByName) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-query-key-" + std::to_string(getpid()) + ".json");
  std::ofstream(file) << R"({"openapi":"3.0.3","info":{"title":"t","version":"1"},
        "components":{"securitySchemes":{"q":{"type":"apiKey","in":"query","name":"api_key"}}},
        "paths":{}})";
  const spec::Spec spec = spec::Spec::load(file);
  std::filesystem::remove(file);
  Credentials credentials(spec);
  Exchange exchange = carrying({}, "/a?api_key=s3cr3t-value&page=2");
  credentials.learn(exchange);
  EXPECT_EQ(credentials.masked(exchange).target, "/a?api_key=${CONFORM_TOKEN}&page=2");
  EXPECT_EQ(credentials.hide("s3cr3t-value"), "${CONFORM_TOKEN}");
}

}  // namespace
}  // namespace conform::proxy
