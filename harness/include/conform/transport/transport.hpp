#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conform/core/redactor.hpp"
#include "conform/gen/request.hpp"
#include "conform/transport/auth.hpp"

namespace conform::transport {

// A header added to every request (--header): a tenant, an access proxy's token, a Host.
struct ExtraHeader {
  std::string name;
  std::string value;  // as sent
  std::string shown;  // as every output prints it: the value, or a placeholder for a secret
};

struct TransportOptions {
  std::string base_url;  // scheme, host, port and base path: "http://127.0.0.1:8080"
  double timeout_seconds = 30;
  double connect_timeout_seconds = 10;
  bool insecure = false;  // TLS verification off
  std::string cacert;     // a CA bundle instead of the system's
  std::size_t max_response_bytes = 10 * 1024 * 1024;
  int max_in_flight = 16;
  double rate = 0;       // requests per second over all operations; 0: unlimited
  int max_attempts = 4;  // a 429 is retried up to this many sends in all
  double max_backoff_seconds = 30;
  // When the per-key minimum intervals apply: `adaptive` from a key's first 429 on (a server
  // that does not limit is not slowed down), `declared` from the start, `off` never.
  enum class Pacing { adaptive, declared, off };
  Pacing pacing = Pacing::adaptive;
  // Set on Ctrl-C: nothing more is started, transfers in flight are abandoned, and send() returns
  // within a tenth of a second with the rest marked Problem::interrupted; cleanup requests still
  // go (deleting what the run made is what stopping asks for).
  const std::atomic<bool>* stop = nullptr;
  std::vector<ExtraHeader> headers;  // replace a request's own header of the same name
  // The run's secrets beyond the headers' (the token, userinfo in the target): redact() and
  // curl() hide them with the headers' secrets.
  core::Redactor redactor;
};

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  double seconds = 0;  // from sending to the last byte

  std::optional<std::string> header(std::string_view lower_name) const;
};

// Why no usable answer came back.
enum class Problem {
  none,
  refused,
  timeout,
  tls,
  too_large,
  not_http,
  reset,
  rate_limited,
  interrupted,  // not sent, or abandoned: the run was told to stop
  other
};
std::string_view problem_name(Problem problem);

struct Exchange {
  std::optional<Response> response;  // set unless problem is a transport failure
  Problem problem = Problem::none;
  std::string detail;  // for people: what went wrong, never a secret
  int attempts = 0;
};

// What to send, credentials and pacing included.
struct Outgoing {
  gen::Request request;
  Auth auth;
  std::string pace_key;             // requests with one key are paced together (an operation)
  double min_interval_seconds = 0;  // between two sends with this key
  bool cleanup = false;  // undoes what the run made (a DELETE of its own): sent after a stop too
};

// Sends requests over libcurl's multi interface: many in flight, connections reused, pacing per
// key and overall, 429s retried after Retry-After or an exponential backoff with jitter. Transport
// failures come back as Exchanges with a Problem, never as exceptions.
class Transport {
 public:
  explicit Transport(TransportOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // The answers, in the order of `batch`.
  std::vector<Exchange> send(const std::vector<Outgoing>& batch);
  Exchange send(const Outgoing& one);

  const TransportOptions& options() const;

  // The request as a curl command line: the added headers as shown, the credential as a variable.
  std::string curl(const gen::Request& request, const Auth& auth) const;
  // `text` with every secret of the run (options.redactor's, the added headers' secret values)
  // replaced by its placeholder.
  std::string redact(std::string text) const;
  const core::Redactor& redactor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::transport
