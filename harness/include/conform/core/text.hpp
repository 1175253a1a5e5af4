#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::core {

// ASCII lower case: header names, methods, media types (never locale-dependent).
std::string ascii_lower(std::string text);
// ASCII upper case: methods as HTTP writes them.
std::string ascii_upper(std::string text);

// `text` cut at each `separator`: "a,,b" → "a", "", "b"; an empty text is one empty piece.
std::vector<std::string> split(std::string_view text, std::string_view separator);
// `text` without the `blanks` it starts and ends with.
std::string trim(std::string_view text, std::string_view blanks = " \t\r\n");

// Text as UTF-8 that any output takes: valid sequences kept, every other byte written as \xNN.
std::string escape_invalid_utf8(std::string_view bytes);

// The offset of the first byte that does not begin a valid UTF-8 sequence; nullopt when all are.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

// The longest prefix of `text` of at most `max_bytes` that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// `text` for a message: as it is up to `max_bytes`, past that its prefix and "...", so that a
// hostile value (a reference of 100,000 slashes) does not make a line of that length.
std::string shortened(std::string_view text, std::size_t max_bytes = 120);

// Base64 with padding (RFC 4648): HTTP basic credentials. Decoding refuses other characters.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// `text` in single quotes for a POSIX shell (a quote inside as '\''): curl lines quote every part.
std::string single_quoted(std::string_view text);
// `text` as one word of a POSIX shell: as it is when it holds only characters no shell treats
// specially, else single_quoted.
std::string shell_quote(std::string_view text);

// The candidate closest to `typed` by edit distance, when it is close enough to be what was meant
// (at most a third of its length away, case ignored): "did you mean ...?".
std::optional<std::string> nearest(std::string_view typed,
                                   const std::vector<std::string>& candidates);
// " (did you mean 'X'?)" for the nearest candidate, or "".
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace conform::core
