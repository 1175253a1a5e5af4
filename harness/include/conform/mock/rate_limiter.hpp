#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace conform::mock {

// Vast.ai's rate limit: a minimum interval between two calls of one endpoint by one identity.
// A refused call does not restart the interval.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // True when the call may go ahead (and is recorded); false when it comes too soon.
  bool admit(const std::string& endpoint, const std::string& identity, double min_interval_seconds,
             Clock::time_point now = Clock::now());

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Clock::time_point> last_call_;
};

}  // namespace conform::mock
