#include "conform/core/error.hpp"

namespace conform::core {

Error::Error(ExitCode exit_code, Diagnostic diagnostic)
    : std::runtime_error(format(diagnostic)),
      exit_code_(exit_code),
      diagnostic_(std::move(diagnostic)) {}

void fail_input(std::string code, std::string file, std::string pointer, std::string message) {
  throw Error(ExitCode::bad_input, Diagnostic{Severity::error, std::move(code), std::move(file),
                                              std::move(pointer), std::move(message)});
}

}  // namespace conform::core
