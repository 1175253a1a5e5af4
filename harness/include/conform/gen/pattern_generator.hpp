#pragma once

#include <rapidcheck.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace conform::gen {

// Generates strings that a regular expression matches, for the subset that API descriptions use:
// anchors, literals and escapes, character classes (with ranges, negation, \d \w \s), `.`, groups
// (capturing, non-capturing, named), alternation and quantifiers (greedy or lazy). Lookaround,
// backreferences and word boundaries are outside the subset: `parse` says so and the caller falls
// back to examples and filtering.
class PatternGenerator {
 public:
  static std::optional<PatternGenerator> parse(std::string_view pattern,
                                               std::string* why = nullptr);

  // Strings the pattern matches (as a search: the generated text is itself a match).
  rc::Gen<std::string> strings() const;

  struct Node;

 private:
  explicit PatternGenerator(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

// Encodes one code point as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace conform::gen
