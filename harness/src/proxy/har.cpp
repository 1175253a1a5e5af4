#include "conform/proxy/har.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/http/status.hpp"

namespace conform::proxy {
namespace {

// ISO 8601 with milliseconds, in UTC: "2026-12-04T10:00:00.123Z".
std::string iso_time(std::chrono::system_clock::time_point when) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char full[48];
  std::snprintf(full, sizeof full, "%s.%03dZ", text, static_cast<int>(millis % 1000));
  return full;
}

nlohmann::json name_values(const transport::HeaderList& pairs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, value] : pairs) {
    list.push_back(
        {{"name", core::escape_invalid_utf8(name)}, {"value", core::escape_invalid_utf8(value)}});
  }
  return list;
}

std::string header_value(const transport::HeaderList& headers, const std::string& lower_name) {
  for (const auto& [name, value] : headers) {
    if (core::ascii_lower(name) == lower_name) return value;
  }
  return "";
}

// A body as HAR text: as it is when UTF-8, else base64 (and `encoding` says so).
void put_text(nlohmann::json& into, const std::string& body, bool may_encode) {
  if (!core::first_invalid_utf8(body)) {
    into["text"] = body;
  } else if (may_encode) {
    into["text"] = core::base64_encode(body);
    into["encoding"] = "base64";
  } else {
    into["text"] = core::escape_invalid_utf8(body);
    into["comment"] = "bytes that are not UTF-8 are shown escaped";
  }
}

}  // namespace

nlohmann::json har_entry(const Exchange& exchange, const std::string& target_url) {
  std::string base = target_url;
  if (base.ends_with('/') && exchange.target.starts_with('/')) base.pop_back();
  const double millis = exchange.seconds * 1000;

  nlohmann::json request = {{"method", exchange.method},
                            {"url", core::escape_invalid_utf8(base + exchange.target)},
                            {"httpVersion", "HTTP/1.1"},
                            {"cookies", nlohmann::json::array()},
                            {"headers", name_values(exchange.request_headers)},
                            {"queryString", nlohmann::json::array()},
                            {"headersSize", -1},
                            {"bodySize", exchange.request_body.size()}};
  for (const auto& [name, value] :
       gen::decode_cookies(header_value(exchange.request_headers, "cookie"))) {
    request["cookies"].push_back(
        {{"name", core::escape_invalid_utf8(name)}, {"value", core::escape_invalid_utf8(value)}});
  }
  if (auto question = exchange.target.find('?'); question != std::string::npos) {
    request["queryString"] =
        name_values(gen::decode_query(std::string_view(exchange.target).substr(question + 1)));
  }
  if (!exchange.request_body.empty()) {
    nlohmann::json post = {{"mimeType", header_value(exchange.request_headers, "content-type")}};
    put_text(post, exchange.request_body, false);
    request["postData"] = post;
  }

  nlohmann::json entry = {{"startedDateTime", iso_time(exchange.started)},
                          {"time", millis},
                          {"request", request},
                          {"cache", nlohmann::json::object()},
                          {"timings", {{"send", 0}, {"wait", millis}, {"receive", 0}}}};
  if (exchange.status == 0) {
    // The client got the proxy's own answer.
    const std::string why =
        "the target did not answer: " + std::string(transport::problem_name(exchange.problem)) +
        ": " + exchange.detail;
    entry["response"] = {{"status", 502},
                         {"statusText", "Bad Gateway"},
                         {"httpVersion", "HTTP/1.1"},
                         {"cookies", nlohmann::json::array()},
                         {"headers", nlohmann::json::array()},
                         {"content", {{"size", 0}, {"mimeType", ""}}},
                         {"redirectURL", ""},
                         {"headersSize", -1},
                         {"bodySize", -1},
                         {"comment", "answered by conform proxy: " + why}};
    entry["comment"] = why;
    return entry;
  }
  nlohmann::json cookies = nlohmann::json::array();
  for (const auto& [name, value] : exchange.response_headers) {
    if (core::ascii_lower(name) != "set-cookie") continue;
    std::string pair = value.substr(0, value.find(';'));
    auto equals = pair.find('=');
    cookies.push_back({{"name", core::escape_invalid_utf8(core::trim(pair.substr(0, equals)))},
                       {"value", core::escape_invalid_utf8(
                                     equals == std::string::npos ? "" : pair.substr(equals + 1))}});
  }
  nlohmann::json content = {{"size", exchange.response_bytes},
                            {"mimeType", header_value(exchange.response_headers, "content-type")}};
  put_text(content, exchange.response_body, true);
  if (exchange.truncated) {
    content["comment"] = "the first " + std::to_string(exchange.response_body.size()) + " of " +
                         std::to_string(exchange.response_bytes) +
                         " bytes (--max-response-bytes); the client got them all";
  }
  entry["response"] = {{"status", exchange.status},
                       {"statusText", std::string(http::reason_phrase(exchange.status))},
                       {"httpVersion", "HTTP/1.1"},
                       {"cookies", cookies},
                       {"headers", name_values(exchange.response_headers)},
                       {"content", content},
                       {"redirectURL", header_value(exchange.response_headers, "location")},
                       {"headersSize", -1},
                       {"bodySize", exchange.response_bytes}};
  if (exchange.problem != transport::Problem::none) {
    entry["comment"] = "the answer was not passed on whole: " +
                       std::string(transport::problem_name(exchange.problem)) + ": " +
                       exchange.detail;
  }
  return entry;
}

HarRecorder::HarRecorder(std::filesystem::path path, std::string target_url,
                         const Credentials& credentials, std::string version)
    : path_(std::move(path)),
      partial_(path_.string() + ".partial"),
      target_url_(std::move(target_url)),
      credentials_(credentials) {
  file_ = std::fopen(partial_.c_str(), "wb");
  if (file_ == nullptr) {
    core::fail_input("proxy.record", path_.string(), "",
                     "--record: cannot write " + partial_.string() + ": " + std::strerror(errno));
  }
  const nlohmann::json creator = {{"name", "conform"}, {"version", version}};
  const std::string head =
      R"({"log":{"version":"1.2","creator":)" + creator.dump() + R"(,"entries":[)" + "\n";
  std::fputs(head.c_str(), file_);
}

HarRecorder::~HarRecorder() {
  std::string ignored;
  close(ignored);
}

void HarRecorder::record(const Exchange& exchange) { record_masked(credentials_.masked(exchange)); }

void HarRecorder::record_masked(const Exchange& shown) {
  const std::string text =
      har_entry(shown, target_url_).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) return;
  if (entries_ > 0) std::fputs(",\n", file_);
  failed_ = failed_ || std::fputs(text.c_str(), file_) < 0;
  ++entries_;
}

bool HarRecorder::close(std::string& why) {
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) return true;
  failed_ = failed_ || std::fputs("\n]}}\n", file_) < 0;
  failed_ = std::fclose(file_) != 0 || failed_;
  file_ = nullptr;
  std::error_code error;
  if (!failed_) std::filesystem::rename(partial_, path_, error);
  if (failed_ || error) {
    why = "--record: could not write " + path_.string() +
          (error ? ": " + error.message() : std::string(": the disk refused it"));
    return false;
  }
  return true;
}

std::size_t HarRecorder::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

}  // namespace conform::proxy
