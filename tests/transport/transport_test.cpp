#include "conform/transport/transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "support/local_servers.hpp"

namespace conform::transport {
namespace {

using test::LocalServer;
using test::RawServer;

using ::testing::HasSubstr;

TransportOptions at(const std::string& url) {
  TransportOptions options;
  options.base_url = url;
  return options;
}

Outgoing get(const std::string& path) {
  Outgoing out;
  out.request.method = "GET";
  out.request.path = path;
  return out;
}

TEST(Transport, SendsAndReadsStatusHeadersAndBody) {
  LocalServer server([](httplib::Server& s) {
    s.Post("/echo", [](const httplib::Request& q, httplib::Response& r) {
      r.set_header("X-Seen-Auth", q.get_header_value("Authorization"));
      r.set_header("X-Length", q.get_header_value("Content-Length"));
      r.set_content(q.body, "application/json");
      r.status = 201;
    });
  });
  Transport transport(at(server.url() + "/"));
  Outgoing out;
  out.request.method = "POST";
  out.request.path = "/echo";
  out.request.content_type = "application/json";
  out.request.body = R"({"a":1})";
  out.auth = {Auth::Kind::bearer, "Authorization", "s3cret"};
  Exchange exchange = transport.send(out);
  ASSERT_TRUE(exchange.response) << exchange.detail;
  EXPECT_EQ(exchange.problem, Problem::none);
  EXPECT_EQ(exchange.response->status, 201);
  EXPECT_EQ(exchange.response->body, R"({"a":1})");
  EXPECT_EQ(exchange.response->header("content-type"), "application/json");
  EXPECT_EQ(exchange.response->header("x-seen-auth"), "Bearer s3cret");
  EXPECT_EQ(exchange.attempts, 1);

  // A POST without a body still says Content-Length: 0.
  out.request.body.reset();
  out.request.content_type.reset();
  EXPECT_EQ(transport.send(out).response->header("x-length"), "0");
}

// Handles are kept and reset between requests: nothing of one request (HEAD's lack of a body, a
// POST's body and headers) may reach the next.
TEST(Transport, NothingOfOneRequestReachesTheNext) {
  LocalServer server([](httplib::Server& s) {
    auto describe = [](const httplib::Request& q, httplib::Response& r) {
      r.set_content(q.method + " body=" + q.body + " type=" + q.get_header_value("Content-Type") +
                        " x=" + q.get_header_value("X-Once"),
                    "text/plain");
    };
    s.Get("/d", describe);
    s.Post("/d", describe);
  });
  TransportOptions options = at(server.url());
  options.max_in_flight = 1;  // one handle, used for every request
  Transport transport(options);
  Outgoing head = get("/d");
  head.request.method = "HEAD";
  Outgoing post = get("/d");
  post.request.method = "POST";
  post.request.body = "payload";
  post.request.content_type = "application/json";
  post.request.headers.emplace_back("X-Once", "yes");
  for (int round = 0; round < 3; ++round) {
    Exchange after_head = transport.send(std::vector<Outgoing>{head, get("/d")}).back();
    ASSERT_TRUE(after_head.response) << after_head.detail;
    EXPECT_EQ(after_head.response->body, "GET body= type= x=");
    auto answers = transport.send(std::vector<Outgoing>{post, get("/d")});
    ASSERT_TRUE(answers[0].response && answers[1].response);
    EXPECT_EQ(answers[0].response->body, "POST body=payload type=application/json x=yes");
    EXPECT_EQ(answers[1].response->body, "GET body= type= x=");
  }
}

// A path parameter "." or ".." is sent as such, not folded into another path by curl.
TEST(Transport, SendsThePathAsItIs) {
  LocalServer server([](httplib::Server& s) {
    s.Get(R"([\s\S]*)", [](const httplib::Request& q, httplib::Response& r) {
      r.set_content(q.path, "text/plain");
    });
  });
  Transport transport(at(server.url()));
  Exchange exchange = transport.send(get("/things/../x/./y"));
  ASSERT_TRUE(exchange.response) << exchange.detail;
  EXPECT_EQ(exchange.response->body, "/things/../x/./y");
}

TEST(Transport, ManyInFlightAnswersInOrder) {
  LocalServer server([](httplib::Server& s) {
    s.Get(R"(/n/(\d+))", [](const httplib::Request& q, httplib::Response& r) {
      r.set_content(q.matches[1].str(), "text/plain");
    });
  });
  TransportOptions options = at(server.url());
  options.max_in_flight = 8;
  Transport transport(options);
  std::vector<Outgoing> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(get("/n/" + std::to_string(i)));
  auto answers = transport.send(batch);
  ASSERT_EQ(answers.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(answers[i].response->body, std::to_string(i));
}

TEST(Transport, ARefusedConnectionIsAProblemNotAnException) {
  int port = 0;
  {
    LocalServer server([](httplib::Server&) {});
    port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
  }
  Transport transport(at("http://127.0.0.1:" + std::to_string(port)));
  Exchange exchange = transport.send(get("/"));
  EXPECT_FALSE(exchange.response);
  EXPECT_EQ(exchange.problem, Problem::refused);
  EXPECT_FALSE(exchange.detail.empty());
}

TEST(Transport, TimesOut) {
  LocalServer server([](httplib::Server& s) {
    s.Get("/slow", [](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      r.set_content("late", "text/plain");
    });
  });
  TransportOptions options = at(server.url());
  options.timeout_seconds = 0.2;
  Transport transport(options);
  EXPECT_EQ(transport.send(get("/slow")).problem, Problem::timeout);
}

TEST(Transport, CapsTheResponseSize) {
  LocalServer server([](httplib::Server& s) {
    s.Get("/huge", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(200000, 'x'), "text/plain");
    });
    s.Get("/stream", [](const httplib::Request&, httplib::Response& r) {
      r.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
        std::string block(65536, 'y');
        for (int i = 0; i < 8; ++i) {
          if (!sink.write(block.data(), block.size())) return false;
        }
        sink.done();
        return true;
      });
    });
  });
  TransportOptions options = at(server.url());
  options.max_response_bytes = 100000;
  Transport transport(options);
  auto sized = transport.send(get("/huge"));
  EXPECT_EQ(sized.problem, Problem::too_large);
  EXPECT_THAT(sized.detail, HasSubstr("100000"));
  EXPECT_EQ(transport.send(get("/stream")).problem, Problem::too_large);  // no Content-Length
}

TEST(Transport, RetriesA429AfterRetryAfter) {
  std::atomic<int> calls{0};
  LocalServer server([&](httplib::Server& s) {
    s.Get("/limited", [&](const httplib::Request&, httplib::Response& r) {
      if (++calls <= 2) {
        r.status = 429;
        r.set_header("Retry-After", "0");
        return;
      }
      r.set_content("ok", "text/plain");
    });
  });
  Transport transport(at(server.url()));
  Exchange exchange = transport.send(get("/limited"));
  ASSERT_TRUE(exchange.response);
  EXPECT_EQ(exchange.response->status, 200);
  EXPECT_EQ(exchange.attempts, 3);
}

TEST(Transport, StillLimitedAfterTheRetriesIsSaidSo) {
  LocalServer server([](httplib::Server& s) {
    s.Get("/limited", [](const httplib::Request&, httplib::Response& r) {
      r.status = 429;
      r.set_content(R"({"detail": "API requests too frequent endpoint threshold=2.0"})",
                    "application/json");
    });
  });
  TransportOptions options = at(server.url());
  options.max_attempts = 2;
  options.max_backoff_seconds = 0.01;
  Transport transport(options);
  Exchange exchange = transport.send(get("/limited"));
  EXPECT_EQ(exchange.problem, Problem::rate_limited);
  EXPECT_EQ(exchange.attempts, 2);
}

TEST(Transport, AdaptivePacingStartsAtTheFirst429) {
  std::atomic<int> calls{0};
  std::vector<std::chrono::steady_clock::time_point> times;
  std::mutex mutex;
  LocalServer server([&](httplib::Server& s) {
    s.Get("/op", [&](const httplib::Request&, httplib::Response& r) {
      std::lock_guard lock(mutex);
      times.push_back(std::chrono::steady_clock::now());
      r.status = ++calls == 1 ? 429 : 200;
      r.set_header("Retry-After", "0");
    });
  });
  TransportOptions options = at(server.url());
  options.max_in_flight = 1;
  Transport transport(options);
  std::vector<Outgoing> batch(3, get("/op"));
  for (auto& o : batch) {
    o.pace_key = "op";
    o.min_interval_seconds = 0.2;
  }
  auto answers = transport.send(batch);
  for (const auto& a : answers) EXPECT_EQ(a.response->status, 200);
  ASSERT_EQ(times.size(), 4u);
  // After the 429 the calls are at least the declared interval apart.
  EXPECT_GE(times[3] - times[2], std::chrono::milliseconds(190));
}

// A stop (Ctrl-C) ends a paced batch at once: what had not gone is marked interrupted, and
// nothing is sent after it.
TEST(Transport, AStopEndsAPacedBatchAtOnce) {
  std::atomic<int> calls{0};
  LocalServer server([&](httplib::Server& s) {
    s.Get("/op", [&](const httplib::Request&, httplib::Response&) { ++calls; });
  });
  std::atomic<bool> stop{false};
  TransportOptions options = at(server.url());
  options.pacing = TransportOptions::Pacing::declared;
  options.stop = &stop;
  Transport transport(options);
  std::vector<Outgoing> batch(5, get("/op"));
  for (auto& o : batch) {
    o.pace_key = "op";
    o.min_interval_seconds = 30;  // the batch would take two minutes
  }
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  const auto started = std::chrono::steady_clock::now();
  auto answers = transport.send(batch);
  const auto took = std::chrono::steady_clock::now() - started;
  stopper.join();
  EXPECT_LT(took, std::chrono::seconds(10));  // not the two minutes the pacing asks for
  ASSERT_TRUE(answers[0].response.has_value());
  for (std::size_t i = 1; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].problem, Problem::interrupted) << i;
  }
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(transport.send(get("/op")).problem, Problem::interrupted);
}

// A cleanup (deleting what the run made) still goes after a stop; nothing else does.
TEST(Transport, ACleanupIsSentAfterAStop) {
  std::atomic<int> deletes{0};
  LocalServer server([&](httplib::Server& s) {
    s.Delete("/op", [&](const httplib::Request&, httplib::Response&) { ++deletes; });
  });
  std::atomic<bool> stop{true};
  TransportOptions options = at(server.url());
  options.stop = &stop;
  Transport transport(options);
  Outgoing remove = get("/op");
  remove.request.method = "DELETE";
  Outgoing other = remove;
  remove.cleanup = true;
  auto answers = transport.send(std::vector<Outgoing>{other, remove});
  EXPECT_EQ(answers[0].problem, Problem::interrupted);
  ASSERT_TRUE(answers[1].response.has_value());
  EXPECT_EQ(deletes.load(), 1);
}

TEST(Transport, NotHttpAndResetAreNamed) {
  RawServer garbage("this is not HTTP at all\r\n\r\n");
  Transport a(at(garbage.url()));
  EXPECT_EQ(a.send(get("/")).problem, Problem::not_http);
  RawServer silent("");
  Transport b(at(silent.url()));
  EXPECT_EQ(b.send(get("/")).problem, Problem::reset);
}

}  // namespace
}  // namespace conform::transport
