#include "conform/core/diagnostic.hpp"

#include <algorithm>

namespace conform::core {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

std::string format(const Diagnostic& diagnostic) {
  std::string out = diagnostic.file;
  if (!diagnostic.pointer.empty()) out += "#" + diagnostic.pointer;
  if (!out.empty()) out += ": ";
  out += to_string(diagnostic.severity);
  out += " [" + diagnostic.code + "] " + diagnostic.message;
  return out;
}

nlohmann::json to_json(const Diagnostic& diagnostic) {
  return {{"severity", to_string(diagnostic.severity)},
          {"code", diagnostic.code},
          {"file", diagnostic.file},
          {"pointer", diagnostic.pointer},
          {"message", diagnostic.message}};
}

void Diagnostics::add(Severity severity, std::string code, std::string file, std::string pointer,
                      std::string message) {
  items_.push_back(
      {severity, std::move(code), std::move(file), std::move(pointer), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::size_t Diagnostics::count(Severity severity) const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.severity == severity; }));
}

}  // namespace conform::core
