#include "run_command.hpp"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "conform/checks/checks.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/report/console.hpp"
#include "conform/report/outputs.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/spec/spec.hpp"
#include "conform/suites/api_key_lifecycle.hpp"
#include "conform/suites/credential_probe.hpp"
#include "conform/suites/permission_suite.hpp"
#include "load_spec.hpp"
#include "shard_plan.hpp"

extern char** environ;

namespace conform::apps {
namespace {

std::atomic<bool> g_interrupted{false};
// A --jobs shard may get Ctrl-C twice (from the terminal, and passed on by its parent): it always
// writes its results, and the parent decides when to give up waiting.
std::atomic<bool> g_is_shard{false};

// The first signal stops sending at once (the transport looks every tenth of a second; only
// cleanup requests still go) and lets the run write its reports; a second one exits at once.
void on_interrupt(int) {
  if (g_interrupted.exchange(true) && !g_is_shard.load()) {
    _exit(static_cast<int>(core::ExitCode::interrupted));
  }
}

std::set<std::string> chosen_checks(const RunCommandOptions& options) {
  std::set<std::string> chosen;
  if (options.checks.empty()) {
    for (const auto& c : checks::catalogue()) {
      if (c.phase == "permissions") continue;  // the permission suite decides for itself
      if (c.name == "max_response_time" && options.max_response_time <= 0) continue;
      chosen.emplace(c.name);
    }
    return chosen;
  }
  for (const auto& name : options.checks) {
    if (!checks::is_check_name(name)) {
      std::vector<std::string> names;
      for (const auto& c : checks::catalogue()) names.emplace_back(c.name);
      core::fail_input("run.unknown_check", "", "",
                       "--checks: '" + name + "' is not a check" + core::did_you_mean(name, names) +
                           " (see docs/checks.md)");
    }
    chosen.insert(name);
  }
  return chosen;
}

// The operation phases, then the scenario suites.
std::vector<std::string> all_phases() {
  std::vector<std::string> all = engine::phase_names();
  all.insert(all.end(), {"scenarios", "permissions"});
  return all;
}

std::set<std::string> chosen_phases(const RunCommandOptions& options) {
  const auto all = all_phases();
  if (options.phases.empty()) return {all.begin(), all.end()};
  std::set<std::string> chosen;
  for (const auto& name : options.phases) {
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      std::string names;
      for (const auto& phase : all) names += (names.empty() ? "" : ", ") + phase;
      core::fail_input("run.unknown_phase", "", "",
                       "--phases: '" + name + "' is not a phase" + core::did_you_mean(name, all) +
                           " (" + names + ")");
    }
    chosen.insert(name);
  }
  return chosen;
}

// GoogleTest names: the operationId with anything but letters, digits and '_' as '_'.
std::string test_name(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out.empty() ? "_" : out;
}

// What the GoogleTest tests of this process did, in the order they ran.
struct Collector {
  std::vector<report::TestRecord> records;
  std::mutex mutex;
  core::Redactor secrets;  // applied to every result before GoogleTest or a report sees it
};

// One GoogleTest test of the run (an operation's phase, or a suite's step): its body produces
// the result, which is recorded for the reports and reported to GoogleTest.
class RecordedTest : public ::testing::Test {
 public:
  RecordedTest(Collector& collector, std::string suite, std::string name,
               std::function<engine::PhaseResult()> body, bool runs_after_interrupt = false)
      : collector_(collector),
        suite_(std::move(suite)),
        name_(std::move(name)),
        body_(std::move(body)),
        runs_after_interrupt_(runs_after_interrupt) {}

  void TestBody() override {
    engine::PhaseResult result;
    if (g_interrupted.load() && !runs_after_interrupt_) {
      result.operation_id = suite_;
      result.phase = name_;
      result.not_tested = "interrupted: not started";
    } else {
      result = body_();
      // What was stopped half-way did not pass: it is reported as interrupted.
      if (g_interrupted.load() && result.failures.empty() && result.errors.empty() &&
          !runs_after_interrupt_) {
        result.not_tested = "interrupted";
      }
    }
    engine::redact(result, collector_.secrets);
    for (const auto& f : result.failures) {
      ADD_FAILURE() << f.check << ": " << f.message << "\n  " << f.case_summary << "\n  " << f.curl;
    }
    for (const auto& e : result.errors) ADD_FAILURE() << "transport: " << e.message;
    bool skip = result.failures.empty() && result.errors.empty() && !result.not_tested.empty();
    std::string reason = result.not_tested;
    {
      std::lock_guard lock(collector_.mutex);
      collector_.records.push_back({suite_, name_, std::move(result)});
    }
    if (skip) GTEST_SKIP() << reason;
  }

 private:
  Collector& collector_;
  std::string suite_;
  std::string name_;
  std::function<engine::PhaseResult()> body_;
  bool runs_after_interrupt_;  // a cleanup: it undoes what the run made, interrupted or not
};

// "12 s", "4 min 10 s", "1 h 05 min": how long, for people.
std::string duration_text(double seconds) {
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

// Prints a line per test as it ends; on a terminal, a progress line that redraws in place:
// tests done of all, requests per second, failures so far. Elsewhere (a CI log) a progress line
// every ten seconds, so that a long paced test never leaves minutes of silence.
class ConsolePrinter : public ::testing::EmptyTestEventListener {
 public:
  ConsolePrinter(Collector& collector, int total, report::ConsoleStyle style, int verbosity)
      : collector_(collector),
        total_(total),
        terminal_(isatty(STDOUT_FILENO) != 0),
        style_(std::move(style)),
        verbosity_(verbosity),
        started_at_(std::chrono::steady_clock::now()) {
    if (!terminal_ && verbosity_ >= 0) ticker_ = std::thread([this] { tick(); });
  }
  ~ConsolePrinter() override { stop_ticking(); }
  void OnTestProgramEnd(const ::testing::UnitTest&) override { stop_ticking(); }

  void OnTestStart(const ::testing::TestInfo& info) override {
    if (!terminal_ || verbosity_ < 0) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
    std::cout << "\r\033[K[" << done_ << "/" << total_ << "] "
              << static_cast<long>(seconds > 0 ? static_cast<double>(requests_) / seconds : 0)
              << " requests/s, " << failures_ << " failures; " << info.test_suite_name() << "."
              << info.name() << " ..." << std::flush;
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::lock_guard lock(collector_.mutex);
    ++done_;
    if (collector_.records.empty()) return;
    const auto& last = collector_.records.back();
    requests_ += last.result.sent;
    failures_ += static_cast<int>(last.result.failures.size());
    if (verbosity_ < 0) return;
    if (terminal_) std::cout << "\r\033[K";
    std::cout << report::test_line(last, style_) << "\n";
    if (verbosity_ > 0) std::cout << report::failure_lines(last, style_);
    std::cout << std::flush;
  }

 private:
  void tick() {
    std::unique_lock wait_lock(tick_mutex_);
    while (!tick_cv_.wait_for(wait_lock, std::chrono::seconds(10), [this] { return stopping_; })) {
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
      std::lock_guard lock(collector_.mutex);
      std::string left =
          done_ > 0 ? ", about " + duration_text(elapsed / done_ * (total_ - done_)) + " left" : "";
      std::cout << "conform: progress: " << done_ << "/" << total_ << " tests, " << requests_
                << " requests, " << failures_ << " failures, " << duration_text(elapsed)
                << " elapsed" << left << std::endl;
    }
  }
  void stop_ticking() {
    {
      std::lock_guard lock(tick_mutex_);
      stopping_ = true;
    }
    tick_cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

  Collector& collector_;
  int total_;
  int done_ = 0;
  long requests_ = 0;
  int failures_ = 0;
  bool terminal_;
  report::ConsoleStyle style_;
  int verbosity_;  // -1 quiet, 0 normal, 1 verbose
  std::chrono::steady_clock::time_point started_at_;
  std::mutex tick_mutex_;
  std::condition_variable tick_cv_;
  bool stopping_ = false;
  std::thread ticker_;
};

void print_plan(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
                engine::Engine& engine, const RunCommandOptions& options,
                const std::string& target) {
  const int permission_cases = options.permission_cases;
  double paced_seconds = 0;  // the x-rate-limit waits between an operation's requests
  std::cout << "Plan for " << spec.file() << " against " << target << " (nothing is sent):\n\n";
  const auto& phases = engine::phase_names();
  std::cout << "operation                       method  ";
  for (const auto& p : phases) std::cout << p << "  ";
  std::cout << "\n";
  long total = 0;
  for (const auto* op : operations) {
    std::string name = op->operation_id;
    name.resize(std::max<std::size_t>(name.size(), 30), ' ');
    std::string method = core::ascii_upper(op->method);
    method.resize(6, ' ');
    std::cout << name << "  " << method << "  ";
    for (const auto& p : phases) {
      int n = engine.planned(*op, p);
      total += n;
      paced_seconds += std::max(0, n) * spec::min_interval_of(*op).value_or(0);
      std::string cell = std::to_string(n);
      cell.resize(p.size(), ' ');
      std::cout << cell << "  ";
    }
    std::cout << op->path << "\n";
  }
  std::cout << "\n"
            << operations.size() << " operations, about " << total
            << " requests before shrinking\n";
  // How long: the declared waits bound it from below when they apply; a rate bounds it too.
  double seconds = options.pace == "declared" ? paced_seconds : 0;
  if (options.rate > 0) seconds = std::max(seconds, static_cast<double>(total) / options.rate);
  std::cout << "Time: ";
  if (seconds > 0) {
    std::cout << "at least " << duration_text(seconds) << " ("
              << (options.pace == "declared" ? "--pace declared keeps to x-rate-limit" : "--rate")
              << ")\n";
  } else if (paced_seconds > 0) {
    std::cout << "as fast as the server answers; with --pace declared at least "
              << duration_text(paced_seconds) << " (x-rate-limit), and --pace adaptive waits "
              << "after an operation's first 429\n";
  } else {
    std::cout << "as fast as the server answers (no pacing applies)\n";
  }
  auto key_ops = suites::key_operations(spec);
  const auto& phases_chosen = engine.options().phases;
  const std::string keys_left_out = key_ops ? suites::left_out(*key_ops, engine.options()) : "";
  auto named = [](const spec::Operation* op) {
    return core::ascii_upper(op->method) + " " + op->operation_id;
  };
  const std::string key_calls =
      key_ops ? named(key_ops->create) + ", " + named(key_ops->list) + ", " + named(key_ops->remove)
              : "";
  if (key_ops && phases_chosen.contains("scenarios")) {
    if (!keys_left_out.empty()) {
      std::cout << "Scenario: ApiKeyLifecycle.scenario skipped (the selection leaves out "
                << keys_left_out << ")\n";
    } else {
      std::cout << "Scenario: ApiKeyLifecycle.scenario (creates one key and deletes it: "
                << key_calls << ")\n";
    }
  }
  if (key_ops && phases_chosen.contains("permissions") && suites::PermissionSuite::applies(spec)) {
    if (!keys_left_out.empty()) {
      std::cout << "Permission suite: skipped (the selection leaves out " << keys_left_out << ")\n";
    } else {
      std::cout << "Permission suite: Permissions.valid_documents, .invalid_documents ("
                << permission_cases
                << " documents each; every key it creates is deleted: " << key_calls
                << ", and the selected operations its keys are scoped to), "
                << ".cleanup\n";
    }
  }
}

// The target answers HTTP at all (any status will do). Refused connections are retried for
// `wait_seconds`: a server started beside conform (a mock in CI) may not be listening yet.
void require_reachable(transport::Transport& transport, double wait_seconds) {
  transport::Outgoing probe;
  probe.request.method = "GET";
  probe.request.path = "/";
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(wait_seconds));
  auto exchange = transport.send(probe);
  while (!exchange.response && exchange.problem == transport::Problem::refused &&
         std::chrono::steady_clock::now() < deadline && !g_interrupted.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    exchange = transport.send(probe);
  }
  if (g_interrupted.load()) {
    throw core::Error(core::ExitCode::interrupted,
                      {core::Severity::error, "run.interrupted", "", "",
                       "interrupted while waiting for the target; nothing was tested"});
  }
  if (exchange.response) return;
  switch (exchange.problem) {
    case transport::Problem::refused:
    case transport::Problem::timeout:
    case transport::Problem::tls:
      throw core::Error(core::ExitCode::unreachable,
                        {core::Severity::error, "run.unreachable", "", "",
                         transport.redact("the target " + transport.options().base_url +
                                          " cannot be reached: " + exchange.detail)});
    default:
      return;  // it answered something; the checks will say what
  }
}

// The pid of the run that started this shard (its CONFORM_SHARD_PARENT), 0 when none.
pid_t shard_parent() {
  const char* text = std::getenv("CONFORM_SHARD_PARENT");
  return text == nullptr ? 0 : static_cast<pid_t>(std::atol(text));
}

bool parent_gone() { return shard_parent() != 0 && getppid() != shard_parent(); }

// A shard is asked to stop (SIGTERM, handled as an interrupt) when its parent run ends, however it
// ends: SIGKILL included. If the parent is gone already, there is nothing to report to.
void end_with_parent() {
  g_is_shard = true;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (parent_gone()) g_interrupted = true;
}

// --jobs: the same command in N processes, one GoogleTest shard each; their results merged.
report::RunResults run_shards(const RunCommandOptions& options, std::uint64_t seed) {
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("conform-shards-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  std::filesystem::permissions(directory, std::filesystem::perms::owner_all);
  std::vector<pid_t> children;
  std::vector<std::filesystem::path> files;
  for (int shard = 0; shard < options.jobs; ++shard) {
    // The shard's run is the parent's, less what only the parent does: writing the reports,
    // running the suites, sharding.
    files.push_back(directory / ("shard-" + std::to_string(shard) + ".json"));
    RunCommandOptions plan = options;
    plan.jobs = 1;
    plan.outputs.clear();
    plan.seed = seed;
    plan.shard_results = files.back().string();
    plan.shard_plan.clear();
    plan.no_suites = true;
    const auto plan_file = directory / ("plan-" + std::to_string(shard) + ".json");
    write_shard_plan(plan, plan_file);
    // --spec and --target only because the command line requires them; the plan holds them too.
    std::vector<std::string> args = {
        "/proc/self/exe", "run",          "--spec",       options.spec,
        "--target",       options.target, "--shard-plan", plan_file.string()};
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      if (entry.rfind("GTEST_TOTAL_SHARDS=", 0) == 0 || entry.rfind("GTEST_SHARD_INDEX=", 0) == 0) {
        continue;
      }
      env.push_back(entry);
    }
    env.push_back("CONFORM_SHARD_PARENT=" + std::to_string(getpid()));
    env.push_back("GTEST_TOTAL_SHARDS=" + std::to_string(options.jobs));
    env.push_back("GTEST_SHARD_INDEX=" + std::to_string(shard));
    std::vector<char*> argv_c, env_c;
    for (auto& a : args) argv_c.push_back(a.data());
    argv_c.push_back(nullptr);
    for (auto& e : env) env_c.push_back(e.data());
    env_c.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv_c.data(), env_c.data()) != 0) {
      core::fail_input("run.jobs", "", "", "cannot start a shard process");
    }
    children.push_back(pid);
  }
  // Ctrl-C in a terminal reaches the whole process group; a signal sent to this process alone
  // is passed on, so that every shard stops within a second and writes what it has.
  std::vector<int> statuses(children.size(), 0);
  std::vector<bool> ended(children.size(), false);
  bool passed_on = false;
  for (std::size_t left = children.size(); left > 0;) {
    if (g_interrupted.load() && !passed_on) {
      for (std::size_t i = 0; i < children.size(); ++i) {
        if (!ended[i]) kill(children[i], SIGINT);
      }
      passed_on = true;
    }
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (!ended[i] && waitpid(children[i], &statuses[i], WNOHANG) == children[i]) {
        ended[i] = true;
        --left;
      }
    }
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  report::RunResults merged;
  for (std::size_t i = 0; i < children.size(); ++i) {
    int status = statuses[i];
    std::ifstream in(files[i]);
    auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) {
      std::error_code ignored;
      std::filesystem::remove_all(directory, ignored);
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (code == static_cast<int>(core::ExitCode::unreachable) ||
          code == static_cast<int>(core::ExitCode::bad_input)) {
        throw core::Error(static_cast<core::ExitCode>(code),
                          {core::Severity::error, "run.jobs", "", "",
                           "shard " + std::to_string(i) + " stopped (see its message above)"});
      }
      core::fail_input("run.jobs", "", "", "shard " + std::to_string(i) + " left no results");
    }
    auto shard = report::results_from_json(json);
    merged.interrupted = merged.interrupted || shard.interrupted;
    merged.seconds = std::max(merged.seconds, shard.seconds);
    for (auto& t : shard.tests) merged.tests.push_back(std::move(t));
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);
  return merged;
}

}  // namespace

void add_run_options(CLI::App& command, RunCommandOptions& o) {
  command.add_option("--spec", o.spec, "OpenAPI document (JSON or YAML)")->required();
  command.add_option("--target", o.target, "Base URL of the server under test")->required();
  command.add_option("--base-path", o.base_path,
                     "Path the description's paths start at on the target (default: the first "
                     "server URL's path when --target has none, e.g. /v1)");
  for (const auto& output : report::outputs()) {
    command.add_option("--" + output.name, o.outputs[output.name], output.description);
  }
  command.add_option("--token-env", o.token_env, "Environment variable holding the API token")
      ->capture_default_str();
  command.add_option("--seed", o.seed, "Seed of generated cases (default: random, printed)");
  command.add_option("--max-examples", o.max_examples, "Generated cases per operation")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command.add_option("--operation", o.selection.operations, "Only this operationId (repeatable)");
  command.add_option("--exclude-operation", o.selection.exclude_operations,
                     "Not this operationId (repeatable)");
  command.add_option("--tag", o.selection.tags, "Only operations with this tag (repeatable)");
  command.add_option("--exclude-tag", o.selection.exclude_tags, "Not operations with this tag");
  command.add_option("--method", o.selection.methods, "Only this HTTP method (repeatable)");
  command.add_option("--path", o.selection.path_regex, "Only paths matching this regex");
  command.add_option("--header,--headers", o.headers,
                     "Add 'Name: value' to every request (repeatable; ${VARIABLE}s are expanded)");
  command.add_option("--secret-header", o.secret_headers,
                     "A header name whose value no output shows (Authorization, Cookie, X-Api-Key "
                     "and the like already are)");
  command.add_flag("--read-only", o.selection.read_only,
                   "Only GET, HEAD and OPTIONS, in every phase and suite (nothing that writes)");
  command
      .add_option("--checks", o.checks,
                  "Comma-separated checks (default: all but "
                  "max_response_time, see docs/checks.md)")
      ->delimiter(',');
  command
      .add_option("--phases", o.phases,
                  [] {
                    std::string names;
                    for (const auto& phase : all_phases()) {
                      names += (names.empty() ? "" : ",") + phase;
                    }
                    return "Phases, comma-separated: " + names;
                  }())
      ->delimiter(',');
  command.add_option("--jobs", o.jobs, "Parallel shard processes")->check(CLI::Range(1, 256));
  command.add_option("--rate", o.rate, "Requests per second over the whole run (0: no limit)");
  command
      .add_option("--pace", o.pace,
                  "Per-operation intervals from x-rate-limit: adaptive (after a 429), declared "
                  "(from the start) or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"adaptive", "declared", "off"}));
  command.add_option("--timeout", o.timeout, "Seconds before a request is abandoned")
      ->capture_default_str();
  command
      .add_option("--wait-for-target", o.wait_for_target,
                  "Seconds to wait for a target that refuses connections (one starting beside "
                  "conform) before giving up with exit code 3")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  command.add_option("--max-response-time", o.max_response_time,
                     "Seconds a response may take (turns on max_response_time)");
  command.add_flag("--insecure", o.insecure, "Do not verify TLS certificates");
  command.add_option("--cacert", o.cacert, "CA bundle to verify TLS certificates with");
  command
      .add_option("--max-response-bytes", o.max_response_bytes, "Largest response body accepted")
      ->capture_default_str();
  command.add_flag("--dry-run", o.dry_run, "Print what would be sent, send nothing");
  command.add_flag("--no-color", o.no_colour, "No colours (also: NO_COLOR set)");
  command.add_flag("-q,--quiet", o.quiet, "Only the summary");
  command.add_flag("-v,--verbose", o.verbose, "Each failure as its test ends");
  command
      .add_option("--permission-cases", o.permission_cases,
                  "Permission documents per property of the permission suite")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command.add_flag("--allow-destructive", o.allow_destructive,
                   "Let the permission suite call write-scoped operations with its keys");
  command.add_flag("--fail-on-unexercised", o.fail_on_unexercised,
                   "Fail an operation whose valid requests were all answered 401 or 403");
  command.add_flag("--enforce-vast-rules", o.enforce_vast_rules,
                   "Hold the server to Vast.ai rules the description does not state (failures, "
                   "not advisories)");
  command.add_option("--shard-results", o.shard_results)->group("");  // for --jobs shards
  command.add_flag("--no-suites", o.no_suites)->group("");            // for --jobs shards
  command.add_option("--shard-plan", o.shard_plan)->group("");        // for --jobs shards
  command.allow_extras();  // --gtest_* flags go to GoogleTest
}

// --header 'Name: value' as the transport adds it: ${VARIABLE}s expanded from the environment
// (an unset one is an error), and a secret value (a name that carries credentials, or one named
// by --secret-header) shown as its variable, else as [redacted].
std::vector<transport::ExtraHeader> extra_headers(const RunCommandOptions& options) {
  std::set<std::string> secret = {
      "authorization", "proxy-authorization", "cookie",        "x-api-key",
      "api-key",       "x-auth-token",        "x-access-token"};
  for (const auto& name : options.secret_headers) secret.insert(core::ascii_lower(name));
  std::vector<transport::ExtraHeader> out;
  for (const auto& text : options.headers) {
    auto colon = text.find(':');
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    std::string name = colon == std::string::npos ? "" : trim(text.substr(0, colon));
    if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos) {
      core::fail_input("run.bad_header", "", "", "--header '" + text + "': expected 'Name: value'");
    }
    std::string raw = trim(text.substr(colon + 1));
    std::string value;
    for (std::size_t i = 0; i < raw.size();) {
      if (raw.compare(i, 2, "${") == 0 && raw.find('}', i) != std::string::npos) {
        std::size_t end = raw.find('}', i);
        std::string variable = raw.substr(i + 2, end - i - 2);
        const char* set = std::getenv(variable.c_str());
        if (set == nullptr) {
          core::fail_input("run.bad_header", "", "",
                           "--header " + name + ": $" + variable + " is not set");
        }
        value += set;
        i = end + 1;
      } else {
        value += raw[i++];
      }
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      core::fail_input("run.bad_header", "", "",
                       "--header " + name + ": a line break in its value");
    }
    bool hidden = secret.contains(core::ascii_lower(name));
    std::string shown = !hidden ? value : raw.find("${") != std::string::npos ? raw : "[redacted]";
    out.push_back({name, value, shown});
  }
  return out;
}

// The secrets a URL carries in its userinfo ("user:password@"): the whole and the password.
std::vector<std::string> userinfo_secrets(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  auto at = authority.rfind('@');
  if (at == std::string::npos) return {};
  std::string userinfo = authority.substr(0, at);
  std::vector<std::string> secrets{userinfo};
  if (auto colon = userinfo.find(':'); colon != std::string::npos) {
    secrets.push_back(userinfo.substr(colon + 1));
  }
  return secrets;
}

// The URL paths are appended to: the target, with the base path the description's first server
// URL gives (or --base-path) when the target names no path of its own.
std::string target_url(std::string target, const std::optional<std::string>& base_path,
                       const spec::Spec& spec) {
  while (!target.empty() && target.back() == '/') target.pop_back();
  auto scheme = target.find("://");
  bool has_path = scheme != std::string::npos && target.find('/', scheme + 3) != std::string::npos;
  if (base_path) return target + *base_path;
  return has_path ? target : target + spec.base_path();
}

core::ExitCode run_conformance(const RunCommandOptions& given, const std::string& program) {
  // A --jobs shard takes its whole run from its parent's plan.
  const RunCommandOptions options =
      given.shard_plan.empty() ? given : take_shard_plan(given.shard_plan);
  const spec::Spec spec = spec::Spec::load(options.spec);
  auto operations = engine::select(spec, options.selection);
  if (!usable(spec, operations, "running", true)) return core::ExitCode::bad_input;
  engine::RunOptions run_options;
  run_options.max_examples = options.max_examples;
  run_options.seed = options.seed ? *options.seed : std::random_device{}();
  run_options.checks = chosen_checks(options);
  run_options.phases = chosen_phases(options);
  run_options.check_options.max_response_time_seconds = options.max_response_time;
  run_options.interrupted = &g_interrupted;
  run_options.enforce_vast_rules = options.enforce_vast_rules;
  run_options.callable = std::set<const spec::Operation*>(operations.begin(), operations.end());
  // An empty token matters only where a selected operation asks for a credential; a dry run
  // says so as the real run would.
  const bool credentials_asked =
      std::any_of(operations.begin(), operations.end(),
                  [&](const spec::Operation* op) { return !op->security.empty(); });
  if (const char* token = std::getenv(options.token_env.c_str()); token && *token) {
    run_options.token = token;
  } else if (credentials_asked) {
    std::cerr << "conform: $" << options.token_env
              << " is empty: requests go without credentials\n";
  }

  // Every secret of the run, hidden in every output: the token, userinfo in --target, and (added
  // by the transport) the secret values of --header.
  core::Redactor secrets;
  secrets.add(run_options.token, "${CONFORM_TOKEN}");
  for (const std::string& secret : userinfo_secrets(options.target)) {
    secrets.add(secret, "[redacted]");
  }
  transport::TransportOptions transport_options;
  transport_options.redactor = secrets;
  transport_options.base_url = target_url(options.target, options.base_path, spec);
  transport_options.timeout_seconds = options.timeout;
  transport_options.connect_timeout_seconds = std::min(options.timeout, 10.0);
  transport_options.insecure = options.insecure;
  transport_options.cacert = options.cacert;
  transport_options.max_response_bytes = options.max_response_bytes;
  transport_options.stop = &g_interrupted;
  transport_options.headers = extra_headers(options);
  transport_options.rate = options.rate;
  transport_options.pacing =
      options.pace == "declared" ? transport::TransportOptions::Pacing::declared
      : options.pace == "off"    ? transport::TransportOptions::Pacing::off
                                 : transport::TransportOptions::Pacing::adaptive;
  transport::Transport transport(transport_options);
  run_options.check_options.secrets = engine::secrets_of(transport, run_options.token);
  schema::SpecSchemas schemas(spec);
  engine::Engine engine(spec, schemas, transport, run_options);

  if (options.dry_run) {
    print_plan(spec, operations, engine, options, transport.redact(options.target));
    return core::ExitCode::ok;
  }
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  report::RunResults results;
  results.spec_file = spec.file();
  results.target = transport.redact(transport.options().base_url);
  results.seed = run_options.seed;
  auto started = std::chrono::steady_clock::now();
  const bool shard_child = !options.shard_results.empty();
  if (shard_child) end_with_parent();
  report::ConsoleStyle style;
  style.colour = report::wants_colour(isatty(STDOUT_FILENO) != 0, options.no_colour);
  // The program as it was invoked (a path when it is not on PATH), every value quoted for a shell.
  style.command = core::shell_quote(program) + " run --spec " + core::shell_quote(options.spec) +
                  " --target " + core::shell_quote(transport.redact(options.target));
  results.command = style.command;
  const int verbosity = options.quiet ? -1 : (options.verbose ? 1 : 0);

  // With --jobs the operations run in shard processes; the scenario suites, which work on the
  // account as a whole, run afterwards in this process, alone.
  const bool sharded = options.jobs > 1;
  std::cout << std::flush;
  if (!shard_child) {
    std::cout << "conform run: " << operations.size() << " operations of " << spec.file()
              << " against " << results.target
              << (sharded ? " in " + std::to_string(options.jobs) + " shards" : std::string())
              << ", seed " << run_options.seed << std::endl;
  }
  require_reachable(transport, options.wait_for_target);
  suites::SuiteContext suite_context(spec, schemas, transport, run_options);
  // A refused credential stops the run before the bulk: every answer would be a declared 401.
  bool stopped = false;
  if (!shard_child) {
    engine::PhaseResult probe =
        suites::probe_credential(suite_context, operations, options.token_env);
    if (!probe.failures.empty()) {
      std::cerr << "conform: " << probe.failures.front().message << "\n";
      results.tests.push_back({"Credential", "probe", std::move(probe)});
      stopped = true;
    }
  }
  if (sharded && !stopped) {
    auto merged = run_shards(options, run_options.seed);
    // The order of the document, whatever shard ran what.
    std::map<std::string, std::size_t> rank;
    for (std::size_t i = 0; i < operations.size(); ++i) rank[operations[i]->operation_id] = i;
    const auto phases = engine::phase_names();
    auto key = [&](const report::TestRecord& t) {
      auto p = std::find(phases.begin(), phases.end(), t.name) - phases.begin();
      return std::pair(rank[t.suite], p);
    };
    std::stable_sort(merged.tests.begin(), merged.tests.end(),
                     [&](const auto& a, const auto& b) { return key(a) < key(b); });
    results.tests = std::move(merged.tests);
    results.interrupted = merged.interrupted;
  }

  Collector collector;
  collector.secrets = run_options.check_options.secrets;
  int total = 0;
  if (!sharded && !stopped) {
    for (const auto* op : operations) {
      for (const auto& phase : engine::phase_names()) {
        if (engine.planned(*op, phase) == 0) continue;
        ++total;
        ::testing::RegisterTest(
            test_name(op->operation_id).c_str(), phase.c_str(), nullptr, nullptr, __FILE__,
            __LINE__, [&engine, &collector, op, phase]() -> ::testing::Test* {
              return new RecordedTest(collector, op->operation_id, phase,
                                      [&engine, op, phase] { return engine.run(*op, phase); });
            });
      }
    }
  }
  // The scenario suites come after the operations; the permission suite's cleanup last.
  auto key_ops = options.no_suites || stopped ? std::nullopt : suites::key_operations(spec);
  std::unique_ptr<suites::PermissionSuite> permission_suite;
  auto add_suite_test = [&](const char* suite, const char* name,
                            std::function<engine::PhaseResult()> body, bool cleanup = false) {
    ++total;
    ::testing::RegisterTest(suite, name, nullptr, nullptr, __FILE__, __LINE__,
                            [&collector, suite, name, body, cleanup]() -> ::testing::Test* {
                              return new RecordedTest(collector, suite, name, body, cleanup);
                            });
  };
  // A suite works on API keys: it runs only when the selection allows creating, listing and
  // deleting them, and is reported skipped, with why, when it does not.
  const std::string keys_left_out = key_ops ? suites::left_out(*key_ops, run_options) : "";
  auto skipped = [&](const char* suite, const char* name) {
    add_suite_test(suite, name, [suite, name, &keys_left_out] {
      engine::PhaseResult result;
      result.operation_id = suite;
      result.phase = name;
      result.not_tested = "it creates and deletes API keys, and the selection leaves out " +
                          keys_left_out + ": nothing was sent";
      return result;
    });
  };
  if (key_ops && run_options.phases.contains("scenarios")) {
    if (!keys_left_out.empty()) {
      skipped("ApiKeyLifecycle", "scenario");
    } else {
      add_suite_test("ApiKeyLifecycle", "scenario",
                     [&] { return suites::api_key_lifecycle(suite_context, *key_ops); });
    }
  }
  if (key_ops && run_options.phases.contains("permissions") &&
      suites::PermissionSuite::applies(spec) && !keys_left_out.empty()) {
    skipped("Permissions", "valid_documents");
    skipped("Permissions", "invalid_documents");
  } else if (key_ops && run_options.phases.contains("permissions") &&
             suites::PermissionSuite::applies(spec)) {
    permission_suite = std::make_unique<suites::PermissionSuite>(
        suite_context, *key_ops,
        suites::PermissionSuiteOptions{options.permission_cases, options.allow_destructive, 24});
    add_suite_test("Permissions", "valid_documents",
                   [&] { return permission_suite->valid_documents(); });
    add_suite_test("Permissions", "invalid_documents",
                   [&] { return permission_suite->invalid_documents(); });
    add_suite_test(
        "Permissions", "cleanup", [&] { return permission_suite->cleanup(); }, true);
  }
  if (total > 0) {
    std::vector<std::string> gtest_args = {program};
    for (const auto& a : options.gtest_arguments) gtest_args.push_back(a);
    std::vector<char*> gtest_argv;
    for (auto& a : gtest_args) gtest_argv.push_back(a.data());
    int gtest_argc = static_cast<int>(gtest_argv.size());
    gtest_argv.push_back(nullptr);  // GoogleTest moves argv[argc] too when it removes its flags
    if (sharded) {
      // This process runs the suites whole: the shard variables were for the children.
      unsetenv("GTEST_TOTAL_SHARDS");
      unsetenv("GTEST_SHARD_INDEX");
    }
    ::testing::InitGoogleTest(&gtest_argc, gtest_argv.data());
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new ConsolePrinter(collector, total, style, verbosity));
    // The verdict comes from the collected results, which also cover skipped phases.
    [[maybe_unused]] int gtest_status = RUN_ALL_TESTS();
    for (auto& record : collector.records) results.tests.push_back(std::move(record));
    results.interrupted = results.interrupted || g_interrupted.load();
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (options.fail_on_unexercised && !shard_child) {
    // An operation only ever answered 401/403 was not tested: asked to, that is a failure.
    for (auto& t : results.tests) {
      if (t.result.not_exercised.empty()) continue;
      t.result.failures.push_back({.check = "not_exercised",
                                   .message = "not exercised: " + t.result.not_exercised,
                                   .case_summary = t.name});
    }
  }
  if (shard_child) {
    report::write_atomically(
        options.shard_results,
        report::to_json(results).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (parent_gone()) {
      // Nobody merges it: the last shard to end removes the folder the parent made.
      std::error_code ignored;
      std::filesystem::remove(options.shard_results, ignored);
      std::filesystem::remove(std::filesystem::path(options.shard_results).parent_path(), ignored);
    }
  } else {
    report::write_outputs(results, options.outputs);
    report::print_summary(results, std::cout, style);
    report::announce_outputs(options.outputs, std::cout);
  }
  if (results.interrupted) return core::ExitCode::interrupted;
  if (results.failures() > 0 || results.errors() > 0) return core::ExitCode::failures;
  return core::ExitCode::ok;
}

}  // namespace conform::apps
