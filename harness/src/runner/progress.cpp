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
    print_operation();
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
  if (verbosity_ > 0) {
    if (terminal_) out_ << "\r\033[K";
    out_ << report::test_line(test, style_) << "\n"
         << report::failure_lines(test, style_) << std::flush;
    return;
  }
  if (!operation_.empty() && operation_.front().suite != test.suite) print_operation();
  // Only what the line needs: the failures stay with the run's results.
  report::TestRecord kept{test.suite, test.name, {}};
  kept.result.sent = test.result.sent;
  kept.result.seconds = test.result.seconds;
  kept.result.not_tested = test.result.not_tested;
  kept.result.not_exercised = test.result.not_exercised;
  kept.result.failures.resize(test.result.failures.empty() ? 0 : 1);
  kept.result.errors.resize(test.result.errors.empty() ? 0 : 1);
  kept.result.advisories.resize(test.result.advisories.size());
  kept.result.known.resize(test.result.known.size());
  operation_.push_back(std::move(kept));
}

void Progress::print_operation() {
  if (operation_.empty()) return;
  std::vector<const report::TestRecord*> tests;
  for (const auto& t : operation_) tests.push_back(&t);
  if (terminal_) out_ << "\r\033[K";
  out_ << report::operation_line(tests, style_) << "\n" << std::flush;
  operation_.clear();
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
