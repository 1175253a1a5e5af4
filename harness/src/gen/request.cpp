#include "conform/gen/request.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"

namespace conform::gen {
namespace {

bool unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

bool reserved(char c) {
  return std::string_view(":/?#[]@!$&'()*+,;=").find(c) != std::string_view::npos;
}

std::string encode(std::string_view text) { return percent_encode(text); }

// Items of an array, or key/value pairs of an object, as text.
std::vector<std::string> flatten_pairs(const nlohmann::json& value, const std::string& join) {
  std::vector<std::string> out;
  for (auto it = value.begin(); it != value.end(); ++it) {
    out.push_back(join.empty() ? it.key() : it.key() + join + parameter_text(*it));
    if (join.empty()) out.push_back(parameter_text(*it));
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> encoded_items(const nlohmann::json& value) {
  std::vector<std::string> out;
  for (const auto& item : value) out.push_back(encode(parameter_text(item)));
  return out;
}

std::vector<std::string> encoded_object(const nlohmann::json& value, bool explode) {
  std::vector<std::string> out;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (explode) {
      out.push_back(encode(it.key()) + "=" + encode(parameter_text(*it)));
    } else {
      out.push_back(encode(it.key()));
      out.push_back(encode(parameter_text(*it)));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

std::map<std::string, std::string> path_values(const std::string& templ, const std::string& path) {
  std::map<std::string, std::string> values;
  auto names = path_segments(templ);
  auto sent = path_segments(path);
  if (names.size() != sent.size()) return values;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name.size() < 3 || name.front() != '{' || name.back() != '}') continue;
    if (auto text = core::percent_decode(sent[i])) values[name.substr(1, name.size() - 2)] = *text;
  }
  return values;
}

std::string with_path_value(const std::string& templ, const std::string& path,
                            const std::string& name, const std::string& text) {
  auto names = path_segments(templ);
  auto sent = path_segments(path);
  if (names.size() != sent.size()) return path;
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += "/";
    out += names[i] == "{" + name + "}" ? percent_encode(text) : sent[i];
  }
  return out;
}

std::string percent_encode(std::string_view text, bool allow_reserved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (unreserved(c) || (allow_reserved && reserved(c))) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string parameter_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_number_float()) {
    // An integral double past uint64 in digits (1e20 as 100000000000000000000), so that a server
    // reading the parameter as an integer can; every such double is exactly that integer.
    double number = value.get<double>();
    if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) >= 1e16) {
      char digits[400];
      std::snprintf(digits, sizeof digits, "%.0f", number);
      return digits;
    }
  }
  return value.dump();
}

std::string serialize_path_parameter(const spec::Parameter& p, const nlohmann::json& value) {
  const bool is_list = value.is_array();
  const bool is_map = value.is_object();
  if (p.style == "label") {
    if (is_list) return "." + joined(encoded_items(value), p.explode ? "." : ",");
    if (is_map) return "." + joined(encoded_object(value, p.explode), p.explode ? "." : ",");
    return "." + encode(parameter_text(value));
  }
  if (p.style == "matrix") {
    std::string name = encode(p.name);
    if (is_list) {
      if (!p.explode) return ";" + name + "=" + joined(encoded_items(value), ",");
      std::string out;
      for (const auto& item : encoded_items(value)) out += ";" + name + "=" + item;
      return out;
    }
    if (is_map) {
      if (!p.explode) return ";" + name + "=" + joined(encoded_object(value, false), ",");
      return ";" + joined(encoded_object(value, true), ";");
    }
    return ";" + name + "=" + encode(parameter_text(value));
  }
  // simple
  if (is_list) return joined(encoded_items(value), ",");
  if (is_map) return joined(encoded_object(value, p.explode), ",");
  return encode(parameter_text(value));
}

Pairs serialize_query_parameter(const spec::Parameter& p, const nlohmann::json& value) {
  auto text = [&](const nlohmann::json& v) {
    return percent_encode(parameter_text(v), p.allow_reserved);
  };
  const std::string name = percent_encode(p.name);
  Pairs out;
  if (value.is_array()) {
    if (p.style == "form" && p.explode) {
      for (const auto& item : value) out.emplace_back(name, text(item));
      return out;
    }
    std::string separator = p.style == "spaceDelimited"  ? "%20"
                            : p.style == "pipeDelimited" ? "|"
                                                         : ",";
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(text(item));
    out.emplace_back(name, joined(items, separator));
    return out;
  }
  if (value.is_object()) {
    if (p.style == "deepObject") {
      for (auto it = value.begin(); it != value.end(); ++it) {
        out.emplace_back(name + "%5B" + percent_encode(it.key()) + "%5D", text(*it));
      }
      return out;
    }
    if (p.explode) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        out.emplace_back(percent_encode(it.key()), text(*it));
      }
      return out;
    }
    std::vector<std::string> items;
    for (auto it = value.begin(); it != value.end(); ++it) {
      items.push_back(percent_encode(it.key()));
      items.push_back(text(*it));
    }
    out.emplace_back(name, joined(items, ","));
    return out;
  }
  out.emplace_back(name, text(value));
  return out;
}

std::string serialize_header_parameter(const spec::Parameter& p, const nlohmann::json& value) {
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(parameter_text(item));
    return joined(items, ",");
  }
  if (value.is_object()) return joined(flatten_pairs(value, p.explode ? "=" : ""), ",");
  return parameter_text(value);
}

Pairs serialize_cookie_parameter(const spec::Parameter& p, const nlohmann::json& value) {
  Pairs out;
  if (value.is_array() && p.explode) {
    for (const auto& item : value) out.emplace_back(p.name, encode(parameter_text(item)));
    return out;
  }
  if (value.is_array()) {
    out.emplace_back(p.name, joined(encoded_items(value), ","));
    return out;
  }
  if (value.is_object()) {
    out.emplace_back(p.name, joined(encoded_object(value, false), ","));
    return out;
  }
  out.emplace_back(p.name, encode(parameter_text(value)));
  return out;
}

bool header_safe(std::string_view text) {
  if (!text.empty() &&
      (text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t')) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte >= 0x20 && byte < 0x7F) || byte == '\t';
  });
}

EncodedBody encode_body(std::string_view media_type, const nlohmann::json& value) {
  std::string essence(media_type.substr(0, media_type.find(';')));
  if (essence == "application/x-www-form-urlencoded") {
    std::vector<std::string> pairs;
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        pairs.push_back(percent_encode(it.key()) + "=" + percent_encode(parameter_text(*it)));
      }
    }
    return {essence, joined(pairs, "&")};
  }
  if (essence == "multipart/form-data") {
    static constexpr std::string_view kBoundary = "conform-boundary-7d3f9a";
    std::string bytes;
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        bytes += "--" + std::string(kBoundary) + "\r\n";
        bytes += "Content-Disposition: form-data; name=\"" + it.key() + "\"\r\n";
        if (it->is_structured()) bytes += "Content-Type: application/json\r\n";
        bytes += "\r\n" + parameter_text(*it) + "\r\n";
      }
    }
    bytes += "--" + std::string(kBoundary) + "--\r\n";
    return {essence + "; boundary=" + std::string(kBoundary), bytes};
  }
  if (essence.rfind("text/", 0) == 0 && value.is_string())
    return {essence, value.get<std::string>()};
  if (essence == "application/octet-stream" && value.is_string()) {
    return {essence, value.get<std::string>()};
  }
  return {essence, value.dump()};
}

std::vector<std::string> type_names(const nlohmann::json& flat_schema) {
  std::vector<std::string> out;
  if (!flat_schema.is_object()) return out;
  auto type = flat_schema.find("type");
  if (type == flat_schema.end()) return out;
  if (type->is_string()) out.push_back(type->get<std::string>());
  if (type->is_array()) {
    for (const auto& t : *type) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

std::string primary_type(const nlohmann::json& flat_schema) {
  for (const auto& type : type_names(flat_schema)) {
    if (type != "null") return type;
  }
  return "";
}

nlohmann::json read_parameter_text(std::string_view text, const nlohmann::json& flat_schema) {
  auto types = type_names(flat_schema);
  auto declares = [&](const char* type) {
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (declares("integer") || declares("number")) {
    std::int64_t whole = 0;
    auto r = std::from_chars(begin, end, whole);
    if (r.ec == std::errc() && r.ptr == end && !text.empty()) return whole;
    // Digits past int64 are still an integer (JSON Schema's has no size): as exact as a JSON
    // parser would read them.
    bool digits = !text.empty() && text != "-" &&
                  std::all_of(begin + (text.front() == '-' ? 1 : 0), end,
                              [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      std::uint64_t positive = 0;
      auto u = std::from_chars(begin, end, positive);
      if (u.ec == std::errc() && u.ptr == end) return positive;
      double value = 0;
      auto d = std::from_chars(begin, end, value);
      if (d.ec == std::errc() && d.ptr == end && std::isfinite(value)) return json_number(value);
    }
    if (declares("number")) {
      double value = 0;
      auto d = std::from_chars(begin, end, value);
      if (d.ec == std::errc() && d.ptr == end && !text.empty()) {
        return json_number(value);
      }
    }
  }
  if (declares("boolean")) {
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return std::string(text);
}

std::string Request::target() const {
  std::string out = path;
  for (std::size_t i = 0; i < query.size(); ++i) {
    out += (i == 0 ? "?" : "&") + query[i].first + "=" + query[i].second;
  }
  return out;
}

nlohmann::json Request::to_json() const {
  nlohmann::json out = {{"method", method}, {"target", target()}};
  nlohmann::json head = nlohmann::json::array();
  for (const auto& [name, value] : headers) head.push_back({name, value});
  out["headers"] = head;
  if (!cookies.empty()) {
    nlohmann::json jar = nlohmann::json::array();
    for (const auto& [name, value] : cookies) jar.push_back({name, value});
    out["cookies"] = jar;
  }
  if (content_type) out["content_type"] = *content_type;
  if (body) out["body"] = *body;
  return out;
}

void set_pair(Pairs& pairs, const std::string& key, const std::string& value,
              bool case_insensitive) {
  std::erase_if(pairs, [&](const auto& pair) {
    return case_insensitive ? core::ascii_lower(pair.first) == core::ascii_lower(key)
                            : pair.first == key;
  });
  pairs.emplace_back(key, value);
}

}  // namespace conform::gen
