#pragma once
// Servers in the test process: an HTTP one with given routes, and a raw TCP one for answers no
// HTTP server would give.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace conform::test {

// An HTTP server in the test process, on a free port.
class LocalServer {
 public:
  explicit LocalServer(std::function<void(httplib::Server&)> routes) {
    // A thread per kept-alive connection: more than conform keeps in flight (16), or the
    // connections past httplib's default pool wait out its 5 s keep-alive.
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// A TCP socket bound to a free loopback port, not listening yet; the port in `port`.
inline int bind_loopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

// A loopback port nothing listens on: free when asked, for a server the test starts on it.
inline int free_port() {
  int port = 0;
  close(bind_loopback(&port));
  return port;
}

// A TCP server that answers every connection with fixed bytes (or nothing) and closes.
class RawServer {
 public:
  explicit RawServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = bind_loopback(&port_);
    listen(fd_, 16);
    thread_ = std::thread([this] {
      while (true) {
        int client = accept(fd_, nullptr, nullptr);
        if (client < 0 || stopping_) break;
        ++connections_;
        char buffer[4096];
        ssize_t got = read(client, buffer, sizeof buffer);
        {
          std::lock_guard lock(mutex_);
          last_request_.assign(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
        }
        if (!reply_.empty()) (void)!write(client, reply_.data(), reply_.size());
        close(client);
      }
    });
  }
  ~RawServer() {
    stopping_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  // The bytes of the last request (its first 4 KiB), as they came.
  std::string last_request() const {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  std::string reply_;
  mutable std::mutex mutex_;
  std::string last_request_;
  std::atomic<int> connections_{0};
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace conform::test
