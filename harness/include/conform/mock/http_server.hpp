#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conform::mock {

// One request as it arrived, its body whole (chunked bodies joined, multipart left as sent).
struct HttpRequest {
  std::string method;                                        // as sent: "GET", "PURGE"...
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  std::string body;

  // The first value of a header, by name in any case.
  std::optional<std::string> header(std::string_view name) const;
  std::string header_or_empty(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type among them
  std::string body;
  // Held back this long before it is sent, without holding up other connections.
  std::chrono::milliseconds delay{0};
};

struct HttpLimits {
  std::size_t max_header_bytes = 64 * 1024;  // past it: 431
  std::size_t max_body_bytes = 1024 * 1024;  // past it, chunked or not: 413
  // A connection must bring a request's header within this, whether it is idle, kept alive
  // between requests, or trickling bytes; past it, it is closed.
  std::chrono::milliseconds header_timeout{5000};
  std::chrono::milliseconds body_timeout{10000};   // for the body, once the header is in
  std::chrono::milliseconds write_timeout{10000};  // a client that does not read its answer
};

// An event-driven HTTP/1.1 server (the only code that includes Boost.Asio and Boost.Beast): one
// thread per core, any number of connections, keep-alive and pipelining (answers in the order
// of the requests, one write each), `Expect: 100-continue`, and the limits above. The handler
// runs on a server thread and is called from several at once.
class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // The answer to a request refused before it reached the handler (400, 413, 431), given the
  // status and why.
  using Refusal = std::function<HttpResponse(int status, const std::string& why)>;

  HttpServer(HttpLimits limits, Handler handler, Refusal refusal);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (port 0: any free port) and returns the port; nullopt when the address
  // cannot be bound, with the reason in `why`.
  std::optional<int> bind(const std::string& host, int port, std::string& why);
  // Serves on `threads` threads (this one among them) until stop().
  void serve(unsigned threads);
  // From any thread; serve() returns soon after, open connections dropped.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::mock
