#include "serve_until_stopped.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <thread>

namespace conform::apps {

namespace {

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void hold_stop_signals() {
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

bool serve_until_stopped(const std::function<void()>& serve, const std::function<void()>& stop,
                         std::optional<double> seconds) {
  const sigset_t signals = stop_signals();
  hold_stop_signals();  // in case the caller has not: before any serving thread starts
  std::atomic<bool> finished{false};
  std::atomic<bool> signalled{false};
  std::thread waiter([&] {
    int received = 0;
    if (seconds) {
      timespec wait{};
      wait.tv_sec = static_cast<time_t>(*seconds);
      wait.tv_nsec = static_cast<long>((*seconds - static_cast<double>(wait.tv_sec)) * 1e9);
      received = sigtimedwait(&signals, nullptr, &wait);
    } else {
      sigwait(&signals, &received);
    }
    signalled = received > 0 && !finished;
    // A stop that arrives before the server has started listening is lost, so it is repeated
    // until serving has ended.
    while (!finished) {
      stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  serve();
  finished = true;
  // serve() also returns if the server fails; wake the waiter so that it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return signalled;
}

}  // namespace conform::apps
