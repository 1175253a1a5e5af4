#pragma once

#include <signal.h>

#include <atomic>

namespace conform::runner {

// The run's stop flag: set by SIGINT or SIGTERM once the handlers are installed, read by the
// transport (every tenth of a second) and by the tests that have not started.
std::atomic<bool>& interrupted();

// The first signal stops sending at once (only cleanup requests still go) and lets the run write
// its reports; a second one exits at once with the interrupted exit code, except in a --jobs shard,
// which always writes its results and leaves the decision to its parent.
void stop_on_signals();

// SIGINT and SIGTERM, the signals that stop a run: a parent starts its shards with them blocked,
// and a shard unblocks them in become_shard, once it handles them.
sigset_t stop_signals();

// This process is a --jobs shard: it stops on signals from now on (those sent while it started
// were held for it, see run_shards), is sent SIGTERM when its parent ends, however it ends, and a
// second signal does not end it early.
void become_shard();

}  // namespace conform::runner
