#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "conform/mock/faults.hpp"
#include "conform/spec/spec.hpp"

namespace conform::mock {

// The token the mock accepts as the account's own key when none is given (--token or
// CONFORM_MOCK_TOKEN).
inline constexpr const char* kDefaultRootToken = "conform-mock-root-token";

struct MockOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::string root_token = kDefaultRootToken;
  std::uint64_t state_seed = 0;
  bool log = false;                          // one line per request on stderr
  unsigned threads = 0;                      // serving threads; 0: one per core
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413
  // Items kept per collection (and deleted identifiers remembered): the oldest go first, so that
  // a long run or a hostile client cannot grow the mock's memory without end.
  std::size_t max_kept = 1000;
  bool rate_limit = false;  // enforce x-rate-limit / x-rateLimit per operation and identity
  Faults faults;            // deliberate contract violations (see faults.hpp)
  // Where the description's paths start: the first server URL's path, unless given.
  std::optional<std::string> base_path;
};

// Serves any description: routes each request (404/405), authenticates bearer tokens (401: the
// root token or a key created through the account area), enforces rate limits (429) and
// permission documents (403), checks the request against its operation (400 with a Vast-shaped
// error naming the problem), and answers. The account area (see AccountApi) keeps state; other
// operations answer with the declared response: `Prefer: code=NNN` and `Prefer: example=NAME`
// choose, as Prism does; otherwise the first 2XX, with the document's example or a value
// generated from the response schema, the same for a given --state-seed.
class MockServer {
 public:
  MockServer(const spec::Spec& spec, MockOptions options);
  ~MockServer();

  // Binds the socket; returns the port (useful with port 0). Throws core::Error (exit 2) when the
  // address cannot be bound.
  int bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  void serve();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::mock
