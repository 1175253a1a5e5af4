#include "conform/mock/http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <thread>

namespace conform::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (beast::iequals(field, beast::string_view(name.data(), name.size()))) return value;
  }
  return std::nullopt;
}

std::string HttpRequest::header_or_empty(std::string_view name) const {
  return header(name).value_or("");
}

// What every connection of a server reads.
struct Shared {
  HttpLimits limits;
  HttpServer::Handler handler;
  HttpServer::Refusal refusal;
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

// One client connection; each step runs on its strand, one at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, const Shared& shared)
      : stream_(std::move(socket)), delay_(stream_.get_executor()), shared_(shared) {}

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
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
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

  void respond(HttpResponse answer, bool keep_alive, bool head) {
    response_.emplace();
    auto& response = *response_;
    response.version(11);
    int status = answer.status >= 100 && answer.status <= 999 ? answer.status : 500;
    response.result(static_cast<unsigned>(status));
    for (auto& [name, value] : answer.headers) {
      if (!name.empty() && fits_in_a_header(name) && fits_in_a_header(value)) {
        response.insert(name, value);
      }
    }
    bool bodiless = status < 200 || status == 204 || status == 304;
    if (!bodiless) response.body() = std::move(answer.body);
    response.prepare_payload();
    // An answer to HEAD says how long the body would be, and sends none.
    if (head) response.body().clear();
    response.keep_alive(keep_alive);
    if (answer.delay.count() > 0) {
      delay_.expires_after(answer.delay);
      delay_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
      return;
    }
    write();
  }

  void write() {
    stream_.expires_after(shared_.limits.write_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        if (error) return self->close();
                        if (!self->response_->keep_alive()) return self->linger();
                        self->response_.reset();
                        self->read_header();  // a pipelined request may already be in buffer_
                      });
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

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer delay_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> interim_;
  std::optional<http::response<http::string_body>> response_;
  const Shared& shared_;
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Shared s) : shared(std::move(s)) {}

  Shared shared;
  // After `shared`: pending handlers hold connections that refer to it, and go first.
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};

  void accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [this](beast::error_code error, tcp::socket socket) {
                            if (error == asio::error::operation_aborted || !acceptor.is_open())
                              return;
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

  void run() {
    // A handler that throws ends run(); serving goes on.
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception&) {
      }
    }
  }
};

HttpServer::HttpServer(HttpLimits limits, Handler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>(Shared{limits, std::move(handler), std::move(refusal)})) {}

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
  impl_->accept();
  std::vector<std::thread> others;
  for (unsigned i = 1; i < threads; ++i) others.emplace_back([this] { impl_->run(); });
  impl_->run();
  for (auto& thread : others) thread.join();
}

void HttpServer::stop() {
  if (impl_) impl_->io.stop();
}

}  // namespace conform::mock
