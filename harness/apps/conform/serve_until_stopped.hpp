#pragma once

#include <functional>
#include <optional>

namespace conform::apps {

// Holds SIGINT and SIGTERM for serve_until_stopped to take: call it before saying that serving
// has begun (a client may signal as soon as it reads that), and before any thread starts.
void hold_stop_signals();

// Runs `serve` on this thread until SIGINT or SIGTERM, or until `seconds` have passed when given,
// then calls `stop` (from another thread) until `serve` returns. Signals are taken by one thread
// with sigwait, so that stopping is not done in a signal handler. True when a signal ended it.
bool serve_until_stopped(const std::function<void()>& serve, const std::function<void()>& stop,
                         std::optional<double> seconds = std::nullopt);

}  // namespace conform::apps
