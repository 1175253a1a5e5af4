#include "conform/core/json.hpp"

namespace conform::core {
namespace {

// The DOM builder nlohmann uses, with a depth guard and the error kept instead of thrown. The
// guard stops the parser at the first bracket too many, so no deep tree is ever built.
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
  using Base = nlohmann::detail::json_sax_dom_parser<nlohmann::json>;

 public:
  BoundedDomParser(nlohmann::json& result, std::size_t max_depth)
      : Base(result, false), max_depth_(max_depth) {}

  bool start_object(std::size_t elements) { return enter() && Base::start_object(elements); }
  bool start_array(std::size_t elements) { return enter() && Base::start_array(elements); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& e) {
    error_ = JsonError{position == 0 ? 0 : position - 1, message_of(e.what())};
    return false;
  }

  bool too_deep() const { return too_deep_; }
  const JsonError& error() const { return error_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }

  // nlohmann's text starts with "[json.exception.parse_error.101] parse error at ...: ".
  static std::string message_of(std::string what) {
    if (auto bracket = what.find("] ");
        what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    if (what.rfind("number overflow", 0) == 0) {
      return what + " (beyond the range of a double)";
    }
    return what;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  JsonError error_;
};

// The offset of the bracket that goes one level deeper than `max_depth`, found by a scan that
// skips strings: the SAX interface does not say where it stopped.
std::size_t offset_of_depth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return 0;
}

}  // namespace

std::variant<nlohmann::json, JsonError> parse_json(std::string_view text, std::size_t max_depth) {
  nlohmann::json result;
  BoundedDomParser sax(result, max_depth);
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) return result;
  if (sax.too_deep()) {
    return JsonError{offset_of_depth(text, max_depth),
                     "nests deeper than " + std::to_string(max_depth) + " levels"};
  }
  return sax.error();
}

nlohmann::json parse_json_or_discarded(std::string_view text, std::size_t max_depth) {
  auto parsed = parse_json(text, max_depth);
  if (auto* value = std::get_if<nlohmann::json>(&parsed)) return std::move(*value);
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace conform::core
