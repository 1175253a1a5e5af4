#include "conform/transport/auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "support/paths.hpp"

namespace conform::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

spec::Spec with_schemes(const std::string& schemes, const std::string& security) {
  auto path = std::filesystem::temp_directory_path() / "conform-auth-test.json";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::string text = R"({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": )" +
                     schemes + R"(},
    "security": )" + security +
                     R"(,
    "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}}})";
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return spec::Spec::load(path);
}

TEST(Auth, FollowsTheSecurityScheme) {
  auto bearer = with_schemes(R"({"b": {"type": "http", "scheme": "bearer"}})", R"([{"b": []}])");
  EXPECT_EQ(auth_for(bearer, bearer.operations()[0], "t").kind, Auth::Kind::bearer);
  auto header = with_schemes(R"({"k": {"type": "apiKey", "in": "header", "name": "X-Key"}})",
                             R"([{"k": []}])");
  Auth h = auth_for(header, header.operations()[0], "t");
  EXPECT_EQ(h.kind, Auth::Kind::header);
  EXPECT_EQ(h.name, "X-Key");
  auto query = with_schemes(R"({"k": {"type": "apiKey", "in": "query", "name": "api_key"}})",
                            R"([{"k": []}])");
  EXPECT_EQ(auth_for(query, query.operations()[0], "t").kind, Auth::Kind::query);
  auto anonymous = with_schemes(R"({})", R"([])");
  EXPECT_EQ(auth_for(anonymous, anonymous.operations()[0], "t").kind, Auth::Kind::none);
}

// Dot segments reach the server as they are, and the reproduce line says so to curl.
TEST(Auth, CurlLinesKeepDotSegments) {
  gen::Request dots{"GET", "/things/..", {}, {}, {}, std::nullopt, std::nullopt};
  EXPECT_THAT(curl_line("http://h", dots, {}),
              ::testing::HasSubstr("--path-as-is 'http://h/things/..'"));
  gen::Request plain{"GET", "/things/a.b", {}, {}, {}, std::nullopt, std::nullopt};
  EXPECT_THAT(curl_line("http://h", plain, {}),
              ::testing::Not(::testing::HasSubstr("--path-as-is")));
}

// Without a token requests go without credentials, not with an empty "Bearer ".
TEST(Auth, NoTokenMeansNoCredential) {
  auto bearer = with_schemes(R"({"b": {"type": "http", "scheme": "bearer"}})", R"([{"b": []}])");
  EXPECT_EQ(auth_for(bearer, bearer.operations()[0], "").kind, Auth::Kind::none);
}

TEST(Auth, AddsTheCredentialWhereItBelongs) {
  gen::Request request{"GET", "/x", {}, {}, {}, std::nullopt, std::nullopt};
  EXPECT_EQ(with_auth(request, {Auth::Kind::bearer, "Authorization", "t"}).headers.at(0).second,
            "Bearer t");
  EXPECT_EQ(with_auth(request, {Auth::Kind::query, "api key", "a/b"}).target(),
            "/x?api%20key=a%2Fb");
  EXPECT_EQ(with_auth(request, {Auth::Kind::cookie, "sid", "t"}).cookies.at(0).first, "sid");
}

TEST(Auth, TheSecretNeverAppearsInACurlLine) {
  gen::Request request{
      "POST", "/x", {{"q", "1"}}, {}, {}, "application/json", R"({"it's": "quoted"})"};
  for (Auth auth : {Auth{Auth::Kind::bearer, "Authorization", "s3cr3t/+="},
                    Auth{Auth::Kind::query, "key", "s3cr3t/+="},
                    Auth{Auth::Kind::header, "X-Key", "s3cr3t/+="}}) {
    std::string line = curl_line("http://h:1", request, auth);
    EXPECT_THAT(line, Not(HasSubstr("s3cr3t")));
    EXPECT_THAT(line, Not(HasSubstr("s3cr3t%2F")));
    EXPECT_THAT(line, HasSubstr("${CONFORM_TOKEN}"));
    EXPECT_THAT(line, HasSubstr("'http://h:1/x?"));
  }
}

TEST(Auth, CurlLinesAreValidShell) {
  gen::Request request{"POST", "/x", {}, {}, {}, "application/json", R"({"it's": "a\"b"})"};
  std::string line = curl_line("http://h:1", request, {Auth::Kind::bearer, "Authorization", "tok"});
  // Replace curl with printf to see what the shell would pass.
  std::string command = "CONFORM_TOKEN=tok; set -- " + line.substr(5) + "; printf '%s\\n' \"$@\"";
  FILE* shell = popen(("/bin/sh -c " + std::string("'") +
                       [&] {
                         std::string quoted;
                         for (char c : command)
                           quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
                         return quoted;
                       }() +
                       "'")
                          .c_str(),
                      "r");
  ASSERT_NE(shell, nullptr);
  std::string out;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, shell)) out += buffer;
  pclose(shell);
  EXPECT_THAT(out, HasSubstr("Authorization: Bearer tok\n"));
  EXPECT_THAT(out, HasSubstr(R"({"it's": "a\"b"})"));
}

TEST(Auth, RedactCoversThePercentEncodedForm) {
  EXPECT_EQ(redact("a s/+ b s%2F%2B c", "s/+"), "a ${CONFORM_TOKEN} b ${CONFORM_TOKEN} c");
  EXPECT_EQ(redact("nothing", ""), "nothing");
}

}  // namespace
}  // namespace conform::transport
