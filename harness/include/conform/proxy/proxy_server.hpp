#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "conform/proxy/traffic_judge.hpp"
#include "conform/spec/spec.hpp"

namespace conform::proxy {

struct ProxyOptions {
  std::string host = "127.0.0.1";
  int port = 8090;     // 0: any free port
  std::string target;  // the URL requests are passed on to (a base path included)
  std::size_t max_request_bytes = 32 * 1024 * 1024;   // past it: 413, and reported
  std::size_t max_response_bytes = 10 * 1024 * 1024;  // kept and checked; the rest passed on
  double stall_seconds = 30;  // a target that sends nothing for this long has failed
  double connect_timeout_seconds = 10;
  bool insecure = false;
  std::string cacert;
  unsigned workers = 16;  // requests passed on at once
  JudgeOptions judge;
  std::optional<std::filesystem::path> record;  // a HAR 1.2 file of the traffic
  std::string version;                          // conform's, for the HAR file's creator
  std::ostream* log = nullptr;                  // a line per request, when set
};

// A reverse proxy: clients call it instead of the target. Each request is passed on unchanged
// (transport::Forwarder), its answer streamed back as it comes, and then both are judged against
// the description (TrafficJudge) and recorded (HarRecorder). A target that does not answer gets
// the client a 502 and the report an error.
class ProxyServer {
 public:
  ProxyServer(const spec::Spec& spec, ProxyOptions options);
  ~ProxyServer();

  // Binds the socket; returns the port. Throws core::Error (exit 2) when it cannot be bound.
  int bind();
  // Serves until stop().
  void serve();
  // From any thread: transfers in flight end within a tenth of a second, serve() returns.
  void stop();

  report::RunResults results(double seconds, bool interrupted) const;
  // Completes the HAR file, when one is recorded; false (with why) when it could not be written.
  bool finish_recording(std::string& why);
  std::size_t recorded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::proxy
