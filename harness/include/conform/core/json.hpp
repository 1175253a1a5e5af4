#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace conform::core {

// How deep any JSON that reaches conform may nest. Every walk over JSON (copying, dumping,
// masking, normalising, validating, generating) recurses at most this far, so a hostile document
// or body is refused here, before any recursive work, instead of overflowing the stack later.
constexpr std::size_t kMaxJsonDepth = 512;

// Why a text is not JSON conform accepts, and where (byte offset, 0-based).
struct JsonError {
  std::size_t offset = 0;
  std::string message;
};

// Parses JSON text with the nesting bounded before any value is built: deeper text, syntax
// errors and numbers beyond the range of a double (1e400, a 400-digit integer) are errors with
// their offset, never exceptions.
std::variant<nlohmann::json, JsonError> parse_json(std::string_view text,
                                                   std::size_t max_depth = kMaxJsonDepth);

// As parse_json, for text from the network: anything that is not acceptable JSON is a discarded
// value (is_discarded()).
nlohmann::json parse_json_or_discarded(std::string_view text,
                                       std::size_t max_depth = kMaxJsonDepth);

// Line and column (1-based) of a byte offset.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset);

}  // namespace conform::core
