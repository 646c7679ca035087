// HttpTarget: one request at a time over a Connection, read with a ResponseReader.
#include "harness/client/http_target.h"

#include <arpa/inet.h>
#include <poll.h>

#include <charconv>

#include "harness/client/http_connection.h"
#include "harness/protocol/http_wire.h"
#include "harness/protocol/response_reader.h"

namespace dj::client {

bool Endpoint::IsLoopback() const {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

Result<Endpoint> ParseEndpoint(const std::string& url) {
  Endpoint e;
  std::size_t colon = url.find("://");
  if (colon == std::string::npos) return Failure{"`" + url + "` is not a URL (no scheme://)"};
  e.scheme = url.substr(0, colon);
  if (e.scheme != "http" && e.scheme != "https") {
    return Failure{"the URL scheme must be http or https, not `" + e.scheme + "`"};
  }
  std::string rest = url.substr(colon + 3);
  std::size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    if (rest.substr(slash) != "/")
      return Failure{std::string("the URL must not have a path: the API is served at /")};
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string::npos)
    return Failure{std::string("the URL must not hold user info")};
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string::npos) return Failure{std::string("unclosed [ in the URL host")};
    e.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Failure{std::string("junk after ] in the URL host")};
      port_text = rest.substr(close + 2);
    }
  } else {
    std::size_t c = rest.find(':');
    e.host = rest.substr(0, c);
    if (c != std::string::npos) port_text = rest.substr(c + 1);
  }
  if (e.host.empty()) return Failure{std::string("the URL has no host")};
  e.port = e.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return Failure{"bad port `" + port_text + "` in the URL"};
    }
    e.port = port;
    e.explicit_port = true;
  }
  return e;
}

namespace {

using protocol::ResponseReader;

// A request whose Content-Length header does not match its body (a deliberate wire fault)
// leaves the connection out of step with the server: it is not used again.
bool FramingAgrees(const protocol::HttpRequest& r) {
  auto length = protocol::FindHeader(r.headers, "Content-Length");
  return !length || *length == std::to_string(r.body.size());
}

std::string Bytes(std::size_t n) { return std::to_string(n) + " bytes"; }

// The request's bytes. A POST, PUT or PATCH with no body and no framing header says
// "Content-Length: 0" (RFC 9110 §8.6), as clients do; the codec frames every other body.
std::string WireBytes(const protocol::HttpRequest& r) {
  bool framed = protocol::FindHeader(r.headers, "Content-Length") ||
                protocol::FindHeader(r.headers, "Transfer-Encoding");
  if (!r.body.empty() || framed || (r.method != "POST" && r.method != "PUT" && r.method != "PATCH")) {
    return protocol::FormatRequestBytes(r);
  }
  protocol::HttpRequest with_length = r;
  with_length.headers.emplace_back("Content-Length", "0");
  return protocol::FormatRequestBytes(with_length);
}

}  // namespace

struct HttpTarget::Exchanged {
  std::optional<protocol::HttpResponse> response;
  TransportError error;
  bool keep_alive = false;
  std::size_t answer_bytes = 0;  // bytes of the answer received, whole or not
};

Result<std::unique_ptr<HttpTarget>> HttpTarget::Create(const std::string& url,
                                                       const HttpTargetOptions& options) {
  auto endpoint = ParseEndpoint(url);
  if (!endpoint) return Failure{endpoint.error()};
  if (endpoint->scheme == "http" && !endpoint->IsLoopback() && !options.insecure_http) {
    return Failure{"plain http to " + endpoint->host +
                   ", which is not a loopback address, would carry credentials in clear text: "
                   "use https (or --insecure-http on a network you trust)"};
  }
  std::shared_ptr<SSL_CTX> tls;
  if (endpoint->scheme == "https") {
    auto ctx = MakeTlsContext(options.ca_file);
    if (!ctx) return Failure{ctx.error()};
    tls = std::move(*ctx);
  }
  return std::unique_ptr<HttpTarget>(
      new HttpTarget(url, std::move(*endpoint), std::move(tls), options));
}

HttpTarget::HttpTarget(std::string url, Endpoint endpoint, std::shared_ptr<SSL_CTX> tls,
                       const HttpTargetOptions& options)
    : url_(std::move(url)),
      options_(options),
      endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      call_timeout_(options.call_timeout_ms > 0
                        ? options.call_timeout_ms
                        : options.connect_timeout_ms + options.write_timeout_ms +
                              options.read_timeout_ms) {}

HttpTarget::~HttpTarget() = default;

SendResult HttpTarget::Send(const protocol::HttpRequest& request) {
  auto start = SteadyClock::now();
  auto deadline = start + call_timeout_;
  std::string bytes = WireBytes(request);
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> connection = TakeIdle();
    bool reused = connection != nullptr;
    if (!connection) {
      Connection::Options o;
      o.host = endpoint_.host;
      o.port = endpoint_.port;
      o.tls = tls_.get();
      o.deadline = std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(
                                                               options_.connect_timeout_ms));
      o.cancel = options_.cancel;
      auto opened = Connection::Open(o);
      if (!opened) return Failure{opened.error()};
      connection = std::move(*opened);
    }
    Exchanged x = Exchange(*connection, bytes, deadline);
    if (!x.response && x.error.kind == TransportErrorKind::kClosed && reused &&
        x.answer_bytes == 0 && attempt == 0) {
      // The server closed the idle connection as this request went out (a keep-alive timeout
      // or limit): the request was not read, so it goes again on a new connection.
      continue;
    }
    if (x.response && x.keep_alive && FramingAgrees(request)) PutIdle(std::move(connection));
    if (!x.response) return Failure{std::move(x.error)};
    return std::move(*x.response);
  }
}

std::unique_ptr<Connection> HttpTarget::TakeIdle() {
  std::lock_guard lock(idle_mu_);
  while (!idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(idle_.back());
    idle_.pop_back();
    if (c->StillOpen()) return c;
  }
  return nullptr;
}

void HttpTarget::PutIdle(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(idle_mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

// Writes the request while reading: an answer that arrives before the last byte is sent ends
// the call (the rest is not sent, and the connection is closed). A write that fails (the peer
// closed or reset) stops the writing, and what the peer did send is still read.
HttpTarget::Exchanged HttpTarget::Exchange(Connection& c, const std::string& bytes,
                                           SteadyClock::time_point deadline) {
  Exchanged x;
  ResponseReader reader(options_.max_answer_bytes);
  std::size_t sent = 0;
  bool write_failed = false;
  std::string write_error;
  auto whole_sent = [&] { return sent == bytes.size() && !c.HasPendingOutput(); };
  auto fail = [&](TransportErrorKind kind, std::string message) {
    x.answer_bytes = reader.bytes_seen();
    x.error = TransportError{std::move(message), kind, whole_sent()};
    return x;
  };
  auto sending = [&] {
    return "after " + Bytes(sent) + " of the " + Bytes(bytes.size()) + " request were sent";
  };
  std::string chunk;
  auto progress = SteadyClock::now();  // when a byte last moved either way
  while (true) {
    bool want_write = !write_failed && !whole_sent();
    // The call's deadline, or sooner when nothing moves for the read (write) timeout.
    auto idle = std::chrono::milliseconds(want_write ? options_.write_timeout_ms
                                                     : options_.read_timeout_ms);
    auto until = std::min(deadline, progress + idle);
    Ready ready = WaitFor(c.fd(), static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), until,
                          options_.cancel);
    if (ready.end == Ready::kInterrupted) return fail(TransportErrorKind::kInterrupted, "interrupted");
    if (ready.end != Ready::kReady) {
      std::string got = reader.bytes_seen() > 0 ? Bytes(reader.bytes_seen()) + " of an answer"
                                                : "no answer";
      std::string when = until < deadline ? "nothing moved for " + std::to_string(idle.count()) +
                                                " ms"
                                          : "no whole answer within " +
                                                std::to_string(call_timeout_.count()) + " ms";
      return fail(TransportErrorKind::kTimeout, when + " (" + got + ", " + sending() + ")" +
                                                    (ready.error.empty() ? "" : ": " + ready.error));
    }
    if (want_write && (ready.revents & POLLOUT)) {
      std::size_t taken = 0;
      IoStatus s = sent < bytes.size()
                       ? c.Write(std::string_view(bytes).substr(sent), &taken, &write_error)
                       : c.FlushPending(&write_error);
      sent += taken;
      if (taken > 0) progress = SteadyClock::now();
      if (s == IoStatus::kError) write_failed = true;
    }
    if (!(ready.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    chunk.clear();
    std::string read_error;
    IoStatus s = c.Read(&chunk, &read_error);
    if (!chunk.empty()) progress = SteadyClock::now();
    ResponseReader::State state = chunk.empty() ? reader.state() : reader.Feed(chunk);
    if ((s == IoStatus::kEof || s == IoStatus::kError) && state == ResponseReader::State::kNeedMore) {
      if (reader.bytes_seen() == 0) {
        std::string how = s == IoStatus::kEof ? "closed" : "reset (" + read_error + ")";
        if (write_failed) how += " while the request was being written (" + write_error + ")";
        return fail(TransportErrorKind::kClosed,
                    "the connection was " + how + " without an answer, " + sending());
      }
      state = reader.Finish();
    }
    switch (state) {
      case ResponseReader::State::kNeedMore:
        continue;
      case ResponseReader::State::kDone:
        x.answer_bytes = reader.bytes_seen();
        x.keep_alive = reader.KeepAlive() && whole_sent() && !write_failed &&
                       s != IoStatus::kEof && s != IoStatus::kError;
        x.response = reader.TakeResponse();
        return x;
      case ResponseReader::State::kTooLarge:
        return fail(TransportErrorKind::kTooLarge, reader.error());
      case ResponseReader::State::kMalformed:
        return fail(TransportErrorKind::kMalformed, reader.error() + ", " + sending());
    }
  }
}

std::string HttpTarget::HostHeader() const {
  bool v6 = endpoint_.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + endpoint_.host + "]" : endpoint_.host;
  bool default_port = (endpoint_.scheme == "http" && endpoint_.port == 80) ||
                      (endpoint_.scheme == "https" && endpoint_.port == 443);
  return default_port ? host : host + ":" + std::to_string(endpoint_.port);
}

std::unique_ptr<Target> HttpTarget::Another() const {
  auto another = Create(url_, options_);
  if (!another) return nullptr;
  return std::move(*another);
}

std::string HttpTarget::Name() const { return endpoint_.scheme + "://" + HostHeader() + "/"; }

}  // namespace dj::client
