#include "conform/runner/progress.hpp"

#include <cmath>
#include <cstdio>

namespace conform::runner {

std::string rough_duration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%ld s", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%ld min %ld s", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  }
  return text;
}

Progress::Progress(std::ostream& out, bool terminal, int total, report::ConsoleStyle style,
                   int verbosity)
    : out_(out),
      terminal_(terminal),
      total_(total),
      style_(std::move(style)),
      verbosity_(verbosity),
      started_at_(std::chrono::steady_clock::now()) {
  if (!terminal_ && verbosity_ >= 0) ticker_ = std::thread([this] { tick(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_ticking_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::started(const std::string& suite, const std::string& name) {
  if (!terminal_ || verbosity_ < 0) return;
  std::lock_guard lock(mutex_);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  out_ << "\r\033[K[" << done_ << "/" << total_ << "] "
       << static_cast<long>(seconds > 0 ? static_cast<double>(requests_) / seconds : 0)
       << " requests/s, " << failures_ << " failures; " << suite << "." << name << " ..."
       << std::flush;
}

void Progress::ended(const report::TestRecord& test) {
  std::lock_guard lock(mutex_);
  ++done_;
  requests_ += test.result.sent;
  failures_ += static_cast<int>(test.result.failures.size());
  if (verbosity_ < 0) return;
  if (terminal_) out_ << "\r\033[K";
  out_ << report::test_line(test, style_) << "\n";
  if (verbosity_ > 0) out_ << report::failure_lines(test, style_);
  out_ << std::flush;
}

void Progress::tick() {
  std::unique_lock lock(mutex_);
  while (!stop_ticking_.wait_for(lock, std::chrono::seconds(10), [this] { return stopping_; })) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
    std::string left =
        done_ > 0 ? ", about " + rough_duration(elapsed / done_ * (total_ - done_)) + " left" : "";
    out_ << "conform: progress: " << done_ << "/" << total_ << " tests, " << requests_
         << " requests, " << failures_ << " failures, " << rough_duration(elapsed) << " elapsed"
         << left << std::endl;
  }
}

}  // namespace conform::runner
