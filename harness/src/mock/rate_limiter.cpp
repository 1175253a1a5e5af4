#include "conform/mock/rate_limiter.hpp"

namespace conform::mock {

bool RateLimiter::admit(const std::string& endpoint, const std::string& identity,
                        double min_interval_seconds, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, first] = last_call_.try_emplace({endpoint, identity}, now);
  if (first) return true;
  auto interval = std::chrono::duration<double>(min_interval_seconds);
  if (now - it->second < interval) return false;
  it->second = now;
  return true;
}

}  // namespace conform::mock
