#pragma once
// A local HTTP server that records every request it receives and answers each with `status`
// (and an `Allow` header when given): what reached the wire, for tests of what a phase sends.
#include <mutex>
#include <string>
#include <vector>

#include "support/local_servers.hpp"

namespace conform::test {

struct Received {
  std::string method;
  std::string path;
  std::string query;  // as it came, without '?'
  std::string body;
};

class RecordingServer {
 public:
  RecordingServer() = default;

  std::string url() const { return server_.url(); }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  void answer(int status, std::string allow = "") {
    std::lock_guard lock(mutex_);
    status_ = status;
    allow_ = std::move(allow);
  }

 private:
  void handle(const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    std::string query;
    for (const auto& [name, value] : request.params) {
      query += (query.empty() ? "" : "&") + name + "=" + value;
    }
    received_.push_back({request.method, request.path, query, request.body});
    response.status = status_;
    if (!allow_.empty()) response.set_header("Allow", allow_);
  }

  std::mutex mutex_;
  std::vector<Received> received_;
  int status_ = 200;
  std::string allow_;
  LocalServer server_{[this](httplib::Server& s) {
    // One request per connection: the run keeps 16 in flight, more than the pool's threads, and
    // a thread held by an idle keep-alive connection would stall the rest for seconds.
    s.set_keep_alive_max_count(1);
    auto handler = [this](const httplib::Request& q, httplib::Response& r) { handle(q, r); };
    s.Get(".*", handler);
    s.Post(".*", handler);
    s.Put(".*", handler);
    s.Patch(".*", handler);
    s.Delete(".*", handler);
  }};
};

}  // namespace conform::test
