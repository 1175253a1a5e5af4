// `conform run` against servers that answer as an attacker would: echoing the credential, nesting
// without end, sending bytes that are not text. The run ends with its reports written, and no
// output holds the credential, whole or in part.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "conform/core/text.hpp"
#include "support/local_servers.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform {
namespace {

using test::data;
using test::LocalServer;
using test::shell;
using ::testing::HasSubstr;
using ::testing::Not;

// Quotes of both kinds, so that shell quoting and JSON escaping each change how it is written.
const std::string kCanary = "Cq7'Zx\"9Lm2Rt8Vw4Np";
const std::string kPassword = "Pw9Kd3Hs7Qa1";

struct Outputs {
  int exit_code = -1;
  std::map<std::string, std::string> texts;  // console, junit, html, results, gtest
};

Outputs run_against(const std::string& url_with_userinfo, const std::string& extra = "") {
  auto dir = std::filesystem::temp_directory_path() /
             ("conform-hostile-" + std::to_string(getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  std::string command = "CONFORM_TOKEN=" + core::shell_quote(kCanary) +
                        " GTEST_OUTPUT=xml:" + (dir / "gtest.xml").string() + " " + CONFORM_BINARY +
                        " run --spec " + data("hostile-echo.yaml").string() + " --target " +
                        url_with_userinfo + " --seed 3 --max-examples 4 " + "--junit " +
                        (dir / "junit.xml").string() + " --html " + (dir / "report.html").string() +
                        " --results " + (dir / "results.json").string() + " " + extra;
  test::ShellResult ran = shell(command);
  Outputs out;
  out.exit_code = ran.exit_code;
  out.texts["console"] = ran.output;
  for (const char* file : {"junit.xml", "report.html", "results.json", "gtest.xml"}) {
    if (std::filesystem::exists(dir / file)) out.texts[file] = test::read_file(dir / file);
  }
  std::filesystem::remove_all(dir);
  return out;
}

// Every 8-character piece of the secret: a cut through it must not leave a recognisable part.
void expect_no_piece_of(const std::string& secret, const Outputs& outputs) {
  for (const auto& [name, text] : outputs.texts) {
    for (std::size_t i = 0; i + 8 <= secret.size(); ++i) {
      EXPECT_EQ(text.find(secret.substr(i, 8)), std::string::npos)
          << name << " holds '" << secret.substr(i, 8) << "' of a secret";
    }
  }
}

std::string with_userinfo(const LocalServer& server) {
  std::string url = server.url();
  return "http://conform:" + kPassword + "@" + url.substr(std::string("http://").size());
}

TEST(HostileServer, EchoedCredentialsAppearInNoOutput) {
  std::string bearer_json = nlohmann::json("Bearer " + kCanary).dump();
  LocalServer echo([&](httplib::Server& s) {
    s.Post("/echo", [&](const httplib::Request& request, httplib::Response& r) {
      std::string sent = request.get_header_value("Authorization");
      if (request.body.find("\"name\":") == std::string::npos) {
        r.status = 400;
        return;
      }
      static int answer = 0;
      switch (answer++ % 4) {
        case 0:  // a 400 to a valid request, the credential straddling the excerpt's cut
          r.status = 400;
          r.set_content(std::string(1010, ' ') + "{\"auth\": " + nlohmann::json(sent).dump() + "}",
                        "application/json");
          break;
        case 1:  // in a declared header's value, which breaks its schema
          r.set_header("X-Echo", sent);
          r.set_content(R"({"id": 1})", "application/json");
          break;
        case 2:  // as the content type
          r.set_content(R"({"id": 1})", "application/" + kCanary.substr(0, 2) + sent);
          break;
        default:  // JSON-escaped in a body that breaks the schema
          r.set_content("{\"id\": " + bearer_json + "}", "application/json");
      }
    });
  });
  Outputs outputs = run_against(with_userinfo(echo));
  EXPECT_EQ(outputs.exit_code, 1) << outputs.texts["console"];
  EXPECT_EQ(outputs.texts.size(), 5u) << "every report is written";
  expect_no_piece_of(kCanary, outputs);
  expect_no_piece_of(kPassword, outputs);
  EXPECT_THAT(outputs.texts["console"], HasSubstr("[redacted]@127.0.0.1"));
}

TEST(HostileServer, WrongCredentialOfTheAuthPhaseIsShownAsSent) {
  LocalServer open([](httplib::Server& s) {
    s.Post("/echo", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(R"({"id": 1})", "application/json");  // never refuses: ignores auth
    });
  });
  Outputs outputs = run_against(open.url(), "--phases auth");
  EXPECT_EQ(outputs.exit_code, 1) << outputs.texts["console"];
  EXPECT_THAT(outputs.texts["junit.xml"], HasSubstr("conform-invalid-credential"));
}

// One answer for every request.
LocalServer answering(int status, std::string body, std::string content_type) {
  return LocalServer([=](httplib::Server& s) {
    s.Post("/echo", [=](const httplib::Request&, httplib::Response& r) {
      r.status = status;
      r.set_content(body, content_type);
    });
  });
}

TEST(HostileServer, DeepBinaryAndCutTextAnswersEndInReportsNotCrashes) {
  std::string accented = "x";
  for (int i = 0; i < 700; ++i) accented += "\xc3\xa9";  // the 1,024-byte cut halves one
  std::string flood = R"({"id": 1, "tags": [)";          // 500,000 wrong items: 1 MB
  for (int i = 0; i < 500000; ++i) flood += i ? ",0" : "0";
  flood += "]}";
  struct Case {
    const char* what;
    int status;
    std::string body;
    const char* content_type;
    const char* junit_shows;
  };
  for (const Case& c :
       {Case{"nested 100,000 levels", 200, std::string(100000, '[') + std::string(100000, ']'),
             "application/json", "not well-formed JSON"},
        Case{"gzip bytes where JSON is declared", 200,
             std::string("\x1f\x8b\x08\x00\xff\xfe\x80", 7), "application/json", "\\x8B"},
        Case{"accented text cut by the excerpt", 500, accented, "text/plain", "more bytes]"},
        Case{"a flood of wrong items", 200, flood, "application/json",
             "body /tags/0: expected string"}}) {
    LocalServer server = answering(c.status, c.body, c.content_type);
    Outputs outputs = run_against(server.url(), "--phases fuzzing");
    EXPECT_EQ(outputs.exit_code, 1) << c.what << outputs.texts["console"];
    EXPECT_EQ(outputs.texts.size(), 5u) << c.what << outputs.texts["console"];
    EXPECT_THAT(outputs.texts["junit.xml"], HasSubstr(c.junit_shows)) << c.what;
    EXPECT_THAT(outputs.texts["console"], Not(HasSubstr("internal error"))) << c.what;
  }
  // The flood's failures beyond the first few are counted, not listed one by one.
  LocalServer server = answering(200, flood, "application/json");
  Outputs outputs = run_against(server.url(), "--phases coverage");
  EXPECT_THAT(outputs.texts["results.json"],
              ::testing::ContainsRegex("body: more than [0-9]+ more failures, not listed"));
}

// What curl has no words for is named: interim responses without end, headers past the limits.
TEST(HostileServer, EndlessInterimResponsesAndHugeHeadersAreNamed) {
  std::string interim;
  for (int i = 0; i < 1000; ++i) interim += "HTTP/1.1 100 Continue\r\n\r\n";
  test::RawServer continues(interim);
  Outputs a = run_against(continues.url(), "--phases fuzzing");
  EXPECT_EQ(a.exit_code, 1) << a.texts["console"];
  EXPECT_THAT(a.texts["junit.xml"], HasSubstr("interim 1xx responses"));
  test::RawServer huge_line("HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') +
                            "\r\nContent-Length: 2\r\n\r\n{}");
  Outputs b = run_against(huge_line.url(), "--phases fuzzing");
  EXPECT_EQ(b.exit_code, 1) << b.texts["console"];
  EXPECT_THAT(b.texts["junit.xml"], HasSubstr("header line is larger than curl accepts"));
  EXPECT_THAT(b.texts["junit.xml"], Not(HasSubstr("Out of memory")));
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "X-H" + std::to_string(i) + ": " + std::string(80, 'v') + "\r\n";
  test::RawServer many_lines("HTTP/1.1 200 OK\r\n" + many + "Content-Length: 2\r\n\r\n{}");
  Outputs c = run_against(many_lines.url(), "--phases fuzzing");
  EXPECT_EQ(c.exit_code, 1) << c.texts["console"];
  EXPECT_THAT(c.texts["junit.xml"], HasSubstr("response headers are larger than"));
}

}  // namespace
}  // namespace conform
