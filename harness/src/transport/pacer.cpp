#include "conform/transport/pacer.hpp"

namespace conform::transport {

namespace {
Pacer::Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Pacer::Clock::duration>(std::chrono::duration<double>(s));
}
}  // namespace

Pacer::Pacer(double requests_per_second)
    : global_interval_(requests_per_second > 0 ? seconds(1.0 / requests_per_second)
                                               : Clock::duration::zero()) {}

Pacer::Clock::time_point Pacer::acquire(const std::string& key, double min_interval_seconds,
                                        Clock::time_point now) {
  Clock::time_point ready = now;
  if (sent_any_ && global_interval_ > Clock::duration::zero()) {
    ready = std::max(ready, last_any_ + global_interval_);
  }
  auto last = last_by_key_.find(key);
  if (min_interval_seconds > 0 && last != last_by_key_.end()) {
    ready = std::max(ready, last->second + seconds(min_interval_seconds));
  }
  if (ready > now) return ready;
  sent_any_ = true;
  last_any_ = now;
  last_by_key_[key] = now;
  return now;
}

}  // namespace conform::transport
