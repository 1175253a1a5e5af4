#include "conform/runner/interrupt.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include "conform/core/error.hpp"

namespace conform::runner {
namespace {

std::atomic<bool> g_interrupted{false};
// A --jobs shard may get Ctrl-C twice (from the terminal, and passed on by its parent).
std::atomic<bool> g_is_shard{false};

void on_signal(int) {
  if (g_interrupted.exchange(true) && !g_is_shard.load()) {
    _exit(static_cast<int>(core::ExitCode::interrupted));
  }
}

}  // namespace

std::atomic<bool>& interrupted() { return g_interrupted; }

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

void stop_on_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

void become_shard() {
  g_is_shard = true;
  stop_on_signals();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  // The parent starts its shards with these signals blocked: one sent while the shard was still
  // starting has waited for the handlers above instead of killing it before it wrote anything.
  const sigset_t held = stop_signals();
  sigprocmask(SIG_UNBLOCK, &held, nullptr);
}

}  // namespace conform::runner
