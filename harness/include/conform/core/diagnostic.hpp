#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace conform::core {

enum class Severity { info, warning, error };

std::string_view to_string(Severity severity);

// One finding about an input: where it is (file and JSON pointer), what kind it is (a stable code
// that tools can filter on) and a sentence for people.
struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;
  std::string file;
  std::string pointer;
  std::string message;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// "file#/pointer: severity [code] message", the one-line form used on the console.
std::string format(const Diagnostic& diagnostic);
nlohmann::json to_json(const Diagnostic& diagnostic);

// An ordered collection that several stages append to.
class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void add(Severity severity, std::string code, std::string file, std::string pointer,
           std::string message);
  void append(const Diagnostics& other);

  const std::vector<Diagnostic>& items() const& { return items_; }
  // On a temporary (`spec.diagnostics().items()` in a range-for) the list is moved out, so that it
  // lives as long as the loop.
  std::vector<Diagnostic> items() && { return std::move(items_); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t count(Severity severity) const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace conform::core
