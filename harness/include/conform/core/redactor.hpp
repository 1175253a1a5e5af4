#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace conform::core {

// The credentials of a run and what stands in their place. Every text that reaches an output
// (bodies, header values, curl lines, messages) passes through it before it is cut or quoted,
// so a secret is never shown whole or in part. Each secret is also found in the forms it takes
// on its way: percent-encoded (upper- and lower-case hex), base64, JSON-escaped, inside a shell's
// single quotes, and XML/HTML-escaped.
class Redactor {
 public:
  void add(const std::string& secret, const std::string& placeholder);
  std::string operator()(std::string text) const;
  bool empty() const { return forms_.empty(); }

 private:
  struct Form {
    std::string text;
    std::string placeholder;
  };
  std::vector<Form> forms_;  // longest first: a form that contains another goes first
};

}  // namespace conform::core
