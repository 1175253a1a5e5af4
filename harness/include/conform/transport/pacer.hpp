#pragma once

#include <chrono>
#include <map>
#include <string>

namespace conform::transport {

// When the next request may go: each key (an operation) keeps its own minimum interval, and all
// requests together keep to a global rate. acquire() either takes the slot (returns `now`) or
// says when to ask again.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pacer(double requests_per_second = 0);

  Clock::time_point acquire(const std::string& key, double min_interval_seconds,
                            Clock::time_point now);

 private:
  Clock::duration global_interval_{};
  Clock::time_point last_any_{};
  bool sent_any_ = false;
  std::map<std::string, Clock::time_point> last_by_key_;
};

}  // namespace conform::transport
