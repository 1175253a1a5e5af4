#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conform::http {

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

// An answer given in parts, from any thread: the status and headers, then the body as it comes.
// A producer that gets ahead of a slow client waits in write() (a few hundred kilobytes are
// queued at most), so a large body is never held whole.
class Reply {
 public:
  virtual ~Reply() = default;
  // A whole answer, in place of the calls below.
  virtual void send(HttpResponse response) = 0;
  // The status and headers (no framing headers: Content-Length, Transfer-Encoding, Connection).
  // With `content_length`, the body is that long; without, it is chunked (or, to an HTTP/1.0
  // client, ends with the connection). To HEAD, and for 1XX, 204 and 304, no body is sent.
  virtual void start(int status, std::vector<std::pair<std::string, std::string>> headers,
                     std::optional<std::uint64_t> content_length) = 0;
  // A part of the body; false once the client is gone (nothing more is wanted).
  virtual bool write(std::string_view bytes) = 0;
  virtual void finish() = 0;  // the body is complete
  virtual void abort() = 0;   // the body will not be: the connection is closed
};

// An event-driven HTTP/1.1 server (the only code that includes Boost.Asio and Boost.Beast): the
// threads it is given, each with an event loop of its own and the connections dealt to it in
// turn; any number of connections, keep-alive and pipelining (answers in the order of the
// requests, one write each), `Expect: 100-continue`, and the limits above. The handler runs on a
// server thread and is called from several at once.
class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // The answer to a request refused before it reached the handler (400, 413, 431), given the
  // status and why.
  using Refusal = std::function<HttpResponse(int status, const std::string& why)>;
  // A handler that answers later, from any thread, through the Reply (which it must finish,
  // abort or send on, or the connection waits). Called on a server thread: it must not block.
  using AsyncHandler = std::function<void(HttpRequest request, std::shared_ptr<Reply> reply)>;

  HttpServer(HttpLimits limits, Handler handler, Refusal refusal);
  HttpServer(HttpLimits limits, AsyncHandler handler, Refusal refusal);
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

}  // namespace conform::http
