#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conform/checks/checks.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/transport/transport.hpp"

namespace conform::engine {

// The catalogue of an operation's phases, in the order they run: the engine runs them from it,
// `--phases` and `--dry-run` name them from it, and a test keeps docs/run.md's table equal to it.
// A phase is a file in src/engine/phases/ holding its row.
struct PhaseInfo {
  std::string name;
  std::string sends;  // what it sends, in a line
};
const std::vector<PhaseInfo>& operation_phases();
// Their names, in the same order.
const std::vector<std::string>& phase_names();

struct RunOptions {
  int max_examples = 100;  // fuzzing cases per operation
  int max_link_depth = 3;  // links followed one after another from an operation's answer
  // --duration: fuzzing goes on in rounds until this moment, the time shared among the
  // fuzzing_operations phases still to run; --max-examples then caps the cases only when given.
  std::optional<std::chrono::steady_clock::time_point> fuzzing_deadline;
  int fuzzing_operations = 0;
  bool max_examples_given = false;
  std::uint64_t seed = 0;        // the run's seed; each case's seed follows from it
  std::set<std::string> checks;  // the checks to apply (names from checks::catalogue())
  std::set<std::string> phases;  // the phases to run (phase_names())
  checks::CheckOptions check_options;
  std::string token;                               // sent as each operation's security scheme asks
  int max_shrink_sends = 48;                       // requests spent shrinking one failure
  const std::atomic<bool>* interrupted = nullptr;  // set on Ctrl-C: stop sending
  // Hold servers to Vast.ai's rules that a description does not state (what a permission document
  // may hold, that a created key authenticates): failures instead of advisories.
  bool enforce_vast_rules = false;
  // The operations the run may send requests to (its selection): the stateful phase, links and
  // the scenario suites call no other. Unset: every operation.
  std::optional<std::set<const spec::Operation*>> callable;
  bool may_call(const spec::Operation& operation) const {
    return !callable || callable->contains(&operation);
  }
};

// One failure, with everything needed to reproduce it. Built with designated initialisers:
// what is not named is empty or zero.
struct FailureRecord {
  std::string check{};
  std::string message{};
  std::string pointer{};
  int status = 0;              // the response's, 0 when none came
  std::string curl{};          // the (shrunk) request, the credential as ${CONFORM_TOKEN}
  std::string case_summary{};  // "negative: wrong_type at body /name", "positive"
  std::uint64_t seed = 0;      // the case's seed (fuzzing), 0 for fixed cases
  bool shrunk = false;
  std::string response{};  // status line, headers and the start of the body, redacted
  // The message without what varies from case to case; failures of one cause share it
  // (report::group_failures). "" when the message itself is.
  std::string reason{};
  std::string schema_location{};  // the schema keyword that failed, where a schema says
};

// The string values of JSON members named like credentials (key, token, secret, password,
// *_key...) replaced by "[redacted]", at any depth. Whether any was.
bool mask_secrets(nlohmann::json& value);

// What a failure report shows of a response: its status, headers and the first kilobyte of its
// body, with the run's secrets (should a server echo them) redacted before anything is cut, and
// the string values of JSON members named like credentials (key, token, secret, password,
// *_key...) masked. Bytes that are not UTF-8 are shown escaped.
std::string response_excerpt(const transport::Response& response, const core::Redactor& secrets);

// The secrets every output of a run hides: the transport's (added headers, target userinfo) and
// the run's token.
core::Redactor secrets_of(const transport::Transport& transport, const std::string& token);

// What one operation's phase did.
struct PhaseResult {
  std::string operation_id;
  std::string phase;
  int sent = 0;                         // requests that got an answer
  int valid_sent = 0;                   // of them, cases meant to be accepted
  int invalid_sent = 0;                 // and cases meant to be refused
  std::vector<FailureRecord> failures;  // contract failures
  std::vector<FailureRecord> errors;    // transport failures (no usable answer), internal errors
  // Expectations from what conform knows beyond the description (Vast.ai's rules), which a server
  // that follows the description need not meet: shown apart, never failing the run.
  std::vector<FailureRecord> advisories;
  // Failures a --baseline file already knows (report::apply_baseline): shown apart, never
  // failing the run.
  std::vector<FailureRecord> known{};
  std::string not_tested;  // why nothing could be checked, if so
  // Why the phase sent fewer or other cases than it was asked for (cases left out, kinds that
  // could not be drawn, with counts): nothing is left untested unsaid.
  std::vector<std::string> notes;
  // Set when every valid request was answered 401 or 403: the phase tested the credential, not
  // the operation.
  std::string not_exercised;
  int valid_refused = 0;  // valid cases answered 401 or 403
  double seconds = 0;
  // What the answered cases exercised (docs/coverage.md): the keyword locations of the request
  // reached by a valid value, those broken by an invalid case, and how often each status came.
  std::set<std::string> covered_valid{};
  std::set<std::string> covered_invalid{};
  std::map<int, int> statuses{};
  std::set<std::string> parameters_sent{};  // parameters a valid case that was answered carried
  // Links followed to an answer, by the operation whose response declares them (a chain follows
  // other operations' links too).
  std::map<std::string, std::set<std::string>> links_followed{};
};

// The result with every secret of the run hidden in every text it holds, and bytes that are not
// UTF-8 escaped: the last pass before a result reaches GoogleTest, the console or a report.
void redact(PhaseResult& result, const core::Redactor& secrets);

// Runs phases of operations against a target: builds the cases, sends them, applies the checks,
// shrinks what fails.
class Engine {
 public:
  Engine(const spec::Spec& spec, const schema::SpecSchemas& schemas,
         transport::Transport& transport, RunOptions options);
  ~Engine();

  // How many requests the phase plans to send (before shrinking); 0: the phase does not apply.
  int planned(const spec::Operation& operation, const std::string& phase) const;
  // What schema coverage is measured against: every keyword location of the operation's request
  // (gen::KeywordCoverage).
  const std::set<std::string>& keyword_locations(const spec::Operation& operation) const;
  // Those no request can break, with the reason.
  const std::map<std::string, std::string>& unbreakable_locations(
      const spec::Operation& operation) const;
  // Its parameters, as coverage names them ("query parameter 'limit'").
  std::vector<std::string> parameters(const spec::Operation& operation) const;
  PhaseResult run(const spec::Operation& operation, const std::string& phase);

  const RunOptions& options() const;

  struct Impl;  // the run's collaborators and caches; the phases' rows work on it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::engine
