#include "conform/transport/auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "support/paths.hpp"

namespace conform::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

spec::Spec with_schemes(const std::string& schemes, const std::string& security) {
  // One file per call and process: ctest runs the tests of this file in parallel processes.
  static int calls = 0;
  auto path =
      std::filesystem::temp_directory_path() /
      ("conform-auth-test-" + std::to_string(getpid()) + "-" + std::to_string(++calls) + ".json");
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::string text = R"({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": )" +
                     schemes + R"(},
    "security": )" + security +
                     R"(,
    "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}}})";
  std::fputs(text.c_str(), f);
  std::fclose(f);
  auto spec = spec::Spec::load(path);
  std::filesystem::remove(path);
  return spec;
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

// Basic credentials: the token is "user:password", sent base64-encoded, reproduced with -u and
// never shown in either form.
TEST(Auth, SendsBasicCredentialsAndReproducesThemWithCurlsUserOption) {
  auto basic = with_schemes(R"({"b": {"type": "http", "scheme": "Basic"}})", R"([{"b": []}])");
  Auth auth = auth_for(basic, basic.operations()[0], "alice:s3cr3t-Passw0rd");
  ASSERT_EQ(auth.kind, Auth::Kind::basic);
  gen::Request request;
  request.method = "GET";
  request.path = "/x";
  auto sent = with_auth(request, auth);
  ASSERT_EQ(sent.headers.size(), 1u);
  EXPECT_EQ(sent.headers[0].second, "Basic YWxpY2U6czNjcjN0LVBhc3N3MHJk");
  std::string line = curl_line("http://h", request, auth);
  EXPECT_THAT(line, HasSubstr("-u ''\"${CONFORM_TOKEN}\"''"));
  EXPECT_THAT(line, Not(HasSubstr("s3cr3t")));
  EXPECT_EQ(redact("Authorization: Basic YWxpY2U6czNjcjN0LVBhc3N3MHJk", auth.secret),
            "Authorization: Basic ${CONFORM_TOKEN}");
}

TEST(Auth, OAuthAndOpenIdConnectTokensTravelAsBearerTokens) {
  auto oauth = with_schemes(
      R"({"o": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}}})",
      R"([{"o": []}])");
  EXPECT_EQ(auth_for(oauth, oauth.operations()[0], "t").kind, Auth::Kind::bearer);
  auto oidc = with_schemes(R"({"o": {"type": "openIdConnect", "openIdConnectUrl": "https://t"}})",
                           R"([{"o": []}])");
  EXPECT_EQ(auth_for(oidc, oidc.operations()[0], "t").kind, Auth::Kind::bearer);
}

TEST(Auth, SaysWhyNoCredentialIsSent) {
  auto mtls = with_schemes(R"({"m": {"type": "mutualTLS"}})", R"([{"m": []}])");
  EXPECT_THAT(unsatisfiable_security(mtls, mtls.operations()[0], "t"),
              HasSubstr("'m' (mutualTLS)"));
  auto bearer = with_schemes(R"({"b": {"type": "http", "scheme": "bearer"}})", R"([{"b": []}])");
  EXPECT_EQ(unsatisfiable_security(bearer, bearer.operations()[0], "t"), "");
  EXPECT_THAT(unsatisfiable_security(bearer, bearer.operations()[0], ""),
              HasSubstr("no token is set"));
  auto anonymous = with_schemes(R"({})", R"([])");
  EXPECT_EQ(unsatisfiable_security(anonymous, anonymous.operations()[0], ""), "");
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
