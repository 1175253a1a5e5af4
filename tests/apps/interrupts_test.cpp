// Stopping `conform run`: Ctrl-C while it waits for the target, and runs split into --jobs shards
// whose parent is signalled or killed, while the shards start and while they send. The bounds
// below are far above what each should take, for busy machines; a run that ignored the signal
// would take many minutes.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/local_servers.hpp"
#include "support/mock_process.hpp"
#include "support/paths.hpp"

namespace conform {
namespace {

using test::kRootToken;
using test::MockProcess;
using test::project_spec;

// Starts `conform run` with these arguments, its output to /dev/null.
pid_t start_run(std::vector<std::string> args) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("CONFORM_TOKEN", kRootToken.c_str(), 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    args.insert(args.begin(), {CONFORM_BINARY, "run"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(CONFORM_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The exit status, or nullopt when the process is still running after `limit` (it is then killed).
std::optional<int> wait_for(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return std::nullopt;
}

// The children of a process, from /proc.
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t child = 0; in >> child;) out.push_back(child);
  return out;
}

// The children of a process once there are `count` of them; fewer when `limit` passes first.
std::vector<pid_t> wait_for_children(pid_t pid, std::size_t count, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<pid_t> children = children_of(pid);
  while (children.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    children = children_of(pid);
  }
  return children;
}

bool alive(pid_t pid) { return kill(pid, 0) == 0; }

// A shard run of 200 examples per operation against a mock that answers each request 250 ms late:
// minutes of work, unless a signal ends it.
pid_t start_slow_sharded_run(const MockProcess& mock, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "--spec",         project_spec(),
      "--target",       "http://127.0.0.1:" + std::to_string(mock.port()),
      "--jobs",         "2",
      "--max-examples", "200"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_run(args);
}

// Sends SIGINT to the parent alone, as `kill` or a supervisor would, `after` its shards started,
// and says whether the run ended with exit 130 and a JUnit report that says it was interrupted.
void expect_shards_stop_on_a_signal_to_the_parent(std::chrono::milliseconds after) {
  MockProcess mock(project_spec(), {"--fault", "slow_responses"});
  auto junit = std::filesystem::temp_directory_path() /
               ("conform-jobs-" + std::to_string(getpid()) + ".xml");
  pid_t run = start_slow_sharded_run(mock, {"--junit", junit.string()});
  // Loading and the credential probe come first; a busy machine can make them slow.
  std::vector<pid_t> shards = wait_for_children(run, 2, std::chrono::seconds(60));
  ASSERT_EQ(shards.size(), 2u);
  std::this_thread::sleep_for(after);
  kill(run, SIGINT);
  EXPECT_EQ(wait_for(run, std::chrono::seconds(60)), 130);
  for (pid_t shard : shards) EXPECT_FALSE(alive(shard)) << shard;
  std::ifstream in(junit);
  std::stringstream report;
  report << in.rdbuf();
  EXPECT_THAT(report.str(), ::testing::HasSubstr("interrupted"));
  std::filesystem::remove(junit);
}

// SIGKILL to the parent `after` its shards started: they end, and the last removes their folder.
void expect_shards_end_with_a_killed_parent(std::chrono::milliseconds after) {
  MockProcess mock(project_spec(), {"--fault", "slow_responses"});
  pid_t run = start_slow_sharded_run(mock);
  std::vector<pid_t> shards = wait_for_children(run, 2, std::chrono::seconds(60));
  ASSERT_EQ(shards.size(), 2u);
  auto folder = std::filesystem::temp_directory_path() / ("conform-shards-" + std::to_string(run));
  EXPECT_TRUE(std::filesystem::exists(folder));
  std::this_thread::sleep_for(after);
  kill(run, SIGKILL);
  wait_for(run, std::chrono::seconds(5));
  // Orphans are reaped by init; wait until they are gone.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto any_alive = [&] {
    return std::any_of(shards.begin(), shards.end(), [](pid_t p) {
      std::ifstream status("/proc/" + std::to_string(p) + "/status");
      std::string line;
      while (std::getline(status, line)) {
        if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
      }
      return false;
    });
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(any_alive());
  EXPECT_FALSE(std::filesystem::exists(folder));
}

// A workflow told to stop after it made a key still deletes it: the next step's failure action
// leads to the step that does, sent after the signal like any cleanup.
TEST(Interrupts, AnInterruptedWorkflowDeletesWhatItMade) {
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("conform-interrupted-" + std::to_string(getpid()) + ".log"))
                              .string();
  MockProcess mock(project_spec(), {"--log", "--fault", "slow_responses"}, log);
  pid_t run = start_run({"--spec", project_spec(), "--target",
                         "http://127.0.0.1:" + std::to_string(mock.port()), "--phases", "scenarios",
                         "--suite", test::source("suites/vast-api-keys.arazzo.yaml").string()});
  // The mock logs a request as it takes it, and answers 250 ms later: 400 ms after the POST is
  // logged, its answer (the key) has come and the next request is on its way.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (test::read_file(log).find("POST /api/v0/auth/apikeys/") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(run, SIGINT);
  EXPECT_EQ(wait_for(run, std::chrono::seconds(10)), 130);
  mock.stop();
  std::string received = test::read_file(log);
  std::filesystem::remove(log);
  auto posted = received.find("POST /api/v0/auth/apikeys/");
  ASSERT_NE(posted, std::string::npos) << received;
  EXPECT_NE(received.find("DELETE /api/v0/auth/apikeys/", posted), std::string::npos) << received;
}

TEST(Interrupts, CtrlCWhileWaitingForTheTargetEndsTheRun) {
  std::string target = "http://127.0.0.1:" + std::to_string(test::free_port());
  pid_t run = start_run({"--spec", project_spec(), "--target", target, "--wait-for-target", "300"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(run, SIGINT);
  EXPECT_EQ(wait_for(run, std::chrono::seconds(10)), 130);
}

// The shards are sending: each stops within a second and writes what it has for the parent.
TEST(Interrupts, ASignalToTheParentReachesEveryShard) {
  expect_shards_stop_on_a_signal_to_the_parent(std::chrono::milliseconds(1500));
}

// The shards are still loading the description: the signal waits for their handlers.
TEST(Interrupts, ASignalWhileTheShardsStartStillEndsWithReports) {
  expect_shards_stop_on_a_signal_to_the_parent(std::chrono::milliseconds(0));
}

TEST(Interrupts, ShardsEndWithAKilledParentAndLeaveNoFolder) {
  expect_shards_end_with_a_killed_parent(std::chrono::milliseconds(1500));
}

// Killed before its shards had loaded the description: they find it gone, write nothing to
// merge, and still remove their folder.
TEST(Interrupts, ShardsOfAParentKilledAsTheyStartLeaveNoFolder) {
  expect_shards_end_with_a_killed_parent(std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace conform
