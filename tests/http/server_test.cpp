#include "conform/http/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/raw_client.hpp"

namespace {

using conform::http::HttpLimits;
using conform::http::HttpRequest;
using conform::http::HttpResponse;
using conform::http::HttpServer;
using conform::test::RawClient;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;

// Answers "METHOD TARGET BODY"; a few paths behave otherwise.
HttpResponse answer(const HttpRequest& request) {
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = request.method + " " + request.target + " " + request.body;
  if (request.target == "/slow") response.delay = 1500ms;
  if (request.target == "/throw") throw std::runtime_error("boom");
  if (request.target == "/crlf") {
    response.headers.emplace_back("X-Bad", "a\r\nInjected: yes");
    response.headers.emplace_back("X-Good", "fine");
  }
  if (auto seen = request.header("x-test")) response.headers.emplace_back("X-Seen", *seen);
  if (request.target == "/nothing") response.status = 204;
  if (request.target == "/framing") {
    response.headers.emplace_back("Content-Length", "999");
    response.headers.emplace_back("Transfer-Encoding", "chunked");
    response.headers.emplace_back("Connection", "close");
  }
  return response;
}

HttpResponse refusal(int status, const std::string& why) {
  HttpResponse response;
  response.status = status;
  response.body = "refused: " + why;
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpLimits limits = {}) {
    serve(std::make_unique<HttpServer>(limits, answer, refusal));
  }

  // Binds `server` to a free port and serves it on two threads until TearDown.
  void serve(std::unique_ptr<HttpServer> server) {
    server_ = std::move(server);
    std::string why;
    auto port = server_->bind("127.0.0.1", 0, why);
    ASSERT_TRUE(port) << why;
    port_ = *port;
    serving_ = std::thread([this] { server_->serve(2); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (serving_.joinable()) serving_.join();
  }

  RawClient client() const { return RawClient(port_); }

  // One GET on a new connection; its answer.
  std::string get(const std::string& target) const {
    RawClient c = client();
    c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    return c.read_answers(1);
  }

  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  int port_ = 0;
};

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  RawClient c = client();
  ASSERT_TRUE(
      c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
             "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"));
  std::string answers = c.read_answers(3);
  ASSERT_EQ(conform::test::complete_answers(answers), 3) << answers;
  auto a = answers.find("GET /a ");
  auto b = answers.find("GET /b ");
  auto post = answers.find("POST /c xyz");
  ASSERT_NE(post, std::string::npos) << answers;
  EXPECT_LT(a, b);
  EXPECT_LT(b, post);
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  RawClient c = client();
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(c.send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nX-Test: v\r\n\r\n"));
    EXPECT_EQ(conform::test::complete_answers(c.read_answers(i)), i);
  }
  EXPECT_THAT(c.received(), HasSubstr("GET /n5 "));
  EXPECT_THAT(c.received(), HasSubstr("X-Seen: v"));
  EXPECT_FALSE(c.closed_within(100ms));
}

// With a thread per connection, 2,000 idle sockets made a new client wait 66 s.
TEST_F(HttpServerTest, ThousandsOfIdleAndStalledClientsDoNotDelayANewOne) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::min<rlim_t>(files.rlim_max, 8192);
  setrlimit(RLIMIT_NOFILE, &files);
  // Each connection takes a descriptor on both sides, in this one process.
  const int wanted = 2000;
  const int possible = static_cast<int>(files.rlim_cur / 2) - 100;
  if (possible < wanted) {
    GTEST_SKIP() << "this process may open " << files.rlim_cur << " files; the test needs "
                 << 2 * wanted + 200 << " (ulimit -n)";
  }
  start();
  std::vector<RawClient> idle;
  for (int i = 0; i < wanted; ++i) {
    idle.emplace_back(port_);
    ASSERT_TRUE(idle.back().connected()) << "connection " << i;
    // Half send nothing; half stall mid-header.
    if (i % 2 == 1) idle.back().send("GET /stalled HTTP/1.1\r\nHo");
  }
  std::string answer = get("/fresh");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(answer, HasSubstr("GET /fresh"));
}

TEST_F(HttpServerTest, AClientTricklingItsHeaderIsClosedAtTheHeaderTimeout) {
  HttpLimits limits;
  limits.header_timeout = 500ms;
  start(limits);
  RawClient slow = client();
  const std::string header = "GET /trickle HTTP/1.1\r\nX-Long: " + std::string(100, 'a');
  std::size_t sent = 0;
  bool closed = false;
  while (sent < 40 && !closed) {
    slow.send(header.substr(sent++, 1));
    // Others are served meanwhile.
    if (sent == 3) {
      EXPECT_THAT(get("/other"), StartsWith("HTTP/1.1 200"));
    }
    closed = slow.closed_within(50ms);
  }
  EXPECT_TRUE(closed) << "still open after " << sent << " bytes, one every 50 ms";
  EXPECT_THAT(slow.received(), Not(HasSubstr("/trickle")));
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  HttpLimits limits;
  limits.max_body_bytes = 100;
  start(limits);
  RawClient c = client();
  c.send("POST /e HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_THAT(c.read_until("\r\n\r\n"), StartsWith("HTTP/1.1 100 Continue"));
  c.send("hello");
  EXPECT_THAT(c.read_answers(2), HasSubstr("POST /e hello"));
  // Too large a body is refused at once, and never invited.
  RawClient large = client();
  large.send("POST /e HTTP/1.1\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n");
  std::string refused = large.read_answers(1);
  EXPECT_THAT(refused, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(refused, Not(HasSubstr("100 Continue")));
}

TEST_F(HttpServerTest, BodiesPastTheLimitAre413ChunkedOrNot) {
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  start(limits);
  RawClient declared = client();
  declared.send("POST /b HTTP/1.1\r\nContent-Length: 2000\r\n\r\n");
  EXPECT_THAT(declared.read_answers(1), StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(declared.received(), HasSubstr("too large"));
  EXPECT_TRUE(declared.closed_within(3s));

  RawClient chunked = client();
  const std::string chunk = "258\r\n" + std::string(600, 'x') + "\r\n";
  chunked.send("POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk +
               "0\r\n\r\n");
  EXPECT_THAT(chunked.read_answers(1), StartsWith("HTTP/1.1 413"));

  RawClient within = client();
  within.send(
      "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_THAT(within.read_answers(1), HasSubstr("POST /b abcde"));
}

TEST_F(HttpServerTest, HeadersPastTheLimitAre431) {
  HttpLimits limits;
  limits.max_header_bytes = 2048;
  start(limits);
  RawClient c = client();
  c.send("GET /h HTTP/1.1\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  EXPECT_THAT(c.read_answers(1), StartsWith("HTTP/1.1 431"));
  EXPECT_THAT(get("/after"), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndTheConnectionCloses) {
  start();
  for (const std::string& garbage :
       {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET /x HTTP/9.9\r\n\r\n"),
        std::string("\x00\xff\xfe garbage\r\n\r\n", 15),
        std::string("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")}) {
    RawClient c = client();
    c.send(garbage);
    EXPECT_THAT(c.read_answers(1), StartsWith("HTTP/1.1 400")) << garbage;
    EXPECT_THAT(c.received(), HasSubstr("refused: the request is not well-formed"));
    EXPECT_TRUE(c.closed_within(3s));
  }
}

TEST_F(HttpServerTest, HeadersThatWouldBreakTheFramingAreLeftOut) {
  start();
  std::string answer = get("/crlf");
  EXPECT_THAT(answer, HasSubstr("X-Good: fine"));
  EXPECT_THAT(answer, Not(HasSubstr("Injected")));
  EXPECT_THAT(answer, Not(HasSubstr("X-Bad")));
}

// RFC 9110: no Content-Length in a 204, and no body whatever the handler gave.
TEST_F(HttpServerTest, A204HasNeitherLengthNorBodyAndTheNextAnswerFollowsIt) {
  start();
  RawClient c = client();
  c.send("GET /nothing HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\n\r\n");
  std::string both = c.read_answers(2);
  auto end = both.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << both;
  EXPECT_THAT(both.substr(0, end), StartsWith("HTTP/1.1 204 No Content"));
  EXPECT_THAT(both.substr(0, end), Not(HasSubstr("Content-Length")));
  EXPECT_THAT(both.substr(end + 4), StartsWith("HTTP/1.1 200 OK"));
}

// The server frames each answer itself: a handler's Content-Length, Transfer-Encoding or
// Connection would have the client read the next answer as part of this one.
TEST_F(HttpServerTest, FramingHeadersFromTheHandlerAreLeftOut) {
  start();
  RawClient c = client();
  c.send("GET /framing HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\n\r\n");
  std::string both = c.read_answers(2);
  EXPECT_EQ(conform::test::complete_answers(both), 2) << both;
  EXPECT_THAT(both, HasSubstr("Content-Length: 13\r\n"));  // "GET /framing "
  EXPECT_THAT(both, Not(HasSubstr("999")));
  EXPECT_THAT(both, Not(HasSubstr("chunked")));
  EXPECT_THAT(both, Not(HasSubstr("close")));
  EXPECT_THAT(both, HasSubstr("GET /a "));
}

TEST_F(HttpServerTest, HeadSaysTheLengthAndSendsNoBody) {
  start();
  RawClient c = client();
  c.send("HEAD /a HTTP/1.1\r\n\r\n");
  std::string head = c.read_until("\r\n\r\n");
  EXPECT_THAT(head, HasSubstr("Content-Length: 8"));  // "HEAD /a "
  // The next answer on the connection starts right after the header: no body came between.
  c.send("GET /a HTTP/1.1\r\n\r\n");
  std::string both = c.read_answers(2);
  auto second = both.find("\r\n\r\n") + 4;
  EXPECT_THAT(both.substr(second), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, ADelayedAnswerDoesNotHoldUpOthers) {
  start();
  RawClient slow = client();
  slow.send("GET /slow HTTP/1.1\r\n\r\n");
  EXPECT_THAT(get("/fast"), StartsWith("HTTP/1.1 200"));
  EXPECT_FALSE(slow.has_data_now());
  EXPECT_THAT(slow.read_answers(1), HasSubstr("GET /slow"));
}

TEST_F(HttpServerTest, AHandlerThatThrowsGivesA500AndServingGoesOn) {
  start();
  std::string answer = get("/throw");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 500"));
  EXPECT_THAT(answer, HasSubstr("refused: boom"));
  EXPECT_THAT(get("/ok"), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  start();
  RawClient c = client();
  c.send("GET /bye HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(c.read_answers(1), HasSubstr("Connection: close"));
  EXPECT_TRUE(c.closed_within(3s));
}

TEST_F(HttpServerTest, StopEndsServingWithConnectionsOpen) {
  start();
  std::vector<RawClient> open;
  for (int i = 0; i < 10; ++i) open.emplace_back(port_);
  server_->stop();
  serving_.join();  // serve() returned
  server_.reset();  // and the connections close with the server
  for (auto& c : open) EXPECT_TRUE(c.closed_within(3s));
}

// Answers in parts from a thread of its own, as a proxy does: "/stream/N" sends N bytes in
// 64 KiB parts, chunked ("?length" announces the length instead); "/whole" answers at once;
// "/stall" starts and never sends more until the client leaves.
class StreamingServerTest : public HttpServerTest {
 protected:
  void SetUp() override {
    serve(std::make_unique<HttpServer>(
        HttpLimits{},
        [this](HttpRequest request, std::shared_ptr<conform::http::Reply> reply) {
          std::lock_guard lock(mutex_);
          producers_.emplace_back(
              [this, request = std::move(request), reply] { produce(request, *reply); });
        },
        refusal));
  }

  void TearDown() override {
    HttpServerTest::TearDown();
    std::lock_guard lock(mutex_);
    for (auto& producer : producers_) producer.join();
  }

  void produce(const HttpRequest& request, conform::http::Reply& reply) {
    if (request.target == "/whole") {
      HttpResponse whole;
      whole.body = "at once";
      return reply.send(whole);
    }
    const std::string path = request.target.substr(0, request.target.find('?'));
    const bool announce = request.target.find("?length") != std::string::npos;
    const std::size_t total = path.rfind("/stream/", 0) == 0 ? std::stoul(path.substr(8)) : 1;
    reply.start(200, {{"Content-Type", "application/octet-stream"}, {"Content-Length", "1"}},
                announce ? std::optional<std::uint64_t>(total) : std::nullopt);
    if (path == "/stall") {
      while (reply.write("x")) std::this_thread::sleep_for(1ms);
      client_gone_ = true;
      return reply.finish();
    }
    std::size_t sent = 0;
    while (sent < total) {
      std::size_t size = std::min<std::size_t>(64 * 1024, total - sent);
      if (!reply.write(std::string(size, static_cast<char>('a' + (sent / size) % 26)))) return;
      sent += size;
    }
    reply.finish();
  }

  std::mutex mutex_;
  std::vector<std::thread> producers_;
  std::atomic<bool> client_gone_{false};
};

TEST_F(StreamingServerTest, ALargeBodyArrivesWholeChunkedOrWithItsLength) {
  httplib::Client client("127.0.0.1", port_);
  for (std::string target : {"/stream/5000000", "/stream/5000000?length"}) {
    auto answer = client.Get(target);
    ASSERT_TRUE(answer) << target;
    EXPECT_EQ(answer->status, 200);
    ASSERT_EQ(answer->body.size(), 5000000u) << target;
    EXPECT_EQ(answer->body[64 * 1024], 'b');
    // The framing is the server's own: the producer's Content-Length is not sent.
    EXPECT_EQ(answer->has_header("Transfer-Encoding"), target.find("length") == std::string::npos);
  }
  auto whole = client.Get("/whole");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body, "at once");
}

TEST_F(StreamingServerTest, HeadGetsTheAnnouncedLengthAndNoBody) {
  RawClient c(port_);
  c.send("HEAD /stream/300000?length HTTP/1.1\r\n\r\nGET /whole HTTP/1.1\r\n\r\n");
  std::string both = c.read_until("at once");
  EXPECT_THAT(both, HasSubstr("Content-Length: 300000"));
  auto second = both.find("\r\n\r\n") + 4;
  EXPECT_THAT(both.substr(second), StartsWith("HTTP/1.1 200"));
}

TEST_F(StreamingServerTest, AProducerLearnsThatTheClientLeft) {
  {
    RawClient c(port_);
    c.send("GET /stall HTTP/1.1\r\n\r\n");
    c.read_until("\r\n\r\n");
  }
  // The producer outruns the client until the queue is full, then waits; closing the
  // connection makes a write fail, and its next write() returns false.
  for (int i = 0; i < 100 && !client_gone_; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(client_gone_);
}

TEST(HttpServer, AnAddressInUseIsRefusedWithTheReason) {
  HttpServer first({}, answer, refusal);
  std::string why;
  auto port = first.bind("127.0.0.1", 0, why);
  ASSERT_TRUE(port);
  HttpServer second({}, answer, refusal);
  EXPECT_FALSE(second.bind("127.0.0.1", *port, why));
  EXPECT_THAT(why, HasSubstr("in use"));
  EXPECT_FALSE(second.bind("no-such-host.invalid", 0, why));
}

}  // namespace
