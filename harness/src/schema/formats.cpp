#include "conform/schema/formats.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <string>

#include "conform/schema/regex.hpp"

namespace conform::schema {
namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_date(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day)) {
    return false;
  }
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int limit = kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= limit;
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second only at 23:59:60 UTC.
bool valid_time(std::string_view text) {
  int hour = 0, minute = 0, second = 0;
  if (text.size() < 9 || text[2] != ':' || text[5] != ':') return false;
  if (!digits(text, 0, 2, hour) || !digits(text, 3, 2, minute) || !digits(text, 6, 2, second)) {
    return false;
  }
  std::size_t at = 8;
  if (at < text.size() && text[at] == '.') {
    std::size_t start = ++at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start) return false;
  }
  if (at >= text.size()) return false;
  int offset_minutes = 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    if (at + 1 != text.size()) return false;
  } else if (text[at] == '+' || text[at] == '-') {
    int offset_hour = 0, offset_minute = 0;
    if (text.size() != at + 6 || text[at + 3] != ':') return false;
    if (!digits(text, at + 1, 2, offset_hour) || !digits(text, at + 4, 2, offset_minute)) {
      return false;
    }
    if (offset_hour > 23 || offset_minute > 59) return false;
    offset_minutes = (offset_hour * 60 + offset_minute) * (text[at] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (second == 60) {
    int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool valid_date_time(std::string_view text) {
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return false;
  return valid_date(text.substr(0, 10)) && valid_time(text.substr(11));
}

bool valid_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t at = 0;
  while (true) {
    std::size_t start = at;
    int value = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      value = value * 10 + (text[at] - '0');
      if (value > 255 || at - start >= 3) return false;
      ++at;
    }
    std::size_t length = at - start;
    if (length == 0 || (length > 1 && text[start] == '0')) return false;
    ++parts;
    if (at == text.size()) break;
    if (text[at] != '.' || parts == 4) return false;
    ++at;
  }
  return parts == 4;
}

bool valid_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  std::string owned(text);
  unsigned char buffer[16];
  return inet_pton(AF_INET6, owned.c_str(), buffer) == 1;
}

bool valid_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return true;
}

bool valid_email(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (local.size() > 64) return false;
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(local[i]);
      if (c < 32 || c == 127) return false;
      if (c == '\\') ++i;
    }
  } else {
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
      return false;
    }
    static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
    for (char c : local) {
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          kSpecials.find(c) == std::string_view::npos) {
        return false;
      }
    }
  }
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    std::string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.rfind("IPv6:", 0) == 0) return valid_ipv6(literal.substr(5));
    return valid_ipv4(literal);
  }
  return valid_hostname(domain);
}

bool is_uri_char(char c) {
  static constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  return std::isalnum(static_cast<unsigned char>(c)) || kAllowed.find(c) != std::string_view::npos;
}

bool valid_percent_encoding(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_uri_char(text[i])) return false;
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        return false;
      }
    }
  }
  return true;
}

bool valid_uri_reference(std::string_view text) {
  if (!valid_percent_encoding(text)) return false;
  // "[" and "]" only delimit an IP literal host.
  auto open = text.find('[');
  auto close = text.find(']');
  if ((open == std::string_view::npos) != (close == std::string_view::npos)) return false;
  if (open != std::string_view::npos && (close < open || text.find("//") > open)) return false;
  return true;
}

bool valid_uri(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.rfind("//", 0) == 0) {
    // The authority's user-info may not hold '[' and its port must be digits.
    std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
    auto host = authority.substr(
        authority.find('@') == std::string_view::npos ? 0 : authority.find('@') + 1);
    if (!host.empty() && host.front() != '[') {
      auto port = host.find(':');
      if (port != std::string_view::npos) {
        for (char c : host.substr(port + 1)) {
          if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        }
      }
    }
  }
  return valid_uri_reference(text);
}

bool valid_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

bool valid_json_pointer(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() != '/') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '~' && (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_checked_format(std::string_view format) {
  static constexpr std::array<std::string_view, 12> kChecked = {
      "date-time", "date", "time",          "email", "hostname", "ipv4",
      "ipv6",      "uri",  "uri-reference", "uuid",  "regex",    "json-pointer"};
  for (auto checked : kChecked) {
    if (checked == format) return true;
  }
  return false;
}

std::optional<bool> check_format(std::string_view format, std::string_view value) {
  if (format == "date-time") return valid_date_time(value);
  if (format == "date") return valid_date(value);
  if (format == "time") return valid_time(value);
  if (format == "email") return valid_email(value);
  if (format == "hostname") return valid_hostname(value);
  if (format == "ipv4") return valid_ipv4(value);
  if (format == "ipv6") return valid_ipv6(value);
  if (format == "uri") return valid_uri(value);
  if (format == "uri-reference") return valid_uri_reference(value);
  if (format == "uuid") return valid_uuid(value);
  if (format == "regex") return Regex::compile(value).has_value();
  if (format == "json-pointer") return valid_json_pointer(value);
  return std::nullopt;
}

}  // namespace conform::schema
