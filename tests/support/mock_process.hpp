#pragma once
// Runs the real `conform mock` for end-to-end tests, on a free port, stopped with SIGTERM.
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/paths.hpp"

namespace conform::test {

inline const std::string kRootToken = "conform-mock-root-token";
inline const httplib::Headers kAuth = {{"Authorization", "Bearer " + kRootToken}};

inline std::string project_spec() { return source("spec/openapi.json").string(); }

// In a forked child: becomes `conform ARGS...`, or exits 127.
[[noreturn]] inline void exec_conform(std::vector<std::string> args) {
  args.insert(args.begin(), CONFORM_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

inline httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// Starts `conform mock` on a free port and stops it (SIGTERM) at the end; its standard error goes
// to `stderr_file` when one is named (with --log: a line per request it received).
class MockProcess {
 public:
  explicit MockProcess(const std::string& spec, std::vector<std::string> extra = {},
                       const std::string& stderr_file = {}) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // no mock outlives a test process that crashed
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      if (!stderr_file.empty()) {
        int err = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err >= 0) dup2(err, STDERR_FILENO);
      }
      std::vector<std::string> args = {"mock", "--spec", spec, "--port", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      exec_conform(std::move(args));
    }
    close(out[1]);
    FILE* stream = fdopen(out[0], "r");
    char line[1024] = {};
    if (fgets(line, sizeof line, stream) == nullptr) throw std::runtime_error("mock did not start");
    banner_ = line;
    fclose(stream);
    port_ = std::stoi(banner_.substr(banner_.rfind(':') + 1));
  }
  ~MockProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  // SIGTERM, and the exit code.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    c.set_write_timeout(10, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }
  const std::string& banner() const { return banner_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string banner_;
};

}  // namespace conform::test
