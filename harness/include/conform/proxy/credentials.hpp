#pragma once

#include <mutex>
#include <string>

#include "conform/core/redactor.hpp"
#include "conform/proxy/exchange.hpp"
#include "conform/spec/spec.hpp"

namespace conform::proxy {

// What stands in a credential's place in every report and recording of the proxy.
inline constexpr const char* kCredentialPlaceholder = "${CONFORM_TOKEN}";

// The credentials the proxied requests carry, so that no output shows them. Where a credential
// travels is known (Authorization and Proxy-Authorization, cookies, the description's apiKey
// headers, query parameters and cookies, and Set-Cookie in answers): those values are masked
// where they stand. Each value of eight characters or more is also learnt (the first thousand),
// and hidden wherever it appears later (a body, a URL, an echo), in the forms core::Redactor
// finds. Thread-safe.
class Credentials {
 public:
  explicit Credentials(const spec::Spec& spec);

  // Learns the credentials a request carries.
  void learn(const Exchange& exchange);
  // Hides every learnt credential in `text`.
  std::string hide(std::string text) const;
  core::Redactor redactor() const;

  // The exchange with its credentials masked where they stand, and every learnt one hidden in
  // its target, header values and bodies.
  Exchange masked(Exchange exchange) const;

 private:
  bool names_credential_header(const std::string& lower_name) const;

  std::set<std::string> header_names_;  // lower case
  std::set<std::string> query_names_;
  std::set<std::string> cookie_names_;
  mutable std::mutex mutex_;
  std::set<std::string> learnt_;
  core::Redactor redactor_;
};

}  // namespace conform::proxy
