#include "conform/transport/forward.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "support/local_servers.hpp"

namespace conform::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Keeps what it is told; stops after `stop_after` bytes of body when set.
struct Kept : ForwardSink {
  int status = 0;
  HeaderList headers;
  std::string body;
  int parts = 0;
  std::size_t stop_after = 0;
  bool on_head(int s, const HeaderList& h) override {
    status = s;
    headers = h;
    return true;
  }
  bool on_body(std::string_view bytes) override {
    body.append(bytes);
    ++parts;
    return stop_after == 0 || body.size() < stop_after;
  }
};

Forwarder to(const std::string& url) {
  ForwardOptions options;
  options.base_url = url;
  options.stall_seconds = 5;
  return Forwarder(options);
}

TEST(Forwarder, PassesTheRequestOnAsTheClientSentIt) {
  test::RawServer target(
      "HTTP/1.1 201 Created\r\nX-Case-Kept: Yes\r\nContent-Length: 2\r\nConnection: "
      "close\r\n\r\nok");
  ForwardRequest request{"POST",
                         "/a/b?x=%2F&y",
                         {{"Host", "client.example"},
                          {"X-Custom-Name", "v"},
                          {"Authorization", "Bearer t"},
                          {"Connection", "close, X-Drop"},
                          {"X-Drop", "1"},
                          {"Content-Length", "3"},
                          {"X-Empty", ""}},
                         "abc",
                         true};
  Kept kept;
  ForwardOutcome outcome = to(target.url()).forward(request, kept);
  EXPECT_EQ(outcome.problem, Problem::none) << outcome.detail;
  const std::string sent = target.last_request();
  EXPECT_THAT(sent, StartsWith("POST /a/b?x=%2F&y HTTP/1.1\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nX-Custom-Name: v\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nAuthorization: Bearer t\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nX-Empty:"));
  EXPECT_THAT(sent, HasSubstr("\r\nContent-Length: 3\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nHost: 127.0.0.1:"));
  EXPECT_THAT(sent, Not(HasSubstr("client.example")));
  EXPECT_THAT(sent, Not(HasSubstr("X-Drop")));  // named by Connection: this hop's only
  // Nothing of curl's own: no Accept, Content-Type or Expect the client did not send.
  EXPECT_THAT(sent, Not(HasSubstr("Accept")));
  EXPECT_THAT(sent, Not(HasSubstr("Content-Type")));
  EXPECT_THAT(sent, Not(HasSubstr("Expect")));
  EXPECT_THAT(sent, Not(HasSubstr("User-Agent")));
  EXPECT_TRUE(sent.ends_with("\r\n\r\nabc"));
  EXPECT_EQ(kept.status, 201);
  EXPECT_THAT(kept.headers,
              testing::Contains(std::pair<std::string, std::string>("X-Case-Kept", "Yes")));
  EXPECT_EQ(kept.body, "ok");
}

TEST(Forwarder, StreamsALargeBodyInParts) {
  const std::size_t total = 3 * 1024 * 1024;
  test::LocalServer target([&](httplib::Server& s) {
    s.Get("/big", [&](const httplib::Request&, httplib::Response& r) {
      r.set_chunked_content_provider("application/octet-stream",
                                     [&](std::size_t offset, httplib::DataSink& sink) {
                                       if (offset >= total) {
                                         sink.done();
                                         return true;
                                       }
                                       std::string part(64 * 1024, 'z');
                                       return sink.write(part.data(), part.size());
                                     });
    });
  });
  Kept kept;
  ForwardOutcome outcome = to(target.url()).forward({"GET", "/big", {}, "", false}, kept);
  EXPECT_EQ(outcome.problem, Problem::none) << outcome.detail;
  EXPECT_EQ(kept.body.size(), total);
  EXPECT_GT(kept.parts, 10);

  // A sink that stops (its client left) ends the transfer.
  Kept leaving;
  leaving.stop_after = 100000;
  outcome = to(target.url()).forward({"GET", "/big", {}, "", false}, leaving);
  EXPECT_EQ(outcome.problem, Problem::other);
  EXPECT_THAT(outcome.detail, HasSubstr("client left"));
  EXPECT_TRUE(outcome.head_sent);
  EXPECT_LT(leaving.body.size(), total);
}

TEST(Forwarder, ATargetThatIsDownIsAProblemBeforeAnyHead) {
  Kept kept;
  ForwardOutcome outcome = to("http://127.0.0.1:" + std::to_string(test::free_port()))
                               .forward({"GET", "/", {}, "", false}, kept);
  EXPECT_EQ(outcome.problem, Problem::refused);
  EXPECT_FALSE(outcome.head_sent);
  EXPECT_EQ(kept.status, 0);
}

TEST(Forwarder, HopByHopHeadersAreThoseOfTheStandardAndThoseConnectionNames) {
  HeaderList headers = {{"Connection", "keep-alive, X-Private"}};
  EXPECT_TRUE(is_hop_by_hop("Transfer-Encoding", headers));
  EXPECT_TRUE(is_hop_by_hop("KEEP-ALIVE", headers));
  EXPECT_TRUE(is_hop_by_hop("x-private", headers));
  EXPECT_FALSE(is_hop_by_hop("Authorization", headers));
  EXPECT_FALSE(is_hop_by_hop("X-Private", {}));
}

}  // namespace
}  // namespace conform::transport
