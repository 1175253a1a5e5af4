#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "conform/report/console.hpp"

namespace conform::runner {

// What the console shows while a run goes: a line per operation as its last test ends (a line per
// test with -v, each failure too); on a terminal, a progress
// line redrawn in place (tests done of all, requests per second, failures so far); elsewhere (a
// CI log) a progress line every ten seconds, so that a long paced test never leaves minutes of
// silence. Safe to call from the thread that runs the tests while its ticker prints.
class Progress {
 public:
  // verbosity: -1 quiet (nothing), 0 a line per operation, 1 a line per test and each failure.
  Progress(std::ostream& out, bool terminal, int total, report::ConsoleStyle style, int verbosity);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void started(const std::string& suite, const std::string& name);
  void ended(const report::TestRecord& test);

 private:
  void tick();
  void print_operation();  // the held tests' operation line; holds the mutex

  std::ostream& out_;
  bool terminal_;
  int total_;
  report::ConsoleStyle style_;
  int verbosity_;
  std::chrono::steady_clock::time_point started_at_;
  std::mutex mutex_;  // the counts and the stream, between the tests' thread and the ticker
  int done_ = 0;
  long requests_ = 0;
  int failures_ = 0;
  std::vector<report::TestRecord> operation_;  // the tests of the operation under way
  std::condition_variable stop_ticking_;
  bool stopping_ = false;
  std::thread ticker_;
};

// "12 s", "4 min 10 s", "1 h 05 min": a long duration, for people.
std::string rough_duration(double seconds);

}  // namespace conform::runner
