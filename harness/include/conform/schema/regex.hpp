#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace conform::schema {

// An ECMA-262 flavoured regular expression as JSON Schema's `pattern` uses, matched with bounded
// effort: a pathological pattern or a huge subject yields `Outcome::gave_up`, never a hang or a
// stack overflow (std::regex, which the validator would otherwise use, offers neither guarantee).
class Regex {
 public:
  enum class Outcome { match, no_match, gave_up };

  // Returns nullopt and fills `error` when the pattern does not compile.
  static std::optional<Regex> compile(std::string_view pattern, std::string* error = nullptr);

  // Unanchored search, as JSON Schema specifies. Thread-safe.
  Outcome search(std::string_view subject) const;
  const std::string& pattern() const;

 private:
  struct Code;
  explicit Regex(std::shared_ptr<const Code> code) : code_(std::move(code)) {}
  std::shared_ptr<const Code> code_;
};

}  // namespace conform::schema
