#include "conform/runner/shards.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/runner/interrupt.hpp"

extern char** environ;

// Every field of the options, once: nlohmann's macros write and read them alike.
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& out, const std::optional<T>& value) {
    out = value ? json(*value) : json(nullptr);
  }
  static void from_json(const json& in, std::optional<T>& value) {
    value = in.is_null() ? std::nullopt : std::optional<T>(in.get<T>());
  }
};
}  // namespace nlohmann

namespace conform::engine {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Selection, operations, exclude_operations, tags, exclude_tags,
                                   methods, path_regex, read_only)
}  // namespace conform::engine

namespace conform::runner {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunConfig, spec, target, outputs, token_env, seed, max_examples,
                                   max_link_depth, max_examples_given, duration, selection, checks,
                                   phases, jobs, rate, pace, timeout, wait_for_target,
                                   max_response_time, insecure, cacert, headers, secret_headers,
                                   max_response_bytes, dry_run, no_colour, quiet, verbose,
                                   permission_cases, allow_destructive, enforce_vast_rules,
                                   fail_on_unexercised, base_path, suites, suite_inputs,
                                   suite_inputs_file, shard_results, no_suites, shard_plan,
                                   gtest_arguments)

void write_shard_plan(const RunConfig& options, const std::filesystem::path& file) {
  const std::string text = nlohmann::json(options).dump();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written =
      fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!written) {
    core::fail_input("run.jobs", file.string(), "", "cannot write a shard's plan");
  }
}

RunConfig take_shard_plan(const std::filesystem::path& file) {
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  try {
    nlohmann::json plan = core::parse_json_or_discarded(text);
    if (plan.is_discarded()) throw std::invalid_argument("not JSON");
    return plan.get<RunConfig>();
  } catch (const std::exception& e) {
    core::fail_input("run.jobs", file.string(), "", std::string("a shard's plan: ") + e.what());
  }
}

// The pid of the run that started this shard (its CONFORM_SHARD_PARENT), 0 when none.
namespace {
pid_t shard_parent() {
  const char* text = std::getenv("CONFORM_SHARD_PARENT");
  return text == nullptr ? 0 : static_cast<pid_t>(std::atol(text));
}

// posix_spawn's attributes for a shard: it starts with the stop signals blocked, so that one passed
// on while it loads the description waits for its handlers instead of ending it with nothing
// written (it unblocks them in become_shard).
class SignalsHeldAtSpawn {
 public:
  SignalsHeldAtSpawn() {
    posix_spawnattr_init(&attributes_);
    const sigset_t held = stop_signals();
    posix_spawnattr_setsigmask(&attributes_, &held);
    posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK);
  }
  ~SignalsHeldAtSpawn() { posix_spawnattr_destroy(&attributes_); }
  SignalsHeldAtSpawn(const SignalsHeldAtSpawn&) = delete;
  SignalsHeldAtSpawn& operator=(const SignalsHeldAtSpawn&) = delete;
  const posix_spawnattr_t* get() const { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

}  // namespace

bool parent_gone() { return shard_parent() != 0 && getppid() != shard_parent(); }

// A shard is asked to stop (SIGTERM, handled as an interrupt) when its parent run ends, however it
// ends: SIGKILL included. If the parent is gone already, there is nothing to report to.
void end_with_parent() {
  become_shard();
  if (parent_gone()) interrupted() = true;
}

OrphanedShardCleanup::~OrphanedShardCleanup() {
  if (!parent_gone()) return;
  // Nobody merges what it leaves: the last shard to end removes the folder the parent made.
  std::error_code ignored;
  std::filesystem::remove(results_, ignored);
  std::filesystem::remove(results_.parent_path(), ignored);
}

// --jobs: the same command in N processes, one GoogleTest shard each; their results merged.
report::RunResults run_shards(const RunConfig& options, std::uint64_t seed,
                              const std::string& program) {
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("conform-shards-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  std::filesystem::permissions(directory, std::filesystem::perms::owner_all);
  std::vector<pid_t> children;
  std::vector<std::filesystem::path> files;
  const SignalsHeldAtSpawn held;
  for (int shard = 0; shard < options.jobs; ++shard) {
    // The shard's run is the parent's, less what only the parent does: writing the reports,
    // running the suites, sharding.
    files.push_back(directory / ("shard-" + std::to_string(shard) + ".json"));
    RunConfig plan = options;
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
        program,    "run",          "--spec",       options.spec,
        "--target", options.target, "--shard-plan", plan_file.string()};
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
    if (posix_spawn(&pid, program.c_str(), nullptr, held.get(), argv_c.data(), env_c.data()) != 0) {
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
    if (interrupted().load() && !passed_on) {
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
    if (json.is_discarded() && interrupted().load()) {
      // Stopped before it could write (a supervisor's SIGKILL): the run says it was interrupted.
      merged.interrupted = true;
      continue;
    }
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
    report::merge_into(merged, report::results_from_json(json));
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);
  return merged;
}

}  // namespace conform::runner
