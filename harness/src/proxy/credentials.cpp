#include "conform/proxy/credentials.hpp"

#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/gen/request_reading.hpp"

namespace conform::proxy {
namespace {

// Shorter values are masked where they stand but not hunted elsewhere: "1" would be everywhere.
constexpr std::size_t kLearntLength = 8;
// Each learnt value is looked for in every text written: a suite that makes a new key per test
// would otherwise slow every later exchange. Past the bound, values are masked where they stand.
constexpr std::size_t kMaxLearnt = 1000;

const std::string kPlaceholder = kCredentialPlaceholder;

// "Bearer abc" → "Bearer ${CONFORM_TOKEN}"; a value without a scheme, whole.
std::string masked_authorization(const std::string& value) {
  auto space = value.find(' ');
  return space == std::string::npos ? kPlaceholder : value.substr(0, space + 1) + kPlaceholder;
}

// "a=1; b=2" → "a=${CONFORM_TOKEN}; b=${CONFORM_TOKEN}": a cookie's worth is unknown, so each is
// masked.
std::string masked_cookies(const std::string& header) {
  std::string out;
  for (const std::string& pair : core::split(header, ";")) {
    std::string text = core::trim(pair);
    if (text.empty()) continue;
    out += (out.empty() ? "" : "; ") + text.substr(0, text.find('=')) + "=" + kPlaceholder;
  }
  return out;
}

// "id=abc; Path=/; HttpOnly" → "id=${CONFORM_TOKEN}; Path=/; HttpOnly".
std::string masked_set_cookie(const std::string& value) {
  auto equals = value.find('=');
  if (equals == std::string::npos) return value;
  auto end = value.find(';', equals);
  return value.substr(0, equals + 1) + kPlaceholder +
         (end == std::string::npos ? "" : value.substr(end));
}

// A JSON body with its credential-named members masked; other bodies as they are.
std::string masked_body(std::string body) {
  auto json = core::parse_json_or_discarded(body);
  if (json.is_discarded() || !(json.is_object() || json.is_array())) return body;
  // Masked in place: a copy of a large body's tree to compare with would double its cost.
  return engine::mask_secrets(json) ? json.dump() : body;
}

}  // namespace

Credentials::Credentials(const spec::Spec& spec) {
  for (const auto& [name, scheme] : spec.security_schemes()) {
    if (scheme.type != "apiKey" || scheme.parameter.empty()) continue;
    if (scheme.in == "header") header_names_.insert(core::ascii_lower(scheme.parameter));
    if (scheme.in == "query") query_names_.insert(scheme.parameter);
    if (scheme.in == "cookie") cookie_names_.insert(scheme.parameter);
  }
}

bool Credentials::names_credential_header(const std::string& lower) const {
  return lower == "authorization" || lower == "proxy-authorization" ||
         header_names_.contains(lower);
}

void Credentials::learn(const Exchange& exchange) {
  std::vector<std::string> found;
  for (const auto& [name, value] : exchange.request_headers) {
    const std::string lower = core::ascii_lower(name);
    if (names_credential_header(lower)) {
      found.push_back(value);
      if (auto space = value.find(' '); space != std::string::npos) {
        found.push_back(core::trim(value.substr(space + 1)));
      }
    } else if (lower == "cookie") {
      for (const auto& [cookie, text] : gen::decode_cookies(value)) found.push_back(text);
    }
  }
  for (const auto& [name, value] : exchange.response_headers) {
    if (core::ascii_lower(name) != "set-cookie") continue;
    auto equals = value.find('=');
    if (equals != std::string::npos) {
      found.push_back(value.substr(equals + 1, value.find(';', equals) - equals - 1));
    }
  }
  auto question = exchange.target.find('?');
  if (question != std::string::npos && !query_names_.empty()) {
    for (const auto& [name, value] :
         gen::decode_query(std::string_view(exchange.target).substr(question + 1))) {
      if (query_names_.contains(name)) found.push_back(value);
    }
  }
  std::lock_guard lock(mutex_);
  for (const std::string& value : found) {
    if (value.size() < kLearntLength || learnt_.contains(value)) continue;
    if (learnt_.size() >= kMaxLearnt) break;
    learnt_.insert(value);
    redactor_.add(value, kPlaceholder);
  }
}

std::string Credentials::hide(std::string text) const {
  std::lock_guard lock(mutex_);
  return redactor_(std::move(text));
}

core::Redactor Credentials::redactor() const {
  std::lock_guard lock(mutex_);
  return redactor_;
}

Exchange Credentials::masked(Exchange exchange) const {
  const core::Redactor secrets = redactor();
  for (auto& [name, value] : exchange.request_headers) {
    const std::string lower = core::ascii_lower(name);
    if (lower == "authorization" || lower == "proxy-authorization") {
      value = masked_authorization(value);
    } else if (header_names_.contains(lower)) {
      value = kPlaceholder;
    } else if (lower == "cookie") {
      value = masked_cookies(value);
    }
    value = secrets(value);
  }
  for (auto& [name, value] : exchange.response_headers) {
    if (core::ascii_lower(name) == "set-cookie") value = masked_set_cookie(value);
    value = secrets(value);
  }
  // Query parameters that carry a credential, by name; the rest of the target as it came.
  auto question = exchange.target.find('?');
  if (question != std::string::npos && !query_names_.empty()) {
    std::string query;
    for (const std::string& pair :
         core::split(std::string_view(exchange.target).substr(question + 1), "&")) {
      std::string name = pair.substr(0, pair.find('='));
      std::string decoded = core::percent_decode(name).value_or(name);
      query += (query.empty() ? "" : "&") +
               (query_names_.contains(decoded) ? name + "=" + kPlaceholder : pair);
    }
    exchange.target = exchange.target.substr(0, question + 1) + query;
  }
  exchange.target = secrets(exchange.target);
  exchange.request_body = secrets(masked_body(std::move(exchange.request_body)));
  exchange.response_body = secrets(masked_body(std::move(exchange.response_body)));
  exchange.detail = secrets(exchange.detail);
  return exchange;
}

}  // namespace conform::proxy
