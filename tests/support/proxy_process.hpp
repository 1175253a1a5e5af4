#pragma once
// Runs the real `conform proxy` for end-to-end tests, on a free port, its output kept in a file.
#include <httplib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/mock_process.hpp"
#include "support/paths.hpp"

namespace conform::test {

class ProxyProcess {
 public:
  // `conform proxy --spec SPEC --target TARGET --port 0 EXTRA...`, its standard output and error
  // in `output_file`.
  ProxyProcess(const std::string& spec, const std::string& target, std::vector<std::string> extra,
               std::filesystem::path output_file)
      : output_file_(std::move(output_file)) {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      FILE* out = std::fopen(output_file_.c_str(), "w");
      if (out != nullptr) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
      std::vector<std::string> args = {"proxy", "--spec", spec, "--target", target, "--port", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      exec_conform(std::move(args));
    }
    // The banner names the port: "conform proxy: http://127.0.0.1:PORT passes ...".
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text = read_file(output_file_);
      auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos && text.find(" passes ", at) != std::string::npos) {
        port_ = std::stoi(text.substr(at + 17));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return;  // it ended at once: output() says why
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("conform proxy did not start: " + read_file(output_file_));
  }
  ~ProxyProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Sends `signal` and waits: the exit code.
  int stop(int signal = SIGINT) {
    if (pid_ > 0) {
      kill(pid_, signal);
      wait();
    }
    return exit_code_;
  }
  // Waits for the process to end by itself: the exit code.
  int wait() {
    if (pid_ > 0) {
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return exit_code_;
  }
  int port() const { return port_; }
  std::string output() const { return read_file(output_file_); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }

 private:
  std::filesystem::path output_file_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
};

}  // namespace conform::test
