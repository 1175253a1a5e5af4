#pragma once
// Runs a shell command for end-to-end tests: its exit code and its output (stderr included).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace conform::test {

struct ShellResult {
  int exit_code = -1;
  std::string output;
};

inline ShellResult shell(const std::string& command) {
  ShellResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace conform::test

namespace conform::test {

// The exit code alone, the output into `output` when asked.
inline int sh(const std::string& command, std::string* output = nullptr) {
  ShellResult result = shell(command);
  if (output != nullptr) *output = std::move(result.output);
  return result.exit_code;
}

}  // namespace conform::test
