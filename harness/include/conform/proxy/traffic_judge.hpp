#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "conform/checks/checks.hpp"
#include "conform/proxy/credentials.hpp"
#include "conform/proxy/exchange.hpp"
#include "conform/report/results.hpp"

namespace conform::proxy {

struct JudgeOptions {
  std::set<std::string> checks;  // the per-response checks to apply
  double max_response_time_seconds = 0;
  std::string base_path;               // where the description's paths start in a request's path
  std::string target;                  // the target's URL, as reports show it
  std::size_t max_response_bytes = 0;  // the part of a body that was kept, for the notes
  // Failures kept per operation; past it, counted in a note. A proxy may run for a day.
  std::size_t max_failures_per_operation = 1000;
};

// The name of the test that holds the requests no operation describes.
inline constexpr const char* kUnmatchedSuite = "requests matching no operation";
// And of the requests the proxy refused before passing them on.
inline constexpr const char* kRefusedSuite = "requests not passed on";

// Judges what passed through the proxy against the description, as `conform run` judges its own
// requests: each request is routed and read as its operation says a server reads it (valid,
// invalid, or depending on a reading servers disagree on), and its answer goes through every
// per-response check that applies (an invalid request must be refused, a valid one accepted).
// One test per operation; requests that match none are listed apart, as advisories. Thread-safe.
class TrafficJudge {
 public:
  TrafficJudge(const spec::Spec& spec, const schema::SpecSchemas& schemas,
               const Credentials& credentials, JudgeOptions options);

  void judge(const Exchange& exchange);
  // The same, with the exchange as Credentials::masked shows it already at hand: read and
  // checked as it was sent, shown (curl lines, messages) as masked.
  void judge(const Exchange& raw, const Exchange& shown);
  // A request the proxy answered itself, before passing it on (`status`: 413 for a body past the
  // limit, 400 for bytes that are not HTTP...): an error, as the target never saw it.
  void refused(int status, const std::string& why);

  // The tests so far: the operations requests reached, in the description's order, then the
  // unmatched requests, then (skipped) the operations no request reached.
  report::RunResults results(double seconds, bool interrupted) const;

 private:
  struct Tally {
    engine::PhaseResult result;
    int truncated = 0;  // answers whose body was past max_response_bytes
    int uncertain = 0;  // requests whose reading servers disagree on
    int abandoned = 0;  // answers not passed on whole (the client left, a stop)
    std::size_t failures_dropped = 0;
  };

  const spec::Spec& spec_;
  const schema::SpecSchemas& schemas_;
  const Credentials& credentials_;
  JudgeOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Tally> tallies_;  // by operationId, and kUnmatchedSuite
};

}  // namespace conform::proxy
