#pragma once

// What the transport's users of libcurl share (transport.cpp, forward.cpp).
#include <curl/curl.h>

#include <cstddef>
#include <string>

#include "conform/transport/transport.hpp"

namespace conform::transport {

// Bounds on what a server may send before its final answer: interim (1xx) responses without end
// and headers without end would otherwise hold the transfer and the memory.
inline constexpr int kMaxStatusLines = 20;
inline constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

// curl_global_init, once per process.
void global_init();

// TLS verification off (`insecure`), or against `cacert` instead of the system's bundle.
void set_tls_options(CURL* easy, bool insecure, const std::string& cacert);

// Why a transfer that ended with `code` brought no usable answer.
Problem classify(CURLcode code, bool too_large);

}  // namespace conform::transport
