#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conform/transport/transport.hpp"

namespace conform::transport {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request as a client sent it, to be passed on unchanged.
struct ForwardRequest {
  std::string method;
  std::string target;  // path and query, as sent
  HeaderList headers;  // names as sent; the hop-by-hop ones are the connection's, not passed on
  std::string body;
  bool has_body = false;  // the client framed a body (Content-Length or chunked), even an empty one
};

// Told the answer as it comes; returning false stops the transfer (the client left).
class ForwardSink {
 public:
  virtual ~ForwardSink() = default;
  // The final status and headers, names as the target sent them (framing headers among them).
  virtual bool on_head(int status, const HeaderList& headers) = 0;
  virtual bool on_body(std::string_view bytes) = 0;
};

struct ForwardOutcome {
  Problem problem = Problem::none;
  std::string detail;      // for people, when problem is set
  bool head_sent = false;  // on_head was called: the answer had begun when it failed
  double seconds = 0;      // from sending to the last byte
};

struct ForwardOptions {
  std::string base_url;  // the target: scheme, host, port and a base path the request's adds to
  double stall_seconds = 30;  // a target that sends nothing for this long has failed
  double connect_timeout_seconds = 10;
  bool insecure = false;
  std::string cacert;
  const std::atomic<bool>* stop = nullptr;  // set: the transfer ends within a tenth of a second
};

// The header names that belong to one connection (RFC 9110, section 7.6.1), and those a forwarder
// sets for its own (Host, Content-Length, Expect): not passed on either way.
bool is_hop_by_hop(std::string_view name, const HeaderList& headers);

// Passes requests on to a target with libcurl and streams each answer to a sink: one transfer at
// a time, the connection to the target kept for the next. For a proxy's worker thread.
class Forwarder {
 public:
  explicit Forwarder(ForwardOptions options);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  ForwardOutcome forward(const ForwardRequest& request, ForwardSink& sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::transport
