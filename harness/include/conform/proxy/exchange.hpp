#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "conform/transport/forward.hpp"

namespace conform::proxy {

// One request that passed through the proxy, and what came of it.
struct Exchange {
  std::chrono::system_clock::time_point started{};
  std::string method;
  std::string target;                     // path and query, as the client sent them
  transport::HeaderList request_headers;  // as the client sent them
  std::string request_body;
  int status = 0;                                         // the target's; 0 when no answer came
  transport::HeaderList response_headers;                 // as the target sent them
  std::string response_body;                              // the first max_response_bytes of it
  std::uint64_t response_bytes = 0;                       // the whole body's size, as passed on
  bool truncated = false;                                 // response_body holds only the start
  double seconds = 0;                                     // from sending to the last byte
  transport::Problem problem = transport::Problem::none;  // why the answer failed, if it did
  std::string detail;
  bool answered_by_proxy = false;  // the client got the proxy's 502, not the target's answer
  // The answer was not passed on whole, for no fault of the target: its client left, or the
  // proxy was stopped.
  bool abandoned = false;
};

}  // namespace conform::proxy
