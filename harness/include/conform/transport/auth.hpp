#pragma once

#include <string>

#include "conform/gen/request.hpp"
#include "conform/spec/spec.hpp"

namespace conform::transport {

// How a credential travels, as the operation's security scheme says.
struct Auth {
  enum class Kind { none, bearer, basic, header, query, cookie };
  Kind kind = Kind::none;
  std::string name;    // the header, query or cookie name for API-key schemes
  std::string secret;  // never printed: see redact(); for basic, "user:password"
  // False for a credential made up to be refused (the auth phase's): curl lines show it as sent.
  bool is_secret = true;
};

// The first alternative of the operation's security that conform can satisfy with one token
// (http bearer, OAuth 2 and OpenID Connect access tokens as bearer tokens, http basic with the
// token as "user:password", or an API key in a header, query or cookie); Kind::none when the
// operation is anonymous or asks for something else (see unsatisfiable_security).
Auth auth_for(const spec::Spec& spec, const spec::Operation& operation, const std::string& token);

// Why conform sends no credential to an operation that asks for one ("" when it sends one, or
// the operation is anonymous): the schemes it cannot satisfy, or that no token is set.
std::string unsatisfiable_security(const spec::Spec& spec, const spec::Operation& operation,
                                   const std::string& token);

// The request with the credential added where it belongs.
gen::Request with_auth(gen::Request request, const Auth& auth);

// Replaces every occurrence of the secret, in every form core::Redactor knows, with a
// placeholder.
std::string redact(std::string text, const std::string& secret,
                   const std::string& placeholder = "${CONFORM_TOKEN}");

// The request as a curl command line to reproduce it, the credential as ${CONFORM_TOKEN}.
std::string curl_line(const std::string& base_url, const gen::Request& request, const Auth& auth);

}  // namespace conform::transport
