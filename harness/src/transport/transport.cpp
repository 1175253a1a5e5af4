#include "conform/transport/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "conform/core/text.hpp"
#include "conform/transport/pacer.hpp"
#include "curl_support.hpp"

namespace conform::transport {
// Easy handles kept for the next requests: making one (curl_easy_init) and freeing it cost
// more than resetting it, at tens of thousands of requests a second.
struct EasyPool {
  std::vector<CURL*> idle;
  ~EasyPool() {
    for (CURL* easy : idle) curl_easy_cleanup(easy);
  }
  CURL* take() {
    if (idle.empty()) return curl_easy_init();
    CURL* easy = idle.back();
    idle.pop_back();
    return easy;
  }
};

namespace {

using Clock = std::chrono::steady_clock;

// One request in flight: its easy handle and what comes back.
struct Transfer {
  std::size_t index = 0;
  CURL* easy = nullptr;
  CURLM* multi = nullptr;    // the multi handle it was added to
  EasyPool* pool = nullptr;  // where its handle goes back
  curl_slist* headers = nullptr;
  std::string body_to_send;
  Response response;
  bool too_large = false;
  std::size_t max_bytes = 0;
  std::size_t header_bytes = 0;
  int status_lines = 0;
  // Why a callback stopped the transfer, when the server misbehaved in a way curl has no code for.
  std::optional<std::pair<Problem, std::string>> refused;
  Clock::time_point started;

  ~Transfer() {
    if (easy && multi) curl_multi_remove_handle(multi, easy);  // nothing when already removed
    if (headers) curl_slist_free_all(headers);
    if (easy && pool) {
      curl_easy_reset(easy);  // every option is set again for the next request
      pool->idle.push_back(easy);
    } else if (easy) {
      curl_easy_cleanup(easy);
    }
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string line(data, size * count);
  transfer->header_bytes += line.size();
  if (transfer->header_bytes > kMaxHeaderBytes) {
    transfer->refused = {Problem::too_large, "the response headers are larger than " +
                                                 std::to_string(kMaxHeaderBytes) + " bytes"};
    return 0;  // aborts the transfer
  }
  if (line.rfind("HTTP/", 0) == 0 && ++transfer->status_lines > kMaxStatusLines) {
    transfer->refused = {Problem::not_http,
                         "the server sent more than " + std::to_string(kMaxStatusLines) +
                             " status lines (interim 1xx responses) for one request"};
    return 0;
  }
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response.headers.clear();  // a new response (after 100 Continue)
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    transfer->response.headers.emplace_back(core::ascii_lower(core::trim(line.substr(0, colon))),
                                            core::trim(line.substr(colon + 1)));
  }
  return size * count;
}

// Seconds from a Retry-After header: delta-seconds only (an HTTP date counts as absent).
std::optional<double> retry_after(const Response& response) {
  auto value = response.header("retry-after");
  if (!value) return std::nullopt;
  try {
    std::size_t used = 0;
    double seconds = std::stod(*value, &used);
    if (used == value->size() && seconds >= 0) return seconds;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Response::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::string_view problem_name(Problem problem) {
  switch (problem) {
    case Problem::none:
      return "none";
    case Problem::refused:
      return "connection refused";
    case Problem::timeout:
      return "timed out";
    case Problem::tls:
      return "TLS failure";
    case Problem::too_large:
      return "response too large";
    case Problem::not_http:
      return "not an HTTP response";
    case Problem::reset:
      return "connection reset";
    case Problem::interrupted:
      return "interrupted";
    case Problem::rate_limited:
      return "still rate-limited after retries";
    case Problem::other:
      return "transport failure";
  }
  return "transport failure";
}

namespace {

// The request with the added headers, each value as `shown` or as sent.
gen::Request with_headers(gen::Request request, const std::vector<ExtraHeader>& headers,
                          bool shown) {
  for (const auto& header : headers) {
    std::erase_if(request.headers, [&](const auto& h) {
      return core::ascii_lower(h.first) == core::ascii_lower(header.name);
    });
    request.headers.emplace_back(header.name, shown ? header.shown : header.value);
  }
  return request;
}

}  // namespace

struct Transport::Impl {
  TransportOptions options;
  CURLM* multi = nullptr;
  EasyPool easy_pool;  // idle handles are in no multi handle: freed after `multi`
  Pacer pacer;
  std::set<std::string> limited_keys;  // keys that have seen a 429 (adaptive pacing)
  std::mt19937_64 jitter{std::random_device{}()};
  core::Redactor redactor;  // the options' secrets and the added headers' secret values

  explicit Impl(TransportOptions o) : options(std::move(o)), pacer(options.rate) {
    redactor = options.redactor;
    for (const auto& header : options.headers) {
      if (header.shown != header.value) redactor.add(header.value, header.shown);
    }
    global_init();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(options.max_in_flight));
  }
  ~Impl() { curl_multi_cleanup(multi); }

  std::unique_ptr<Transfer> start(const Outgoing& outgoing, std::size_t index) {
    auto transfer = std::make_unique<Transfer>();
    transfer->index = index;
    transfer->max_bytes = options.max_response_bytes;
    gen::Request request =
        with_headers(with_auth(outgoing.request, outgoing.auth), options.headers, false);
    CURL* easy = easy_pool.take();
    transfer->easy = easy;
    transfer->multi = multi;
    transfer->pool = &easy_pool;
    std::string url = options.base_url + request.target();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    // The path exactly as the case has it: no "." or ".." segments folded away.
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    for (const auto& [name, value] : request.headers) {
      transfer->headers = curl_slist_append(transfer->headers, (name + ": " + value).c_str());
    }
    if (!request.cookies.empty()) {
      std::string cookies;
      for (const auto& [name, value] : request.cookies) {
        cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
      }
      transfer->headers = curl_slist_append(transfer->headers, ("Cookie: " + cookies).c_str());
    }
    if (request.content_type) {
      transfer->headers =
          curl_slist_append(transfer->headers, ("Content-Type: " + *request.content_type).c_str());
    }
    // No "Expect: 100-continue" round trip for large bodies.
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    bool sends_body = request.body.has_value() || request.method == "POST" ||
                      request.method == "PUT" || request.method == "PATCH";
    if (sends_body) {
      // Content-Length: 0 when there is no body: servers refuse (411) a POST without it.
      transfer->body_to_send = request.body.value_or("");
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body_to_send.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(transfer->body_to_send.size()));
    }
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_seconds * 1000));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout_seconds * 1000));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options.max_response_bytes));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    // No Accept-Encoding: responses are checked as the server sends them, and a mock that
    // compresses (brotli) spends more time on that than on answering.
    set_tls_options(easy, options.insecure, options.cacert);
    transfer->started = Clock::now();
    curl_multi_add_handle(multi, easy);
    return transfer;
  }

  double interval(const Outgoing& outgoing) const {
    switch (options.pacing) {
      case TransportOptions::Pacing::off:
        return 0;
      case TransportOptions::Pacing::declared:
        return outgoing.min_interval_seconds;
      case TransportOptions::Pacing::adaptive:
        return limited_keys.contains(outgoing.pace_key) ? outgoing.min_interval_seconds : 0;
    }
    return 0;
  }

  double backoff(int attempt, const Response& response) {
    if (auto seconds = retry_after(response))
      return std::min(*seconds, options.max_backoff_seconds);
    double base = std::min(options.max_backoff_seconds, 0.5 * std::pow(2.0, attempt - 1));
    std::uniform_real_distribution<double> spread(0.5, 1.0);
    return base * spread(jitter);
  }

  std::vector<Exchange> send(const std::vector<Outgoing>& batch) {
    std::vector<Exchange> results(batch.size());
    struct Waiting {
      std::size_t index;
      Clock::time_point not_before;
    };
    std::deque<Waiting> waiting;
    for (std::size_t i = 0; i < batch.size(); ++i) waiting.push_back({i, Clock::now()});
    std::map<CURL*, std::unique_ptr<Transfer>> in_flight;

    while (!waiting.empty() || !in_flight.empty()) {
      if (options.stop != nullptr && options.stop->load()) {
        std::erase_if(waiting, [&](const Waiting& w) {
          if (batch[w.index].cleanup) return false;
          results[w.index].problem = Problem::interrupted;
          return true;
        });
        for (auto it = in_flight.begin(); it != in_flight.end();) {
          if (batch[it->second->index].cleanup) {
            ++it;
            continue;
          }
          curl_multi_remove_handle(multi, it->first);
          results[it->second->index].problem = Problem::interrupted;
          it = in_flight.erase(it);
        }
        if (waiting.empty() && in_flight.empty()) break;
      }
      // Start what pacing allows, in order, up to the limit.
      auto now = Clock::now();
      auto next_wake = now + std::chrono::milliseconds(100);
      for (auto it = waiting.begin();
           it != waiting.end() &&
           in_flight.size() < static_cast<std::size_t>(options.max_in_flight);) {
        const Outgoing& outgoing = batch[it->index];
        if (it->not_before > now) {
          next_wake = std::min(next_wake, it->not_before);
          ++it;
          continue;
        }
        auto ready = pacer.acquire(outgoing.pace_key, interval(outgoing), now);
        if (ready > now) {
          next_wake = std::min(next_wake, ready);
          ++it;
          continue;
        }
        auto transfer = start(outgoing, it->index);
        CURL* easy = transfer->easy;
        in_flight.emplace(easy, std::move(transfer));
        it = waiting.erase(it);
      }

      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0;
      bool completed = false;
      while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        completed = true;
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        CURLcode code = message->data.result;
        curl_multi_remove_handle(multi, easy);
        auto node = in_flight.extract(easy);
        Transfer& transfer = *node.mapped();
        Exchange& exchange = results[transfer.index];
        ++exchange.attempts;
        transfer.response.seconds =
            std::chrono::duration<double>(Clock::now() - transfer.started).count();
        if (code != CURLE_OK) {
          exchange.problem = classify(code, transfer.too_large);
          exchange.detail = exchange.problem == Problem::too_large
                                ? "the response is larger than " +
                                      std::to_string(options.max_response_bytes) + " bytes"
                                : curl_easy_strerror(code);
          if (transfer.refused) {
            std::tie(exchange.problem, exchange.detail) = *transfer.refused;
          } else if (code == CURLE_OUT_OF_MEMORY) {
            // What curl says of a header line past its own limit (100 KB).
            exchange.problem = Problem::too_large;
            exchange.detail = "a response header line is larger than curl accepts (100 KB)";
          }
          continue;
        }
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        transfer.response.status = static_cast<int>(status);
        if (status == 429) limited_keys.insert(batch[transfer.index].pace_key);
        if (status == 429 && exchange.attempts < options.max_attempts) {
          double delay = backoff(exchange.attempts, transfer.response);
          waiting.push_back(
              {transfer.index, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(delay))});
          continue;
        }
        if (status == 429) {
          exchange.problem = Problem::rate_limited;
          exchange.detail = "429 after " + std::to_string(exchange.attempts) + " attempts";
        }
        exchange.response = std::move(transfer.response);
        // A body grown by appending holds up to twice its size until it is checked: a window of
        // large answers would hold that slack too.
        std::string& body = exchange.response->body;
        if (body.capacity() - body.size() > body.size() / 4) body.shrink_to_fit();
      }
      if (waiting.empty() && in_flight.empty()) break;
      if (completed) continue;  // slots are free: start what waits before sleeping
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - Clock::now());
      int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count(), 0, 100));
      if (in_flight.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
      } else {
        curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
      }
    }
    return results;
  }
};

Transport::Transport(TransportOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  while (!impl_->options.base_url.empty() && impl_->options.base_url.back() == '/') {
    impl_->options.base_url.pop_back();
  }
}

Transport::~Transport() = default;

std::string Transport::curl(const gen::Request& request, const Auth& auth) const {
  std::string line =
      curl_line(impl_->options.base_url, with_headers(request, impl_->options.headers, true), auth);
  // A value named by a variable is outside the single quotes, so that the shell expands it.
  for (const auto& header : impl_->options.headers) {
    if (header.shown == header.value || header.shown.find("${") == std::string::npos) continue;
    std::string opened;  // "Bearer ${X}" → "Bearer '"${X}"'"
    for (std::size_t i = 0; i < header.shown.size(); ++i) {
      std::size_t end = header.shown.find('}', i);
      if (header.shown.compare(i, 2, "${") == 0 && end != std::string::npos) {
        opened += "'\"" + header.shown.substr(i, end - i + 1) + "\"'";
        i = end;
      } else {
        opened += header.shown[i];
      }
    }
    line = transport::redact(line, header.shown, opened);
  }
  return redact(std::move(line));
}

std::string Transport::redact(std::string text) const { return redactor()(std::move(text)); }

const core::Redactor& Transport::redactor() const { return impl_->redactor; }

std::vector<Exchange> Transport::send(const std::vector<Outgoing>& batch) {
  return impl_->send(batch);
}

Exchange Transport::send(const Outgoing& one) { return impl_->send({one}).front(); }

const TransportOptions& Transport::options() const { return impl_->options; }

}  // namespace conform::transport
