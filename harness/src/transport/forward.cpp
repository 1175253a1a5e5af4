#include "conform/transport/forward.hpp"

#include <chrono>
#include <optional>

#include "conform/core/text.hpp"
#include "curl_support.hpp"

namespace conform::transport {
namespace {

struct Relay {
  ForwardSink& sink;
  HeaderList headers;
  int status = 0;
  int status_lines = 0;
  std::size_t header_bytes = 0;
  bool head_sent = false;
  bool sink_stopped = false;
  std::optional<std::pair<Problem, std::string>> refused;
};

std::size_t on_relayed_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Relay*>(user);
  std::string_view line(data, size * count);
  if (t.head_sent) return line.size();  // trailers: not passed on
  t.header_bytes += line.size();
  if (t.header_bytes > kMaxHeaderBytes) {
    t.refused = {Problem::too_large, "the response headers are larger than " +
                                         std::to_string(kMaxHeaderBytes) + " bytes"};
    return 0;
  }
  if (line.starts_with("HTTP/")) {
    if (++t.status_lines > kMaxStatusLines) {
      t.refused = {Problem::not_http, "more than " + std::to_string(kMaxStatusLines) +
                                          " status lines (interim 1XX answers) for one request"};
      return 0;
    }
    t.headers.clear();
    auto space = line.find(' ');
    t.status = space == std::string_view::npos
                   ? 0
                   : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    return line.size();
  }
  std::string text = core::trim(std::string(line));
  if (text.empty()) {
    if (t.status < 200) return line.size();  // the end of an interim answer
    t.head_sent = true;
    if (!t.sink.on_head(t.status, t.headers)) {
      t.sink_stopped = true;
      return 0;
    }
    return line.size();
  }
  if (auto colon = text.find(':'); colon != std::string::npos) {
    t.headers.emplace_back(core::trim(text.substr(0, colon)), core::trim(text.substr(colon + 1)));
  }
  return line.size();
}

std::size_t on_relayed_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Relay*>(user);
  if (!t.sink.on_body(std::string_view(data, size * count))) {
    t.sink_stopped = true;
    return 0;
  }
  return size * count;
}

}  // namespace

bool is_hop_by_hop(std::string_view name, const HeaderList& headers) {
  const std::string lower = core::ascii_lower(std::string(name));
  for (const char* fixed : {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                            "te", "trailer", "upgrade", "host", "content-length", "expect"}) {
    if (lower == fixed) return true;
  }
  // And those the Connection header names.
  for (const auto& [field, value] : headers) {
    if (core::ascii_lower(field) != "connection") continue;
    for (const std::string& token : core::split(value, ",")) {
      if (core::ascii_lower(core::trim(token)) == lower) return true;
    }
  }
  return false;
}

struct Forwarder::Impl {
  ForwardOptions options;
  CURL* easy = nullptr;
  // A multi handle of its own, polled in tenths of a second so that a stop is seen at once (an
  // easy transfer's progress callback may come only once a second); it keeps the connection.
  CURLM* multi = nullptr;

  explicit Impl(ForwardOptions o) : options(std::move(o)) {
    global_init();
    easy = curl_easy_init();
    multi = curl_multi_init();
  }
  ~Impl() {
    curl_multi_cleanup(multi);
    curl_easy_cleanup(easy);
  }

  bool stopped() const { return options.stop != nullptr && options.stop->load(); }

  // The transfer's result, or CURLE_ABORTED_BY_CALLBACK when told to stop.
  CURLcode perform() {
    curl_multi_add_handle(multi, easy);
    CURLcode result = CURLE_OK;
    for (;;) {
      int running = 0;
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        break;
      }
      int queued = 0;
      if (CURLMsg* message = curl_multi_info_read(multi, &queued);
          message != nullptr && message->msg == CURLMSG_DONE) {
        result = message->data.result;
        break;
      }
      if (stopped()) {
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    curl_multi_remove_handle(multi, easy);
    return result;
  }
};

Forwarder::Forwarder(ForwardOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Forwarder::~Forwarder() = default;

ForwardOutcome Forwarder::forward(const ForwardRequest& request, ForwardSink& sink) {
  CURL* easy = impl_->easy;
  const ForwardOptions& options = impl_->options;
  curl_easy_reset(easy);  // the connection cache stays
  std::string base = options.base_url;
  if (base.ends_with('/') && request.target.starts_with('/')) base.pop_back();
  const std::string url = base + request.target;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);

  curl_slist* headers = nullptr;
  bool has_accept = false, has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    if (is_hop_by_hop(name, request.headers)) continue;
    const std::string lower = core::ascii_lower(name);
    has_accept = has_accept || lower == "accept";
    has_content_type = has_content_type || lower == "content-type";
    // "Name;" is how curl sends a header with an empty value.
    headers =
        curl_slist_append(headers, (value.empty() ? name + ";" : name + ": " + value).c_str());
  }
  // curl's own defaults would add what the client did not send.
  if (!has_accept) headers = curl_slist_append(headers, "Accept:");
  if (!has_content_type) headers = curl_slist_append(headers, "Content-Type:");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (request.has_body || !request.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  Relay relay{sink, {}, 0, 0, 0, false, false, std::nullopt};
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_relayed_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &relay);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_relayed_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &relay);
  // No limit on the whole: a large body may take long. A target that stalls has failed.
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(std::max(1.0, options.stall_seconds)));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_seconds * 1000));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  set_tls_options(easy, options.insecure, options.cacert);

  const auto started = std::chrono::steady_clock::now();
  CURLcode code = impl_->perform();
  curl_slist_free_all(headers);
  ForwardOutcome outcome;
  outcome.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  outcome.head_sent = relay.head_sent;
  if (code == CURLE_OK) return outcome;
  if (relay.refused) {
    outcome.problem = relay.refused->first;
    outcome.detail = relay.refused->second;
  } else if (relay.sink_stopped) {
    outcome.problem = Problem::other;
    outcome.detail = "the client left before the answer was passed on";
  } else if (code == CURLE_ABORTED_BY_CALLBACK) {
    outcome.problem = Problem::interrupted;
    outcome.detail = "stopped while the answer was on its way";
  } else {
    outcome.problem = classify(code, false);
    outcome.detail = curl_easy_strerror(code);
  }
  return outcome;
}

}  // namespace conform::transport
