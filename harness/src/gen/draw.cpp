#include "conform/gen/draw.hpp"

#include <rapidcheck.h>

#include <cmath>
#include <limits>

#include "conform/gen/pattern_generator.hpp"

namespace conform::gen::draw {

bool coin() { return index(2) == 1; }

// Choices are uniform whatever the generation size (rapidcheck scales inRange with size, which
// suits magnitudes and lengths but would always pick the first alternatives of small runs);
// they still shrink towards the first alternative.
std::size_t index(std::size_t size) {
  if (size <= 1) return 0;
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(0, size));
}

int choice(int count) { return static_cast<int>(index(static_cast<std::size_t>(count))); }

std::int64_t integer(std::optional<std::int64_t> low, std::optional<std::int64_t> high) {
  constexpr std::int64_t kSpan = 1000;
  std::int64_t lo = low.value_or(high ? *high - kSpan : -kSpan);
  std::int64_t hi = high.value_or(low ? *low + kSpan : kSpan);
  if (lo > hi) return lo;
  // Sometimes a bound itself, where servers most often get things wrong. (The interior is choice
  // 0, so that shrinking leads away from the bounds, towards zero.)
  switch (choice(8)) {
    case 6:
      return lo;
    case 7:
      return hi;
    default:
      break;
  }
  // A range around zero is drawn as a sign and a magnitude, so that values shrink towards zero
  // rather than towards the lower bound.
  if (lo < 0 && hi > 0 && hi < std::numeric_limits<std::int64_t>::max() &&
      lo > std::numeric_limits<std::int64_t>::min()) {
    if (coin()) return -*rc::gen::inRange<std::int64_t>(0, -lo + 1);
    return *rc::gen::inRange<std::int64_t>(0, hi + 1);
  }
  if (hi == std::numeric_limits<std::int64_t>::max()) {
    return lo == hi ? lo : *rc::gen::inRange<std::int64_t>(lo, hi);
  }
  return *rc::gen::inRange<std::int64_t>(lo, hi + 1);
}

double number(std::optional<double> low, std::optional<double> high) {
  double lo = low.value_or(high ? *high - 1000.0 : -1000.0);
  double hi = high.value_or(low ? *low + 1000.0 : 1000.0);
  if (!(lo < hi)) return lo;
  switch (choice(8)) {
    case 5:
      return lo;
    case 6:
      return hi;
    case 7: {
      double whole = std::ceil(lo);
      if (whole <= hi) return whole;
      break;
    }
    default:
      break;
  }
  auto step = *rc::gen::inRange<std::int64_t>(0, 1'000'001);
  return lo + (hi - lo) * (static_cast<double>(step) / 1'000'000.0);
}

std::string text(std::size_t min, std::size_t max) {
  static constexpr char32_t kEdge[] = {U'"', U'\\',     U'/',  U'%',      U' ',  U'\'',
                                       U'&', U'?',      U'#',  U'\t',     U'\n', U'\u0001',
                                       U'é', U'\u00A0', U'中', U'\u2028', U'😀',  U'<'};
  std::size_t length = min == max ? min : *rc::gen::inRange<std::size_t>(min, max + 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    int kind = choice(10);
    char32_t c;
    if (kind < 7) {
      static constexpr char32_t kPlain[] = {U'a', U'b', U'c', U'x', U'y', U'z', U'A',
                                            U'Q', U'0', U'7', U'-', U'_', U'.'};
      c = kPlain[index(std::size(kPlain))];
    } else {
      c = kEdge[index(std::size(kEdge))];
    }
    append_utf8(out, c);
  }
  return out;
}

namespace {

std::string two(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

std::string date() {
  int year = *rc::gen::inRange(1970, 2100);
  int month = *rc::gen::inRange(1, 13);
  int day = *rc::gen::inRange(1, 29);
  return std::to_string(year) + "-" + two(month) + "-" + two(day);
}

std::string time() {
  std::string out = two(*rc::gen::inRange(0, 24)) + ":" + two(*rc::gen::inRange(0, 60)) + ":" +
                    two(*rc::gen::inRange(0, 60));
  if (coin()) out += "." + std::to_string(*rc::gen::inRange(0, 1000));
  if (coin()) return out + "Z";
  return out + (coin() ? "+" : "-") + two(*rc::gen::inRange(0, 15)) + ":" +
         *rc::gen::element<std::string>("00", "30", "45");
}

std::string label() {
  static constexpr std::string_view kLabels[] = {"api", "vast", "example", "node7", "x-1", "ai"};
  return std::string(kLabels[index(std::size(kLabels))]);
}

std::string hostname() {
  std::string out = label();
  int parts = *rc::gen::inRange(1, 3);
  for (int i = 0; i < parts; ++i) out += "." + label();
  return out;
}

std::string hex_digits(int count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < count; ++i) out += kHex[*rc::gen::inRange(0, 16)];
  return out;
}

std::string ipv4() {
  return std::to_string(*rc::gen::inRange(0, 256)) + "." +
         std::to_string(*rc::gen::inRange(0, 256)) + "." +
         std::to_string(*rc::gen::inRange(0, 256)) + "." +
         std::to_string(*rc::gen::inRange(0, 256));
}

std::string ipv6() {
  if (*rc::gen::inRange(0, 4) == 0) return "::1";
  std::string out;
  for (int i = 0; i < 8; ++i) out += (i ? ":" : "") + hex_digits(*rc::gen::inRange(1, 5));
  return out;
}

std::string path_segment() {
  static constexpr std::string_view kSegments[] = {"a", "items", "v0", "%20x", "~user", "x.y"};
  return std::string(kSegments[index(std::size(kSegments))]);
}

}  // namespace

std::optional<std::string> format(std::string_view name) {
  if (name == "date") return date();
  if (name == "time") return time();
  if (name == "date-time") return date() + "T" + time();
  if (name == "email") return label() + (coin() ? "+tag" : "") + "@" + hostname();
  if (name == "hostname") return hostname();
  if (name == "ipv4") return ipv4();
  if (name == "ipv6") return ipv6();
  if (name == "uuid") {
    return hex_digits(8) + "-" + hex_digits(4) + "-" + hex_digits(4) + "-" + hex_digits(4) + "-" +
           hex_digits(12);
  }
  if (name == "uri" || name == "url") {
    std::string out = *rc::gen::element<std::string>("https", "http", "urn") + "://" + hostname();
    int segments = *rc::gen::inRange(0, 3);
    for (int i = 0; i < segments; ++i) out += "/" + path_segment();
    if (coin()) out += "?q=" + label();
    return out;
  }
  if (name == "uri-reference") {
    std::string out;
    int segments = *rc::gen::inRange(1, 3);
    for (int i = 0; i < segments; ++i) out += "/" + path_segment();
    return out;
  }
  if (name == "json-pointer") return coin() ? std::string() : "/" + label() + "/0";
  if (name == "regex") return "^" + label() + "[0-9]*$";
  if (name == "byte") return *rc::gen::element<std::string>("", "YQ==", "aGVsbG8=", "dmFzdA==");
  return std::nullopt;
}

nlohmann::json any_value(int depth) {
  int kind = choice(depth > 2 ? 5 : 7);
  switch (kind) {
    case 0:
      return nullptr;
    case 1:
      return coin();
    case 2:
      return integer(-100, 100);
    case 3:
      return number(-100.0, 100.0);
    case 4:
      return text(0, 8);
    case 5: {
      nlohmann::json list = nlohmann::json::array();
      int count = *rc::gen::inRange(0, 3);
      for (int i = 0; i < count; ++i) list.push_back(any_value(depth + 1));
      return list;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      int count = *rc::gen::inRange(0, 3);
      for (int i = 0; i < count; ++i) object[text(1, 6)] = any_value(depth + 1);
      return object;
    }
  }
}

}  // namespace conform::gen::draw
