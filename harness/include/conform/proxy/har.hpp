#pragma once

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "conform/proxy/credentials.hpp"
#include "conform/proxy/exchange.hpp"

namespace conform::proxy {

// One exchange as a HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/), `url` the
// target's URL it went to. Bodies that are not UTF-8 are base64 (with "encoding"); a body kept
// only in part says so in a comment; a request the proxy answered itself (502) says why.
nlohmann::json har_entry(const Exchange& exchange, const std::string& target_url);

// Writes the exchanges to a HAR 1.2 file as they come, each with its credentials masked
// (Credentials::masked): memory does not grow with the traffic, and the file appears, complete,
// under its name when close() renames it into place. Thread-safe.
class HarRecorder {
 public:
  // Throws core::Error (exit 2) when the file cannot be written.
  HarRecorder(std::filesystem::path path, std::string target_url, const Credentials& credentials,
              std::string version);
  ~HarRecorder();
  HarRecorder(const HarRecorder&) = delete;
  HarRecorder& operator=(const HarRecorder&) = delete;

  void record(const Exchange& exchange);
  // An exchange Credentials::masked has already masked.
  void record_masked(const Exchange& shown);
  // Completes the file; false (with why) when it could not be written.
  bool close(std::string& why);
  std::size_t entries() const;

 private:
  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::string target_url_;
  const Credentials& credentials_;
  mutable std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::size_t entries_ = 0;
  bool failed_ = false;
};

}  // namespace conform::proxy
