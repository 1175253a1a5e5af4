#include "conform/core/redactor.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "conform/core/text.hpp"

namespace conform::core {
namespace {

std::string percent_encoded(std::string_view text, const char* hex) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::string markup(std::string_view text, bool apostrophe_as_entity_name) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += apostrophe_as_entity_name ? "&apos;" : "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

void Redactor::add(const std::string& secret, const std::string& placeholder) {
  if (secret.empty()) return;
  std::string json =
      nlohmann::json(secret).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string shell_quoted;  // as it stands inside '...': each ' written as '\''
  for (char c : secret) shell_quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  for (std::string form : {secret, percent_encoded(secret, "0123456789ABCDEF"),
                           percent_encoded(secret, "0123456789abcdef"), base64_encode(secret),
                           json.substr(1, json.size() - 2), shell_quoted, markup(secret, false),
                           markup(secret, true)}) {
    bool known =
        std::any_of(forms_.begin(), forms_.end(), [&](const Form& f) { return f.text == form; });
    if (!known) forms_.push_back({std::move(form), placeholder});
  }
  std::stable_sort(forms_.begin(), forms_.end(),
                   [](const Form& a, const Form& b) { return a.text.size() > b.text.size(); });
}

std::string Redactor::operator()(std::string text) const {
  for (const Form& form : forms_) {
    for (std::size_t at = text.find(form.text); at != std::string::npos;
         at = text.find(form.text, at + form.placeholder.size())) {
      text.replace(at, form.text.size(), form.placeholder);
    }
  }
  return text;
}

}  // namespace conform::core
