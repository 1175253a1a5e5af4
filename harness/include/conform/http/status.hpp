#pragma once

#include <string_view>

namespace conform::http {

// The reason phrase HTTP/1.1 gives a status ("Created" for 201), "" for a status it names not.
std::string_view reason_phrase(int status);

}  // namespace conform::http
