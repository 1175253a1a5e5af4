#include "conform/http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace conform::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
// Each thread runs an io_context of its own, so a connection's handlers run one at a time without
// a strand, and threads share no queue. Concrete executor types: a type-erased executor costs a
// copy and a lookup per handler.
using Executor = asio::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (beast::iequals(field, beast::string_view(name.data(), name.size()))) return value;
  }
  return std::nullopt;
}

std::string HttpRequest::header_or_empty(std::string_view name) const {
  return header(name).value_or("");
}

// An answer in parts under way, which a stopping server ends.
struct Releasable {
  virtual ~Releasable() = default;
  virtual void release() = 0;
};

// What every connection of a server reads.
struct Shared {
  HttpLimits limits;
  HttpServer::Handler handler;
  HttpServer::AsyncHandler async_handler;
  HttpServer::Refusal refusal;
  std::atomic<bool> stopping{false};
  // The answers in parts under way: each holds its connection, which holds it, until the exchange
  // ends; a server that stops ends those that have not.
  mutable std::mutex replies_mutex;
  mutable std::vector<std::weak_ptr<Releasable>> replies;
};

namespace {

// A header the handler made that would break the answer's framing is left out.
bool fits_in_a_header(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Errors of the HTTP parser (a malformed request), as opposed to those of the socket.
bool is_parse_error(const beast::error_code& error) {
  return error.category() == make_error_code(http::error::bad_method).category();
}

// How long a refused connection is read and discarded after its answer: closing a socket with
// unread bytes resets it, and the client may lose the answer before reading it.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kDrainBytes = 4096;

// How much of a body a producer may get ahead of the client.
constexpr std::size_t kMaxQueuedBytes = 256 * 1024;

bool is_framing_header(const std::string& text) {
  beast::string_view name(text.data(), text.size());
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

class Connection;

// The producer's side of an answer in parts. The producer's calls queue what they give and ask
// the connection's thread to take it; that thread takes one step at a time (Next).
class StreamingReply final : public Reply, public Releasable {
 public:
  struct Head {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<std::uint64_t> content_length;
  };
  struct Next {
    enum class Kind { nothing, whole, head, chunk, end, abort } kind = Kind::nothing;
    HttpResponse whole{};
    Head head{};
    std::string chunk{};
  };

  StreamingReply(std::shared_ptr<Connection> connection, const Shared& shared)
      : connection_(std::move(connection)), shared_(shared) {}

  void send(HttpResponse response) override {
    std::lock_guard lock(mutex_);
    whole_ = std::move(response);
    schedule();
  }
  void start(int status, std::vector<std::pair<std::string, std::string>> headers,
             std::optional<std::uint64_t> content_length) override {
    std::lock_guard lock(mutex_);
    head_ = Head{status, std::move(headers), content_length};
    schedule();
  }
  bool write(std::string_view bytes) override {
    std::unique_lock lock(mutex_);
    // In slices, so that a server told to stop does not leave its producers waiting.
    while (!gone_ && queued_ >= kMaxQueuedBytes && !shared_.stopping) {
      room_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (gone_ || shared_.stopping) return false;
    chunks_.emplace_back(bytes);
    queued_ += bytes.size();
    schedule();
    return true;
  }
  void finish() override {
    std::lock_guard lock(mutex_);
    finished_ = true;
    schedule();
  }
  void abort() override {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    schedule();
  }

  // The connection's side, on its thread.
  Next take() {
    std::lock_guard lock(mutex_);
    scheduled_ = false;
    Next next;
    if (aborted_) {
      next.kind = Next::Kind::abort;
    } else if (whole_) {
      next.kind = Next::Kind::whole;
      next.whole = std::move(*whole_);
      whole_.reset();
    } else if (head_) {
      next.kind = Next::Kind::head;
      next.head = std::move(*head_);
      head_.reset();
    } else if (!chunks_.empty()) {
      next.kind = Next::Kind::chunk;
      next.chunk = std::move(chunks_.front());
      chunks_.pop_front();
    } else if (finished_) {
      next.kind = Next::Kind::end;
    }
    return next;
  }
  void consumed(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    queued_ -= std::min(queued_, bytes);
    room_.notify_all();
  }
  void unschedule() {
    std::lock_guard lock(mutex_);
    scheduled_ = false;
  }
  // The exchange is over (answered, or the client gone): the producer's writes return false, and
  // the connection is no longer held.
  void release() override {
    std::shared_ptr<Connection> last;
    std::lock_guard lock(mutex_);
    gone_ = true;
    last = std::move(connection_);
    room_.notify_all();
  }

 private:
  void schedule();  // with mutex_ held

  std::mutex mutex_;
  std::condition_variable room_;
  // Held until the exchange is over: while the producer works, nothing else keeps it alive.
  std::shared_ptr<Connection> connection_;
  const Shared& shared_;
  std::optional<HttpResponse> whole_;
  std::optional<Head> head_;
  std::deque<std::string> chunks_;
  std::size_t queued_ = 0;
  bool finished_ = false;
  bool aborted_ = false;
  bool gone_ = false;
  bool scheduled_ = false;
};

// One client connection; each step runs on its io_context's thread, one at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Socket&& socket, const Shared& shared)
      : stream_(std::move(socket)), delay_(stream_.get_executor()), shared_(shared) {}

  // Takes the reply's next step, unless a write is under way (its end calls again).
  void pump() {
    if (!reply_) return;
    if (writing_) return reply_->unschedule();
    StreamingReply::Next next = reply_->take();
    using Kind = StreamingReply::Next::Kind;
    switch (next.kind) {
      case Kind::nothing:
        return;
      case Kind::abort:
        return drop_reply();
      case Kind::whole: {
        end_reply();
        return respond(std::move(next.whole), keep_alive_, head_request_);
      }
      case Kind::head:
        return write_head(std::move(next.head));
      case Kind::chunk:
        return write_chunk(std::move(next.chunk));
      case Kind::end:
        return write_end();
    }
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Connection::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.limits.max_header_bytes));
    parser_->body_limit(shared_.limits.max_body_bytes);
    stream_.expires_after(shared_.limits.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::on_header, shared_from_this()));
  }

  void on_header(beast::error_code error, std::size_t) {
    if (error) return refuse_or_close(error);
    const auto& message = parser_->get();
    if (beast::iequals(message[http::field::expect], "100-continue")) {
      interim_.emplace(http::status::continue_, message.version());
      stream_.expires_after(shared_.limits.write_timeout);
      http::async_write(stream_, *interim_,
                        [self = shared_from_this()](beast::error_code e, std::size_t) {
                          if (e) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(shared_.limits.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::on_request, shared_from_this()));
  }

  void on_request(beast::error_code error, std::size_t) {
    if (error) return refuse_or_close(error);
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    head_request_ = message.method() == http::verb::head;
    version_ = message.version();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    if (shared_.async_handler) {
      reply_ = std::make_shared<StreamingReply>(shared_from_this(), shared_);
      remember(reply_);
      try {
        shared_.async_handler(std::move(request), reply_);
      } catch (const std::exception& e) {
        reply_->send(shared_.refusal(500, e.what()));
      }
      return;
    }
    HttpResponse answer;
    try {
      answer = shared_.handler(request);
    } catch (const std::exception& e) {
      answer = shared_.refusal(500, e.what());
    }
    respond(std::move(answer), message.keep_alive(), message.method() == http::verb::head);
  }

  void refuse_or_close(const beast::error_code& error) {
    if (error == http::error::body_limit) {
      return respond(shared_.refusal(413, "the request body is too large"), false, false);
    }
    if (error == http::error::header_limit) {
      return respond(shared_.refusal(431, "the request's header is too large"), false, false);
    }
    // A request cut short (the client left, or timed out) has nobody to answer.
    if (is_parse_error(error) && error != http::error::end_of_stream &&
        error != http::error::partial_message) {
      return respond(
          shared_.refusal(400, "the request is not well-formed HTTP/1.1 (" + error.message() + ")"),
          false, false);
    }
    close();
  }

  // A whole answer goes out as its head, written here, and its body, in one write: Beast's
  // serializer costs more than the answer's own work on a small one.
  void respond(HttpResponse answer, bool keep_alive, bool head) {
    int status = answer.status >= 100 && answer.status <= 999 ? answer.status : 500;
    bool bodiless = status < 200 || status == 204 || status == 304;
    head_.clear();
    head_ += "HTTP/1.1 ";
    head_ += std::to_string(status);
    head_ += ' ';
    auto reason = http::obsolete_reason(static_cast<http::status>(status));
    head_.append(reason.data(), reason.size());
    head_ += "\r\n";
    for (const auto& [name, value] : answer.headers) {
      if (!name.empty() && fits_in_a_header(name) && fits_in_a_header(value) &&
          !is_framing_header(name)) {
        head_.append(name).append(": ").append(value).append("\r\n");
      }
    }
    body_.clear();
    if (!bodiless) {
      body_ = std::move(answer.body);
      head_.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n");
    }
    // An answer to HEAD says how long the body would be, and sends none.
    if (head) body_.clear();
    if (!keep_alive) head_ += "Connection: close\r\n";
    head_ += "\r\n";
    answer_keeps_alive_ = keep_alive;
    if (answer.delay.count() > 0) {
      delay_.expires_after(answer.delay);
      delay_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
      return;
    }
    write();
  }

  void write() {
    stream_.expires_after(shared_.limits.write_timeout);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers,
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        if (error) return self->close();
                        if (!self->answer_keeps_alive_) return self->linger();
                        self->body_ = std::string();  // a large body's memory goes back now
                        self->read_header();  // a pipelined request may already be in buffer_
                      });
  }

  void remember(const std::shared_ptr<StreamingReply>& reply) {
    std::lock_guard lock(shared_.replies_mutex);
    auto& replies = shared_.replies;
    // Forgotten once over: pruned whenever the list doubles, so it stays as long as the answers
    // under way, give or take.
    if (replies.size() >= 64 && replies.size() == replies.capacity()) {
      std::erase_if(replies, [](const auto& weak) { return weak.expired(); });
    }
    replies.push_back(reply);
  }

  void write_head(StreamingReply::Head head) {
    auto& response = streamed_.emplace();
    response.version(11);
    int status = head.status >= 100 && head.status <= 999 ? head.status : 502;
    response.result(static_cast<unsigned>(status));
    for (auto& [name, value] : head.headers) {
      if (!name.empty() && fits_in_a_header(name) && fits_in_a_header(value) &&
          !is_framing_header(name)) {
        response.insert(name, value);
      }
    }
    bodiless_ = head_request_ || status < 200 || status == 204 || status == 304;
    remaining_ = head.content_length;
    if (head.content_length && status >= 200 && status != 204 && status != 304) {
      response.content_length(*head.content_length);
    } else if (!bodiless_ && version_ >= 11) {
      response.chunked(true);
    } else if (!bodiless_) {
      keep_alive_ = false;  // an HTTP/1.0 client reads to the end of the connection
    }
    if (bodiless_) remaining_.reset();
    response.keep_alive(keep_alive_);
    response.body().data = nullptr;
    response.body().more = !bodiless_;
    serializer_.emplace(response);
    writing_ = true;
    stream_.expires_after(shared_.limits.write_timeout);
    http::async_write_header(stream_, *serializer_,
                             [self = shared_from_this()](beast::error_code e, std::size_t) {
                               self->writing_ = false;
                               if (e) return self->drop_reply();
                               self->pump();
                             });
  }

  void write_chunk(std::string chunk) {
    const std::size_t size = chunk.size();
    if (bodiless_ || size == 0) {
      reply_->consumed(size);
      return pump();
    }
    // More than the length the head announced would be read as the next answer.
    if (remaining_ && size > *remaining_) return drop_reply();
    if (remaining_) *remaining_ -= size;
    chunk_ = std::move(chunk);
    auto& body = streamed_->body();
    body.data = chunk_.data();
    body.size = size;
    body.more = true;
    writing_ = true;
    stream_.expires_after(shared_.limits.write_timeout);
    http::async_write(stream_, *serializer_,
                      [self = shared_from_this(), size](beast::error_code e, std::size_t) {
                        self->writing_ = false;
                        if (e == http::error::need_buffer) e = {};
                        if (e) return self->drop_reply();
                        self->reply_->consumed(size);
                        self->pump();
                      });
  }

  void write_end() {
    // Fewer bytes than announced: only closing tells the client the answer is cut short.
    if (remaining_ && *remaining_ > 0) return drop_reply();
    end_reply();
    if (bodiless_) return next_request();
    auto& body = streamed_->body();
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    stream_.expires_after(shared_.limits.write_timeout);
    http::async_write(stream_, *serializer_,
                      [self = shared_from_this()](beast::error_code e, std::size_t) {
                        if (e) return self->close();
                        self->next_request();
                      });
  }

  void next_request() {
    serializer_.reset();
    streamed_.reset();
    if (!keep_alive_) return linger();
    read_header();
  }

  void end_reply() {
    if (!reply_) return;
    auto reply = std::move(reply_);
    reply->release();
  }

  void drop_reply() {
    end_reply();
    close();
  }

  // Half-closes, then reads and drops what the client still sends, for a bounded time.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    // Into the request buffer, dropped each time: a connection holds no space of its own for it.
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kDrainBytes),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::basic_stream<tcp, Executor> stream_;
  beast::flat_buffer buffer_;
  asio::basic_waitable_timer<std::chrono::steady_clock,
                             asio::wait_traits<std::chrono::steady_clock>, Executor>
      delay_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> interim_;
  // A whole answer: its head and body, written together.
  std::string head_;
  std::string body_;
  bool answer_keeps_alive_ = true;
  const Shared& shared_;
  // The request being answered, and an answer in parts.
  bool keep_alive_ = true;
  bool head_request_ = false;
  unsigned version_ = 11;
  std::shared_ptr<StreamingReply> reply_;
  std::optional<http::response<http::buffer_body>> streamed_;
  std::optional<http::response_serializer<http::buffer_body>> serializer_;
  std::string chunk_;
  std::optional<std::uint64_t> remaining_;
  bool bodiless_ = false;
  bool writing_ = false;
};

void StreamingReply::schedule() {
  if (scheduled_ || !connection_) return;
  scheduled_ = true;
  auto connection = connection_;
  asio::post(connection->executor(), [connection] { connection->pump(); });
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpLimits limits, HttpServer::Handler handler, HttpServer::AsyncHandler async_handler,
       HttpServer::Refusal refusal) {
    shared.limits = limits;
    shared.handler = std::move(handler);
    shared.async_handler = std::move(async_handler);
    shared.refusal = std::move(refusal);
  }

  ~Impl() {
    // Serving has ended: an answer in parts still under way will not be taken, and its
    // connection and it would keep each other.
    std::vector<std::weak_ptr<Releasable>> replies;
    {
      std::lock_guard lock(shared.replies_mutex);
      replies.swap(shared.replies);
    }
    for (const auto& weak : replies) {
      if (auto reply = weak.lock()) reply->release();
    }
  }

  Shared shared;
  // After `shared`: pending handlers hold connections that refer to it, and go first. `others`
  // serve connections, one thread each; `io` holds the acceptor and serves connections too. `io`
  // goes before `others`: a pending accept holds a socket made for one of them.
  std::vector<std::unique_ptr<asio::io_context>> others;
  asio::io_context io{1};
  std::size_t next_context = 0;
  std::mutex contexts_mutex;  // `others` is filled by serve() while stop() may run
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};

  // Connections go round the threads in turn.
  Executor next_executor() {
    std::size_t turn = next_context++ % (others.size() + 1);
    return turn == 0 ? io.get_executor() : others[turn - 1]->get_executor();
  }

  void accept() {
    acceptor.async_accept(next_executor(), [this](beast::error_code error, Socket socket) {
      if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (error) {
        // Out of descriptors, say: try again shortly rather than spin.
        retry.expires_after(std::chrono::milliseconds(50));
        retry.async_wait([this](beast::error_code e) {
          if (!e) accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Connection>(std::move(socket), shared)->start();
      accept();
    });
  }

  static void run(asio::io_context& context) {
    // A handler that throws ends run(); serving goes on.
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception&) {
      }
    }
  }
};

HttpServer::HttpServer(HttpLimits limits, Handler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>(limits, std::move(handler), nullptr, std::move(refusal))) {}

HttpServer::HttpServer(HttpLimits limits, AsyncHandler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>(limits, nullptr, std::move(handler), std::move(refusal))) {}

HttpServer::~HttpServer() { stop(); }

std::optional<int> HttpServer::bind(const std::string& host, int port, std::string& why) {
  beast::error_code error;
  tcp::resolver resolver(impl_->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), error);
  if (error) {
    why = error.message();
    return std::nullopt;
  }
  for (const auto& entry : endpoints) {
    auto& acceptor = impl_->acceptor;
    beast::error_code ignored;
    acceptor.close(ignored);
    acceptor.open(entry.endpoint().protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(entry.endpoint(), error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (!error) return acceptor.local_endpoint().port();
    why = error.message();
  }
  impl_->acceptor.close(error);
  return std::nullopt;
}

void HttpServer::serve(unsigned threads) {
  auto& impl = *impl_;
  std::vector<std::thread> others;
  {
    std::lock_guard lock(impl.contexts_mutex);
    for (unsigned i = 1; i < threads; ++i) {
      auto& context = *impl.others.emplace_back(std::make_unique<asio::io_context>(1));
      // Serving until stopped, with or without a connection.
      others.emplace_back(
          [&context, work = asio::make_work_guard(context)] { Impl::run(context); });
      if (impl.shared.stopping) context.stop();
    }
  }
  impl.accept();
  Impl::run(impl.io);
  for (auto& thread : others) thread.join();
}

void HttpServer::stop() {
  if (!impl_) return;
  std::lock_guard lock(impl_->contexts_mutex);
  impl_->shared.stopping = true;
  impl_->io.stop();
  for (auto& context : impl_->others) context->stop();
}

}  // namespace conform::http
