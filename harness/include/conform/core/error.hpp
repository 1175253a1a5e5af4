#pragma once

#include <stdexcept>
#include <string>

#include "conform/core/diagnostic.hpp"

namespace conform::core {

// The program's contract: every way it ends maps to one of these.
enum class ExitCode : int {
  ok = 0,             // all checks passed / document clean
  failures = 1,       // conformance failures or lint findings
  bad_input = 2,      // bad usage, or a spec that cannot be read or is not OpenAPI
  unreachable = 3,    // the target could not be reached at all
  interrupted = 130,  // stopped by SIGINT or SIGTERM; the reports cover what ran
};

// An error that ends the current command. It carries the diagnostic that explains it and the exit
// code the program returns for it.
class Error : public std::runtime_error {
 public:
  Error(ExitCode exit_code, Diagnostic diagnostic);

  ExitCode exit_code() const { return exit_code_; }
  const Diagnostic& diagnostic() const { return diagnostic_; }

 private:
  ExitCode exit_code_;
  Diagnostic diagnostic_;
};

// Shorthand for the most common case: an input document that cannot be used.
[[noreturn]] void fail_input(std::string code, std::string file, std::string pointer,
                             std::string message);

}  // namespace conform::core
