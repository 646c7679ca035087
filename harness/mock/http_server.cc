// The cpp-httplib server around MockService. cpp-httplib answers a few requests itself before
// any handler runs (unknown method, a request line over 64 KiB, body over the payload limit);
// its error handler turns those into the documented error envelope too.
#include "harness/mock/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <ostream>
#include <utility>

#include "harness/protocol/envelope.h"
#include "harness/protocol/http_wire.h"

namespace dj::mock {
namespace {

// cpp-httplib 0.11 (Debian's build, its limits compiled in) answers 414 by itself to a request
// line over 8 KiB, well below the API's 32 KB GET limit (COM-6): a GET the API accepts would
// be refused by the reference. So the mock reads its connections itself: a longer request
// line (up to protocol::kMaxRequestHead) reaches cpp-httplib with a short stand-in target,
// and the handler gets the real one back. Everything else is cpp-httplib's as before.
constexpr std::size_t kHttplibLineMax = 8000;
constexpr std::string_view kStandInTarget = "/djharness-long-request-target";
// It also refuses a form body over 8 KiB with 413 (below the API's 1 MB v1 POST limit): such
// a body is read under a stand-in Content-Type, and the handler gets the real one back.
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr std::string_view kStandInType = "application/x-djharness-form-body";
thread_local std::optional<std::string> t_form_type;  // this thread's request's, if stood in

// One accepted connection, plain or TLS, read through a buffer that outlives each request
// (bytes of the next request read with this one are kept).
class Connection {
 public:
  Connection(socket_t sock, SSL* ssl, int read_ms, int write_ms)
      : sock_(sock), ssl_(ssl), read_ms_(read_ms), write_ms_(write_ms) {}

  bool WaitReadable(int ms) const {
    if (off_ < buf_.size() || (ssl_ != nullptr && SSL_pending(ssl_) > 0)) return true;
    pollfd p{sock_, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  }
  ssize_t Read(char* out, std::size_t n) {
    if (off_ < buf_.size()) {
      std::size_t k = std::min(n, buf_.size() - off_);
      std::memcpy(out, buf_.data() + off_, k);
      off_ += k;
      return static_cast<ssize_t>(k);
    }
    if (!WaitReadable(read_ms_)) return -1;
    return Recv(out, n);
  }
  ssize_t Write(const char* data, std::size_t n) {
    pollfd p{sock_, POLLOUT, 0};
    if (::poll(&p, 1, write_ms_) <= 0) return -1;
    if (ssl_ != nullptr) {
      int wrote = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
      return wrote > 0 ? wrote : -1;
    }
    return ::send(sock_, data, n, MSG_NOSIGNAL);
  }
  // Up to and including the next '\n', or what arrived before `max` bytes, the end or a
  // timeout; true when the line ended within `max`.
  bool ReadLine(std::string& line, std::size_t max) {
    for (;;) {
      std::size_t end = buf_.find('\n', off_);
      if (end != std::string::npos && end - off_ < max) {
        line.assign(buf_, off_, end + 1 - off_);
        off_ = end + 1;
        return true;
      }
      if (buf_.size() - off_ >= max || !WaitReadable(read_ms_)) break;
      char chunk[4096];
      ssize_t got = Recv(chunk, sizeof chunk);
      if (got <= 0) break;
      buf_.erase(0, off_);
      off_ = 0;
      buf_.append(chunk, static_cast<std::size_t>(got));
    }
    line.assign(buf_, off_);
    off_ = buf_.size();
    return false;
  }
  socket_t socket() const { return sock_; }

 private:
  ssize_t Recv(char* out, std::size_t n) {
    if (ssl_ != nullptr) return SSL_read(ssl_, out, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
    return ::recv(sock_, out, n, 0);
  }

  socket_t sock_;
  SSL* ssl_;
  int read_ms_;
  int write_ms_;
  std::string buf_;
  std::size_t off_ = 0;
};

std::string AddressOf(const sockaddr_storage& a, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  return text;
}

// One request of a connection, as cpp-httplib reads it: the request line first (with the
// stand-in target when it is too long for cpp-httplib), then the connection's bytes.
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(Connection& c, int read_ms) : c_(c), read_ms_(read_ms) {
    bool whole = c.ReadLine(head_, protocol::kMaxRequestHead);
    std::size_t first = head_.find(' ');
    std::size_t last = head_.rfind(' ');
    if (whole && head_.size() > kHttplibLineMax && first != std::string::npos && last > first + 1) {
      long_target_ = head_.substr(first + 1, last - first - 1);
      head_ = head_.substr(0, first + 1) + std::string(kStandInTarget) + head_.substr(last);
    }
  }
  const std::optional<std::string>& long_target() const { return long_target_; }

  bool is_readable() const override { return off_ < head_.size() || c_.WaitReadable(read_ms_); }
  bool is_writable() const override {
    pollfd p{c_.socket(), POLLOUT, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  ssize_t read(char* out, size_t n) override {
    if (off_ < head_.size()) {
      std::size_t k = std::min(n, head_.size() - off_);
      std::memcpy(out, head_.data() + off_, k);
      off_ += k;
      return static_cast<ssize_t>(k);
    }
    return c_.Read(out, n);
  }
  ssize_t write(const char* data, size_t n) override { return c_.Write(data, n); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getpeername(c_.socket(), reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      ip = AddressOf(a, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(c_.socket(), reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      ip = AddressOf(a, port);
    }
  }
  socket_t socket() const override { return c_.socket(); }

 private:
  Connection& c_;
  int read_ms_;
  std::string head_;
  std::size_t off_ = 0;
  std::optional<std::string> long_target_;
};

// cpp-httplib's server with the connection loop above: keep-alive as cpp-httplib keeps it
// (its count, its idle timeout, until Stop()), each request through cpp-httplib's own
// process_request.
template <class Base>
class LongLineServer : public Base {
 public:
  using Base::Base;

 protected:
  bool Serve(socket_t sock, SSL* ssl) {
    int read_ms = static_cast<int>(this->read_timeout_sec_ * 1000 + this->read_timeout_usec_ / 1000);
    int write_ms =
        static_cast<int>(this->write_timeout_sec_ * 1000 + this->write_timeout_usec_ / 1000);
    Connection conn(sock, ssl, read_ms, write_ms);
    bool ret = false;
    for (std::size_t left = this->keep_alive_max_count_; left > 0 && Idle(conn); --left) {
      RequestStream strm(conn, read_ms);
      bool closed = false;
      ret = this->process_request(strm, left == 1, closed, [&strm](httplib::Request& req) {
        if (strm.long_target()) req.target = *strm.long_target();
        t_form_type.reset();
        auto type = req.headers.find("Content-Type");
        if (type != req.headers.end() && type->second.starts_with(kFormType)) {
          t_form_type = std::exchange(type->second, std::string(kStandInType));
        }
      });
      if (!ret || closed) break;
    }
    return ret;
  }

 private:
  // Wait for the next request as cpp-httplib does: up to the keep-alive timeout, ending at
  // once when the server stops.
  bool Idle(const Connection& conn) const {
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(this->keep_alive_timeout_sec_);
    while (this->svr_sock_ != INVALID_SOCKET) {
      if (conn.WaitReadable(50)) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    return false;
  }
};

class PlainServer final : public LongLineServer<httplib::Server> {
 private:
  bool process_and_close_socket(socket_t sock) override {
    bool ret = Serve(sock, nullptr);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
  }
};

class TlsServer final : public LongLineServer<httplib::SSLServer> {
 public:
  using LongLineServer::LongLineServer;

 private:
  bool process_and_close_socket(socket_t sock) override {
    // The handshake is bounded by the read and write timeouts, as cpp-httplib bounds it.
    timeval rt{static_cast<time_t>(read_timeout_sec_), static_cast<suseconds_t>(read_timeout_usec_)};
    timeval wt{static_cast<time_t>(write_timeout_sec_),
               static_cast<suseconds_t>(write_timeout_usec_)};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt);
    ::setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &wt, sizeof wt);
    bool ret = false;
    SSL* ssl = SSL_new(ssl_context());
    if (ssl != nullptr && SSL_set_fd(ssl, static_cast<int>(sock)) == 1 && SSL_accept(ssl) == 1) {
      ret = Serve(sock, ssl);
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
  }
};

protocol::HttpRequest FromHttplib(const httplib::Request& req) {
  protocol::HttpRequest out;
  out.method = req.method;
  out.target = req.target.empty() ? std::string("/") : req.target;
  for (const auto& [name, value] : req.headers) {
    // cpp-httplib adds these for its own bookkeeping; they were not sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    bool stood_in = t_form_type && value == kStandInType &&
                    protocol::EqualsIgnoreCase(name, "Content-Type");
    out.headers.emplace_back(name, stood_in ? *t_form_type : value);
  }
  out.body = req.body;
  return out;
}

// cpp-httplib 0.11 reads a body only for POST, PUT, PATCH and DELETE. A body declared on any
// other method, if it arrives after the headers, stays in the stream and would be parsed as
// the start of the next request: such a connection is closed after its answer.
bool UnreadBody(const httplib::Request& req) {
  bool reads_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                    req.method == "DELETE";
  if (reads_body) return false;
  std::string length = req.get_header_value("Content-Length");
  return req.has_header("Transfer-Encoding") || (!length.empty() && length != "0");
}

void ToHttplib(const protocol::HttpResponse& in, httplib::Response& res) {
  res.status = in.status;
  std::string content_type = "application/json";
  for (const auto& [name, value] : in.headers) {
    if (protocol::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
    } else {
      res.set_header(name, value);
    }
  }
  res.set_content(in.body, content_type);
}

std::unique_ptr<httplib::Server> MakeServer(const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return std::make_unique<PlainServer>();
  }
  return std::make_unique<TlsServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
}

}  // namespace

MockHttpServer::MockHttpServer(MockService& service, ServerOptions options)
    : service_(service), options_(std::move(options)), server_(MakeServer(options_)) {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    protocol::HttpRequest request = FromHttplib(req);
    protocol::HttpResponse response = service_.Handle(request);
    if (response.status == kNoAnswerStatus) {
      std::unique_lock lock(hang_mu_);
      hang_cv_.wait_for(lock, std::chrono::milliseconds(service_.config().hang_ms),
                        [this] { return stopping_; });
      thread_local std::mt19937_64 rng{std::random_device{}()};
      response = protocol::ErrorResponse(NewRequestId(rng), model::ErrorCode::kInternalError,
                                         "The mock held this request (planted fault hangs).");
      response.status = 504;
    }
    if (options_.log != nullptr) Log(request, response);
    ToHttplib(response, res);
    if (UnreadBody(req)) res.set_header("Connection", "close");
  };
  for (auto route : {&httplib::Server::Get, &httplib::Server::Put, &httplib::Server::Patch,
                     &httplib::Server::Delete, &httplib::Server::Options}) {
    (server_.get()->*route)(".*", handler);
  }
  server_->Post(".*", httplib::Server::Handler(handler));
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;  // our own answer
        // A request cpp-httplib refused before our handler saw it. RequestIds here come from a
        // separate generator: these answers never touch the mock's state.
        thread_local std::mt19937_64 rng{std::random_device{}()};
        protocol::HttpResponse answer;
        if (res.status == 413 || res.status == 414) {
          answer = protocol::RefusalResponse(NewRequestId(rng), {model::Clause::kTooLarge, ""});
        } else if (req.method != "GET" && req.method != "POST") {
          answer =
              protocol::RefusalResponse(NewRequestId(rng), {model::Clause::kUnsupportedMethod, ""});
        } else {
          answer = protocol::ErrorResponse(NewRequestId(rng), model::ErrorCode::kInvalidParameter,
                                           "The HTTP request could not be parsed.");
          // A request whose head was read (a body cpp-httplib could not take apart, such as a
          // malformed multipart form) is a complete HTTP request: ENV-1 wants 200. Only a head
          // that could not be read keeps cpp-httplib's status.
          answer.status = req.method.empty() ? res.status : 200;
        }
        ToHttplib(answer, res);
        // cpp-httplib may not have read such a request's body: close the connection, so that
        // stray body bytes are never read as the next request (found by djharness fuzz).
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }));
  // An idle keep-alive connection holds a worker thread: enough workers for the harness's
  // concurrency property (up to 64 client threads) besides its own connections.
  server_->new_task_queue = [] { return new httplib::ThreadPool(72); };
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = static_cast<int>(sock);
  });
  server_->set_tcp_nodelay(true);  // answers are small: do not wait for delayed ACKs
  server_->set_keep_alive_max_count(100000);
  server_->set_payload_max_length(protocol::kV3PostLimitBytes);
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
}

MockHttpServer::~MockHttpServer() { Stop(); }

void MockHttpServer::Log(const protocol::HttpRequest& request,
                         const protocol::HttpResponse& response) {
  std::string action = "-";
  if (auto wire = protocol::ParseWire(request); wire && wire->common.action) {
    action = wire->common.action->substr(0, 40);
  }
  protocol::Answer answer = protocol::ParseAnswer(response);
  std::string outcome = answer.has_error ? answer.code_text.value_or("?") : "ok";
  std::lock_guard lock(log_mu_);
  *options_.log << request.method.substr(0, 16) << " " << request.Path().substr(0, 80) << " "
                << action << " -> " << response.status << " " << outcome << std::endl;
}

Result<int> MockHttpServer::Bind(const std::string& host, int port) {
  host_ = host;
  if (!server_->is_valid()) {
    return Failure{"cannot load the TLS certificate " + options_.tls_cert_file + " and key " +
                   options_.tls_key_file};
  }
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) return Failure{"cannot bind " + host + " to a free port"};
  } else {
    if (!server_->bind_to_port(host, port)) {
      return Failure{"cannot bind " + host + ":" + std::to_string(port)};
    }
    port_ = port;
  }
  // cpp-httplib listens with a backlog of 5 (compiled in). A burst of new connections (wrk
  // -c64, the concurrency property's lanes) overflows it, and the kernel drops the
  // handshakes it has no room for; their clients send again only after 1 s, then 2 s more,
  // so a request can wait seconds for a mock that is idle. Listening again raises the backlog.
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  return port_;
}

void MockHttpServer::Start() {
  done_ = false;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    done_ = true;
  });
  // Ready once cpp-httplib's accept loop runs (or has already given up), so that a Stop()
  // right after Start() cannot miss it.
  while (!server_->is_running() && !done_) std::this_thread::yield();
}

void MockHttpServer::Serve() { server_->listen_after_bind(); }

void MockHttpServer::Stop() {
  {
    std::lock_guard lock(hang_mu_);
    stopping_ = true;
  }
  hang_cv_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string MockHttpServer::Url() const {
  bool v6 = host_.find(':') != std::string::npos;
  std::string scheme = options_.tls_cert_file.empty() ? "http://" : "https://";
  return scheme + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

}  // namespace dj::mock
