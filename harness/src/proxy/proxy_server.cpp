#include "conform/proxy/proxy_server.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "conform/core/error.hpp"
#include "conform/core/memory.hpp"
#include "conform/core/text.hpp"
#include "conform/http/server.hpp"
#include "conform/proxy/har.hpp"
#include "conform/schema/spec_schemas.hpp"

namespace conform::proxy {
namespace {

std::optional<std::uint64_t> content_length_of(const transport::HeaderList& headers) {
  std::optional<std::uint64_t> length;
  for (const auto& [name, value] : headers) {
    const std::string lower = core::ascii_lower(name);
    if (lower == "transfer-encoding") return std::nullopt;  // chunked wins (RFC 9112, 6.3)
    if (lower == "content-length") {
      try {
        std::size_t used = 0;
        std::uint64_t parsed = std::stoull(value, &used);
        if (used == value.size()) length = parsed;
      } catch (const std::exception&) {
      }
    }
  }
  return length;
}

// Past this many bytes of bodies, an exchange is judged alone and its memory given back.
constexpr std::size_t kLargeExchangeBytes = 1024 * 1024;

// Passes the target's answer to the client as it comes, keeping its start for the checks.
class ReplySink final : public transport::ForwardSink {
 public:
  ReplySink(http::Reply& reply, Exchange& exchange, std::size_t keep)
      : reply_(reply), exchange_(exchange), keep_(keep) {}

  bool on_head(int status, const transport::HeaderList& headers) override {
    exchange_.status = status;
    exchange_.response_headers = headers;
    transport::HeaderList passed;
    for (const auto& [name, value] : headers) {
      if (!transport::is_hop_by_hop(name, headers)) passed.emplace_back(name, value);
    }
    reply_.start(status, std::move(passed), content_length_of(headers));
    return true;
  }

  bool on_body(std::string_view bytes) override {
    exchange_.response_bytes += bytes.size();
    std::size_t room = keep_ - std::min(keep_, exchange_.response_body.size());
    exchange_.response_body.append(bytes.substr(0, room));
    if (bytes.size() > room) exchange_.truncated = true;
    return reply_.write(bytes);
  }

 private:
  http::Reply& reply_;
  Exchange& exchange_;
  std::size_t keep_;
};

http::HttpResponse text_response(int status, const std::string& text) {
  http::HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = "conform proxy: " + text + "\n";
  return response;
}

// "http://host:1/a?b" → "/a?b": a client that takes the proxy for a forward proxy sends the
// absolute form (RFC 9112, 3.2.2).
std::string origin_form(const std::string& target) {
  for (const char* scheme : {"http://", "https://"}) {
    if (target.rfind(scheme, 0) != 0) continue;
    auto slash = target.find('/', std::string(scheme).size());
    return slash == std::string::npos ? "/" : target.substr(slash);
  }
  return target;
}

}  // namespace

struct ProxyServer::Impl {
  struct Job {
    http::HttpRequest request;
    std::shared_ptr<http::Reply> reply;
  };

  const spec::Spec& spec;
  ProxyOptions options;
  schema::SpecSchemas schemas;
  Credentials credentials;
  TrafficJudge judge;
  std::unique_ptr<HarRecorder> recorder;
  std::atomic<bool> stopping{false};
  std::mutex jobs_mutex;
  std::condition_variable jobs_ready;
  std::deque<Job> jobs;
  std::vector<std::thread> workers;
  std::mutex log_mutex;
  std::mutex large_exchange_mutex;
  http::HttpServer server;

  Impl(const spec::Spec& s, ProxyOptions o)
      : spec(s),
        options(std::move(o)),
        schemas(s),
        credentials(s),
        judge(s, schemas, credentials, options.judge),
        server(limits(options),
               http::HttpServer::AsyncHandler(
                   [this](http::HttpRequest request, std::shared_ptr<http::Reply> reply) {
                     enqueue(std::move(request), std::move(reply));
                   }),
               [this](int status, const std::string& why) {
                 judge.refused(status, why);
                 return text_response(status, why);
               }) {
    if (options.record) {
      recorder = std::make_unique<HarRecorder>(*options.record, options.target, credentials,
                                               options.version);
    }
  }

  static http::HttpLimits limits(const ProxyOptions& options) {
    http::HttpLimits limits;
    limits.max_body_bytes = options.max_request_bytes;
    return limits;
  }

  void enqueue(http::HttpRequest request, std::shared_ptr<http::Reply> reply) {
    if (request.method == "CONNECT") {
      judge.refused(501,
                    "CONNECT (a tunnel): conform proxy is a reverse proxy; point the "
                    "client's base URL at it");
      return reply->send(text_response(501,
                                       "CONNECT is not supported: this is a reverse proxy; "
                                       "point the client's base URL at it"));
    }
    std::lock_guard lock(jobs_mutex);
    jobs.push_back({std::move(request), std::move(reply)});
    jobs_ready.notify_one();
  }

  void work() {
    transport::ForwardOptions forward;
    forward.base_url = options.target;
    forward.stall_seconds = options.stall_seconds;
    forward.connect_timeout_seconds = options.connect_timeout_seconds;
    forward.insecure = options.insecure;
    forward.cacert = options.cacert;
    forward.stop = &stopping;
    transport::Forwarder forwarder(forward);
    for (;;) {
      Job job;
      {
        std::unique_lock lock(jobs_mutex);
        jobs_ready.wait(lock, [this] { return stopping || !jobs.empty(); });
        if (stopping) break;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      pass_on(forwarder, job);
    }
    // What was never passed on is answered by nobody: the server is stopping.
    std::lock_guard lock(jobs_mutex);
    for (Job& job : jobs) job.reply->abort();
    jobs.clear();
  }

  void pass_on(transport::Forwarder& forwarder, Job& job) {
    Exchange exchange;
    exchange.started = std::chrono::system_clock::now();
    exchange.method = job.request.method;
    exchange.target = origin_form(job.request.target);
    exchange.request_headers = job.request.headers;
    exchange.request_body = std::move(job.request.body);
    transport::ForwardRequest request{exchange.method, exchange.target, exchange.request_headers,
                                      exchange.request_body, false};
    for (const auto& [name, value] : request.headers) {
      const std::string lower = core::ascii_lower(name);
      request.has_body =
          request.has_body || lower == "content-length" || lower == "transfer-encoding";
    }
    ReplySink sink(*job.reply, exchange, options.max_response_bytes);
    const transport::ForwardOutcome outcome = forwarder.forward(request, sink);
    exchange.seconds = outcome.seconds;
    exchange.problem = outcome.problem;
    exchange.detail = outcome.detail;
    const bool stopped = outcome.problem == transport::Problem::interrupted;
    const bool client_left = outcome.head_sent && outcome.problem == transport::Problem::other &&
                             outcome.detail.find("client left") != std::string::npos;
    if (outcome.problem == transport::Problem::none) {
      job.reply->finish();
    } else if (!outcome.head_sent && !stopped) {
      exchange.status = 0;
      exchange.answered_by_proxy = true;
      job.reply->send(text_response(502, "the target did not answer: " +
                                             std::string(transport::problem_name(outcome.problem)) +
                                             ": " + outcome.detail));
    } else {
      job.reply->abort();
    }
    exchange.abandoned = stopped || client_left;
    job.reply.reset();
    // Judging parses the bodies into trees many times their size: large exchanges are judged one
    // at a time, so that memory follows one large body rather than one per worker, and what their
    // copies and trees leave in this worker's arena is given back.
    const bool large =
        exchange.request_body.size() + exchange.response_body.size() >= kLargeExchangeBytes;
    std::unique_lock<std::mutex> one_at_a_time;
    if (large) one_at_a_time = std::unique_lock(large_exchange_mutex);
    judge_and_record(exchange);
    if (large) core::return_freed_memory();
  }

  void judge_and_record(Exchange& exchange) {
    // Before anything is written of it: its credentials are hidden wherever they appear.
    credentials.learn(exchange);
    // Masked once, for the report and the recording alike. Only a recording shows the response's
    // body (a report shows an excerpt, masked on its own): without one, it is not copied and
    // parsed to be masked for nothing.
    Exchange shown;
    if (recorder) {
      shown = credentials.masked(exchange);
    } else {
      std::string response_body = std::move(exchange.response_body);
      exchange.response_body.clear();
      shown = credentials.masked(exchange);
      exchange.response_body = std::move(response_body);
    }
    judge.judge(exchange, shown);
    if (recorder) recorder->record_masked(shown);
    if (options.log != nullptr) {
      std::lock_guard lock(log_mutex);
      *options.log << exchange.method << " " << shown.target.substr(0, shown.target.find('?'))
                   << " " << (exchange.status != 0 ? std::to_string(exchange.status) : "502")
                   << "\n";
    }
  }
};

ProxyServer::ProxyServer(const spec::Spec& spec, ProxyOptions options)
    : impl_(std::make_unique<Impl>(spec, std::move(options))) {}

ProxyServer::~ProxyServer() { stop(); }

int ProxyServer::bind() {
  std::string why;
  auto port = impl_->server.bind(impl_->options.host, impl_->options.port, why);
  if (!port) {
    core::fail_input("proxy.bind", "", "",
                     "cannot listen on " + impl_->options.host + ":" +
                         std::to_string(impl_->options.port) + ": " + why);
  }
  return *port;
}

void ProxyServer::serve() {
  // One arena per core rather than eight: 20 answers of 9 MiB of JSON in a row peaked at 617 MiB
  // and left 387–507 MiB behind with glibc's default, 431–449 MiB and 224–228 MiB with two
  // arenas, for 5–10% fewer small requests a second (bench/proxy-vs-prism).
  core::limit_allocator_arenas(std::max(2u, std::thread::hardware_concurrency()));
  for (unsigned i = 0; i < std::max(1u, impl_->options.workers); ++i) {
    impl_->workers.emplace_back([this] { impl_->work(); });
  }
  impl_->server.serve(std::max(2u, std::thread::hardware_concurrency()));
  {
    std::lock_guard lock(impl_->jobs_mutex);
    impl_->stopping = true;
    impl_->jobs_ready.notify_all();
  }
  for (auto& worker : impl_->workers) worker.join();
  impl_->workers.clear();
}

void ProxyServer::stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->jobs_mutex);
    impl_->stopping = true;
    impl_->jobs_ready.notify_all();
  }
  impl_->server.stop();
}

report::RunResults ProxyServer::results(double seconds, bool interrupted) const {
  return impl_->judge.results(seconds, interrupted);
}

bool ProxyServer::finish_recording(std::string& why) {
  return !impl_->recorder || impl_->recorder->close(why);
}

std::size_t ProxyServer::recorded() const {
  return impl_->recorder ? impl_->recorder->entries() : 0;
}

}  // namespace conform::proxy
