#include "conform/schema/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace conform::schema {
namespace {

// Bounds on one match: backtracking steps, and heap (KiB) for PCRE2's backtracking frames.
constexpr std::uint32_t kMatchLimit = 2'000'000;
constexpr std::uint32_t kHeapLimitKib = 64 * 1024;

struct MatchContextDeleter {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};

pcre2_match_context* shared_match_context() {
  static std::unique_ptr<pcre2_match_context, MatchContextDeleter> context = [] {
    std::unique_ptr<pcre2_match_context, MatchContextDeleter> made(
        pcre2_match_context_create(nullptr));
    pcre2_set_match_limit(made.get(), kMatchLimit);
    pcre2_set_heap_limit(made.get(), kHeapLimitKib);
    return made;
  }();
  return context.get();
}

}  // namespace

struct Regex::Code {
  std::string pattern;
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

std::optional<Regex> Regex::compile(std::string_view pattern, std::string* error) {
  // ECMA-262 semantics where PCRE2 differs: `$` only at the very end, \uXXXX escapes, UTF-8
  // subjects (invalid UTF-8 simply does not match instead of failing).
  std::uint32_t options =
      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX;
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error_code, &error_offset, context);
  pcre2_compile_context_free(context);
  if (code == nullptr) {
    if (error != nullptr) {
      PCRE2_UCHAR buffer[256];
      pcre2_get_error_message(error_code, buffer, sizeof buffer);
      *error = std::string(reinterpret_cast<const char*>(buffer)) + " at offset " +
               std::to_string(error_offset);
    }
    return std::nullopt;
  }
  auto shared = std::make_shared<Code>();
  shared->pattern = std::string(pattern);
  shared->code = code;
  return Regex(std::move(shared));
}

Regex::Outcome Regex::search(std::string_view subject) const {
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                       0, data, shared_match_context());
  pcre2_match_data_free(data);
  if (rc >= 0) return Outcome::match;
  if (rc == PCRE2_ERROR_NOMATCH) return Outcome::no_match;
  return Outcome::gave_up;
}

const std::string& Regex::pattern() const { return code_->pattern; }

}  // namespace conform::schema
