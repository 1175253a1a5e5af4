#include "conform/proxy/har.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "conform/core/error.hpp"
#include "support/paths.hpp"

namespace conform::proxy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Exchange sample() {
  Exchange x;
  x.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764842400123));
  x.method = "POST";
  x.target = "/v2/things?a=1&b=x%20y";
  x.request_headers = {{"Content-Type", "application/json"}, {"Cookie", "theme=dark"}};
  x.request_body = R"({"name":"n"})";
  x.status = 201;
  x.response_headers = {{"Content-Type", "application/json"}, {"Location", "/v2/things/1"}};
  x.response_body = R"({"id":1})";
  x.response_bytes = 8;
  x.seconds = 0.25;
  return x;
}

TEST(HarEntry, HoldsTheExchangeInHar12sFields) {
  nlohmann::json entry = har_entry(sample(), "http://target/");
  EXPECT_EQ(entry["startedDateTime"], "2025-12-04T10:00:00.123Z");
  EXPECT_EQ(entry["time"], 250.0);
  EXPECT_EQ(entry["request"]["url"], "http://target/v2/things?a=1&b=x%20y");
  EXPECT_EQ(entry["request"]["queryString"][1]["value"], "x y");
  EXPECT_EQ(entry["request"]["cookies"][0]["name"], "theme");
  EXPECT_EQ(entry["request"]["postData"]["mimeType"], "application/json");
  EXPECT_EQ(entry["response"]["status"], 201);
  EXPECT_EQ(entry["response"]["statusText"], "Created");
  EXPECT_EQ(entry["response"]["redirectURL"], "/v2/things/1");
  EXPECT_EQ(entry["response"]["content"]["text"], R"({"id":1})");
  EXPECT_EQ(entry["timings"]["wait"], 250.0);
}

TEST(HarEntry, BytesThatAreNotUtf8AreBase64AndTheProxysOwnAnswerSaysWhy) {
  Exchange binary = sample();
  binary.response_body = std::string("\xff\xfe\x00\x01", 4);
  nlohmann::json entry = har_entry(binary, "http://target");
  EXPECT_EQ(entry["response"]["content"]["encoding"], "base64");
  EXPECT_EQ(entry["response"]["content"]["text"], "//4AAQ==");

  Exchange down = sample();
  down.status = 0;
  down.problem = transport::Problem::refused;
  down.detail = "Couldn't connect";
  entry = har_entry(down, "http://target");
  EXPECT_EQ(entry["response"]["status"], 502);
  EXPECT_THAT(entry["comment"].get<std::string>(), HasSubstr("the target did not answer"));
}

TEST(HarRecorder, TheFileAppearsWholeAtCloseWithEveryEntryMasked) {
  const spec::Spec spec = spec::Spec::load(test::data("generic.yaml").string());
  Credentials credentials(spec);
  const auto file =
      std::filesystem::temp_directory_path() / ("conform-har-" + std::to_string(getpid()) + ".har");
  std::filesystem::remove(file);
  {
    HarRecorder recorder(file, "http://target", credentials, "1.2.3");
    Exchange x = sample();
    x.request_headers.emplace_back("X-Api-Key", "key-0123456789");
    credentials.learn(x);
    for (int i = 0; i < 3; ++i) recorder.record(x);
    EXPECT_FALSE(std::filesystem::exists(file));  // not before it is complete
    std::string why;
    EXPECT_TRUE(recorder.close(why)) << why;
    EXPECT_EQ(recorder.entries(), 3u);
  }
  const std::string text = test::read_file(file);
  EXPECT_THAT(text, Not(HasSubstr("key-0123456789")));
  auto har = nlohmann::json::parse(text);
  EXPECT_EQ(har["log"]["version"], "1.2");
  EXPECT_EQ(har["log"]["creator"]["version"], "1.2.3");
  EXPECT_EQ(har["log"]["entries"].size(), 3u);
  std::filesystem::remove(file);
}

TEST(HarRecorder, AFileThatCannotBeWrittenIsAnInputError) {
  const spec::Spec spec = spec::Spec::load(test::data("generic.yaml").string());
  Credentials credentials(spec);
  EXPECT_THROW(HarRecorder("/nonexistent-dir/x.har", "http://t", credentials, "1"), core::Error);
}

}  // namespace
}  // namespace conform::proxy
