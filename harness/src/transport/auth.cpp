#include "conform/transport/auth.hpp"

#include "conform/core/redactor.hpp"
#include "conform/core/text.hpp"

namespace conform::transport {
namespace {

std::optional<Auth> auth_for_scheme(const spec::SecurityScheme& scheme, const std::string& token) {
  const std::string http_scheme = core::ascii_lower(scheme.scheme);
  if ((scheme.type == "http" && http_scheme == "bearer") || scheme.type == "oauth2" ||
      scheme.type == "openIdConnect") {
    return Auth{Auth::Kind::bearer, "Authorization", token};
  }
  if (scheme.type == "http" && http_scheme == "basic") {
    return Auth{Auth::Kind::basic, "Authorization", token};
  }
  if (scheme.type == "apiKey") {
    if (scheme.in == "header") return Auth{Auth::Kind::header, scheme.parameter, token};
    if (scheme.in == "query") return Auth{Auth::Kind::query, scheme.parameter, token};
    if (scheme.in == "cookie") return Auth{Auth::Kind::cookie, scheme.parameter, token};
  }
  return std::nullopt;
}

}  // namespace

Auth auth_for(const spec::Spec& spec, const spec::Operation& operation, const std::string& token) {
  if (token.empty()) return {};  // no credential at all rather than an empty one
  for (const auto& alternative : operation.security) {
    if (alternative.schemes.size() != 1) continue;
    auto scheme = spec.security_schemes().find(alternative.schemes.front().first);
    if (scheme == spec.security_schemes().end()) continue;
    if (auto auth = auth_for_scheme(scheme->second, token)) return *auth;
  }
  return {};
}

std::string unsatisfiable_security(const spec::Spec& spec, const spec::Operation& operation,
                                   const std::string& token) {
  if (operation.security.empty()) return "";
  std::string schemes;
  for (const auto& alternative : operation.security) {
    if (alternative.schemes.empty()) return "";  // anonymous access is one of the options
    std::string names;
    for (const auto& [name, scopes] : alternative.schemes) {
      auto scheme = spec.security_schemes().find(name);
      std::string kind =
          scheme == spec.security_schemes().end()
              ? "undeclared"
              : scheme->second.type +
                    (scheme->second.scheme.empty() ? "" : " " + scheme->second.scheme);
      names += (names.empty() ? "" : " and ") + ("'" + name + "' (" + kind + ")");
    }
    schemes += (schemes.empty() ? "" : ", or ") + names;
  }
  if (auth_for(spec, operation, token.empty() ? "x" : token).kind == Auth::Kind::none) {
    return "the operation asks for " + schemes +
           ", which conform cannot send (one bearer token, basic user:password or API key)";
  }
  if (token.empty()) return "the operation asks for " + schemes + " and no token is set";
  return "";
}

gen::Request with_auth(gen::Request request, const Auth& auth) {
  switch (auth.kind) {
    case Auth::Kind::none:
      break;
    case Auth::Kind::bearer:
      request.headers.emplace_back("Authorization", "Bearer " + auth.secret);
      break;
    case Auth::Kind::basic:
      request.headers.emplace_back("Authorization", "Basic " + core::base64_encode(auth.secret));
      break;
    case Auth::Kind::header:
      request.headers.emplace_back(auth.name, auth.secret);
      break;
    case Auth::Kind::query:
      request.query.emplace_back(gen::percent_encode(auth.name), gen::percent_encode(auth.secret));
      break;
    case Auth::Kind::cookie:
      request.cookies.emplace_back(auth.name, auth.secret);
      break;
  }
  return request;
}

std::string redact(std::string text, const std::string& secret, const std::string& placeholder) {
  core::Redactor redactor;
  redactor.add(secret, placeholder);
  return redactor(std::move(text));
}

std::string curl_line(const std::string& base_url, const gen::Request& request, const Auth& auth) {
  // curl writes basic credentials itself (-u), so the line names the variable, not its base64.
  gen::Request sent = auth.kind == Auth::Kind::basic ? request : with_auth(request, auth);
  std::string line = "curl -X " + sent.method;
  if (auth.kind == Auth::Kind::basic) line += " -u " + core::single_quoted(auth.secret);
  for (const auto& [name, value] : sent.headers)
    line += " -H " + core::single_quoted(name + ": " + value);
  if (!sent.cookies.empty()) {
    std::string cookies;
    for (const auto& [name, value] : sent.cookies) {
      cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
    }
    line += " -H " + core::single_quoted("Cookie: " + cookies);
  }
  if (sent.content_type)
    line += " -H " + core::single_quoted("Content-Type: " + *sent.content_type);
  if (sent.body) line += " --data-binary " + core::single_quoted(*sent.body);
  // As the transport sends it: curl would otherwise fold "." and ".." segments away.
  std::string path = sent.path + "/";
  if (path.find("/./") != std::string::npos || path.find("/../") != std::string::npos) {
    line += " --path-as-is";
  }
  line += " " + core::single_quoted(base_url + sent.target());
  // The placeholder is left unquoted by the shell only if it is outside single quotes: say so by
  // using double quotes around the lines that carry it.
  if (!auth.is_secret) return line;
  return redact(line, auth.secret, "'\"${CONFORM_TOKEN}\"'");
}

}  // namespace conform::transport
