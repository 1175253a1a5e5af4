#include "conform/http/status.hpp"

#include <boost/beast/http/status.hpp>

namespace conform::http {

std::string_view reason_phrase(int status) {
  namespace beast_http = boost::beast::http;
  if (status < 100 || status > 999) return "";
  const auto known = beast_http::int_to_status(static_cast<unsigned>(status));
  if (known == beast_http::status::unknown) return "";
  const auto phrase = beast_http::obsolete_reason(known);
  return {phrase.data(), phrase.size()};
}

}  // namespace conform::http
