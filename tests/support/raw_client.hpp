#pragma once

// A raw TCP client for servers under test, for clients no HTTP library would be: pipelining,
// stalls, trickles, malformed bytes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace conform::test {

// How many whole HTTP answers `bytes` holds: a header, then a body of its Content-Length.
inline int complete_answers(std::string_view bytes) {
  int answers = 0;
  std::size_t at = 0;
  while (true) {
    std::size_t end = bytes.find("\r\n\r\n", at);
    if (end == std::string_view::npos) return answers;
    std::string_view head = bytes.substr(at, end - at);
    std::size_t length = 0;
    for (std::size_t line = 0; line < head.size();) {
      std::size_t next = head.find("\r\n", line);
      if (next == std::string_view::npos) next = head.size();
      std::string_view field = head.substr(line, next - line);
      constexpr std::string_view kLength = "content-length:";
      if (field.size() > kLength.size()) {
        std::string name(field.substr(0, kLength.size()));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == kLength) length = std::strtoull(field.data() + kLength.size(), nullptr, 10);
      }
      line = next + 2;
    }
    if (bytes.size() < end + 4 + length) return answers;
    ++answers;
    at = end + 4 + length;
  }
}

class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& other) noexcept : fd_(other.fd_), received_(std::move(other.received_)) {
    other.fd_ = -1;
  }

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // Reads until `answers` whole answers are in, the server closes, or `quiet` passes without a
  // byte; returns everything read so far on this connection.
  std::string read_answers(int answers = 1,
                           std::chrono::milliseconds quiet = std::chrono::seconds(5)) {
    while (complete_answers(received_) < answers && read_some(quiet) > 0) {
    }
    return received_;
  }

  // Reads until `text` has arrived (or the server closes, or `quiet` passes).
  std::string read_until(std::string_view text,
                         std::chrono::milliseconds quiet = std::chrono::seconds(5)) {
    while (received_.find(text) == std::string::npos && read_some(quiet) > 0) {
    }
    return received_;
  }

  // Whether the server closes the connection (end of stream or reset) within `wait`; what it
  // sent before is kept.
  bool closed_within(std::chrono::milliseconds wait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      ssize_t n = read_some(left);
      if (n <= 0) return n == 0 || errno != EAGAIN;
    }
    return false;
  }

  // Whether a byte is waiting now.
  bool has_data_now() const {
    pollfd watch{fd_, POLLIN, 0};
    return poll(&watch, 1, 0) == 1;
  }

  const std::string& received() const { return received_; }

 private:
  // One read after at most `wait`: bytes read, 0 at the end of the stream, -1 on silence
  // (errno EAGAIN) or error.
  ssize_t read_some(std::chrono::milliseconds wait) {
    pollfd watch{fd_, POLLIN, 0};
    int ready = poll(&watch, 1, static_cast<int>(wait.count()));
    if (ready <= 0) {
      errno = EAGAIN;
      return -1;
    }
    char buffer[16384];
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n > 0) received_.append(buffer, static_cast<std::size_t>(n));
    return n;
  }

  int fd_ = -1;
  std::string received_;
};

}  // namespace conform::test
