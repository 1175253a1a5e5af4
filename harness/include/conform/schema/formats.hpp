#pragma once

#include <optional>
#include <string_view>

namespace conform::schema {

// Checks a string against a JSON Schema / OpenAPI `format`. Returns nullopt for formats that are
// not checked (they remain annotations), otherwise whether the value conforms.
// Checked: date-time, date, time (RFC 3339, leap years and leap seconds), email, hostname, ipv4,
// ipv6, uri, uri-reference, uuid, regex, json-pointer.
std::optional<bool> check_format(std::string_view format, std::string_view value);

bool is_checked_format(std::string_view format);

}  // namespace conform::schema
