// Connection: non-blocking sockets with poll(2), and OpenSSL over memory BIOs.
#include "harness/client/http_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dj::client {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Plaintext handed to OpenSSL at once, and the ciphertext allowed to wait for the socket
// before Write takes no more.
constexpr std::size_t kTlsWriteChunk = 64 * 1024;
constexpr std::size_t kTlsPendingMax = 256 * 1024;
constexpr int kCancelCheckMs = 100;

std::string Errno(int e) { return std::strerror(e); }

// OpenSSL's queued errors as one line (and the queue emptied).
std::string TlsErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

bool IsNumericAddress(const std::string& host) {
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

TransportError ConnectError(std::string message) {
  return TransportError{std::move(message), TransportErrorKind::kConnect, false};
}

TransportError WaitError(const Ready& r, const std::string& what) {
  switch (r.end) {
    case Ready::kTimeout:
      return {what + ": the deadline passed", TransportErrorKind::kTimeout, false};
    case Ready::kInterrupted:
      return {"interrupted", TransportErrorKind::kInterrupted, false};
    default:
      return ConnectError(what + ": " + r.error);
  }
}

// One non-blocking connect to one address, waited for until the deadline.
Result<int, TransportError> ConnectOne(const addrinfo& ai, const Connection::Options& o,
                                       const std::string& where) {
  int fd = ::socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Failure{ConnectError("cannot open a socket: " + Errno(errno))};
  int r = ::connect(fd, ai.ai_addr, ai.ai_addrlen);
  if (r != 0 && errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    return Failure{ConnectError("cannot connect to " + where + ": " + Errno(e))};
  }
  if (r != 0) {
    Ready ready = WaitFor(fd, POLLOUT, o.deadline, o.cancel);
    if (ready.end != Ready::kReady) {
      ::close(fd);
      if (ready.end == Ready::kTimeout) {
        return Failure{ConnectError("no connection to " + where + " before the deadline")};
      }
      return Failure{WaitError(ready, "connecting to " + where)};
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      ::close(fd);
      return Failure{ConnectError("cannot connect to " + where + ": " + Errno(err))};
    }
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Ready WaitFor(int fd, short events, SteadyClock::time_point deadline,
              const std::atomic<bool>* cancel) {
  while (true) {
    if (cancel != nullptr && cancel->load()) return {Ready::kInterrupted, 0, ""};
    auto now = SteadyClock::now();
    if (now >= deadline) return {Ready::kTimeout, 0, ""};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    int ms = static_cast<int>(std::min<long long>(left, cancel ? kCancelCheckMs : 60'000));
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, ms);
    if (r > 0) return {Ready::kReady, p.revents, ""};
    if (r < 0 && errno != EINTR) return {Ready::kError, 0, "poll: " + Errno(errno)};
  }
}

Result<std::shared_ptr<SSL_CTX>> MakeTlsContext(const std::string& ca_file) {
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) return Failure{"cannot make a TLS context: " + TlsErrors()};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_default_verify_paths(ctx.get());
  if (!ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
    ERR_clear_error();
    return Failure{"cannot load the CA certificates in " + ca_file + " (a PEM file is needed)"};
  }
  return ctx;
}

Result<std::unique_ptr<Connection>, TransportError> Connection::Open(const Options& o) {
  std::string where = (o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) +
                      ":" + std::to_string(o.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(o.port);
  if (int r = ::getaddrinfo(o.host.c_str(), port.c_str(), &hints, &found); r != 0) {
    return Failure{ConnectError("cannot resolve the host name " + o.host + ": " +
                                ::gai_strerror(r))};
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, ::freeaddrinfo);
  std::unique_ptr<Connection> c(new Connection());
  TransportError last = ConnectError("no address for " + o.host);
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    auto fd = ConnectOne(*ai, o, where);
    if (fd) {
      c->fd_ = *fd;
      break;
    }
    last = fd.error();
    if (last.kind != TransportErrorKind::kConnect) break;  // the deadline or an interrupt
  }
  if (c->fd_ < 0) return Failure{last};
  if (o.tls != nullptr) {
    auto shaken = c->Handshake(o);
    if (!shaken) return Failure{shaken.error()};
  }
  return c;
}

Result<bool, TransportError> Connection::Handshake(const Options& o) {
  ssl_ = SSL_new(o.tls);
  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  if (ssl_ == nullptr || rbio_ == nullptr || wbio_ == nullptr) {
    return Failure{ConnectError("cannot start TLS: " + TlsErrors())};
  }
  BIO_ctrl(rbio_, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);  // an empty BIO means "more may come"
  SSL_set_bio(ssl_, rbio_, wbio_);     // ssl_ owns both now
  if (IsNumericAddress(o.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), o.host.c_str());
  } else {
    // SSL_set_tlsext_host_name, without the macro's C cast.
    SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(o.host.c_str()));
    SSL_set1_host(ssl_, o.host.c_str());
  }
  SSL_set_connect_state(ssl_);
  std::string error;
  while (true) {
    int r = SSL_do_handshake(ssl_);
    TakeTlsOutput();
    while (!pending_.empty()) {
      if (FlushPending(&error) == IoStatus::kError) {
        return Failure{ConnectError("TLS handshake: " + error)};
      }
      if (pending_.empty()) break;
      Ready w = WaitFor(fd_, POLLOUT, o.deadline, o.cancel);
      if (w.end != Ready::kReady) return Failure{WaitError(w, "TLS handshake")};
    }
    if (r == 1) return true;
    int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      long verify = SSL_get_verify_result(ssl_);
      std::string why = verify != X509_V_OK
                            ? std::string("certificate not trusted: ") +
                                  X509_verify_cert_error_string(verify)
                            : TlsErrors();
      ERR_clear_error();
      return Failure{ConnectError("TLS handshake with " + o.host + " failed: " + why)};
    }
    if (e == SSL_ERROR_WANT_READ) {
      Ready w = WaitFor(fd_, POLLIN, o.deadline, o.cancel);
      if (w.end != Ready::kReady) return Failure{WaitError(w, "TLS handshake")};
      char buf[kReadChunk];
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return Failure{ConnectError("TLS handshake: the peer closed the connection")};
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return Failure{ConnectError("TLS handshake: " + Errno(errno))};
      }
      if (n > 0) BIO_write(rbio_, buf, static_cast<int>(n));
    }
  }
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    if (!failed_ && !eof_ && SSL_is_init_finished(ssl_)) {
      SSL_shutdown(ssl_);  // close_notify, sent if the socket takes it at once
      TakeTlsOutput();
      std::string ignored;
      FlushPending(&ignored);
    }
    SSL_free(ssl_);
  }
  if (fd_ >= 0) ::close(fd_);
}

void Connection::TakeTlsOutput() {
  char buf[kReadChunk];
  int n = 0;
  while ((n = BIO_read(wbio_, buf, sizeof buf)) > 0) pending_.append(buf, static_cast<std::size_t>(n));
}

IoStatus Connection::FlushPending(std::string* error) {
  std::size_t sent = 0;
  IoStatus status = IoStatus::kOk;
  while (sent < pending_.size()) {
    ssize_t n = ::send(fd_, pending_.data() + sent, pending_.size() - sent,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      status = sent > 0 ? IoStatus::kOk : IoStatus::kWouldBlock;
      break;
    }
    failed_ = true;
    *error = Errno(errno);
    status = IoStatus::kError;
    break;
  }
  pending_.erase(0, sent);
  return status;
}

IoStatus Connection::Write(std::string_view data, std::size_t* taken, std::string* error) {
  *taken = 0;
  if (failed_) {
    *error = "the connection has failed";
    return IoStatus::kError;
  }
  if (ssl_ == nullptr) {
    while (true) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        *taken = static_cast<std::size_t>(n);
        return IoStatus::kOk;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::kWouldBlock;
      failed_ = true;
      *error = Errno(errno);
      return IoStatus::kError;
    }
  }
  if (pending_.size() >= kTlsPendingMax) {
    IoStatus s = FlushPending(error);
    if (s == IoStatus::kError || pending_.size() >= kTlsPendingMax) return s;
  }
  int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min(data.size(), kTlsWriteChunk)));
  if (n <= 0) {
    failed_ = true;
    *error = "TLS write: " + TlsErrors();
    return IoStatus::kError;
  }
  *taken = static_cast<std::size_t>(n);
  TakeTlsOutput();
  IoStatus s = FlushPending(error);
  return s == IoStatus::kError ? s : IoStatus::kOk;
}

IoStatus Connection::Read(std::string* out, std::string* error) {
  return ssl_ == nullptr ? ReadPlain(out, error) : ReadTls(out, error);
}

IoStatus Connection::ReadPlain(std::string* out, std::string* error) {
  if (eof_) return IoStatus::kEof;
  std::size_t before = out->size();
  char buf[kReadChunk];
  while (out->size() - before < 16 * kReadChunk) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      out->append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n == 0) {
      eof_ = true;
    } else {
      failed_ = true;
      *error = Errno(errno);
    }
    if (out->size() > before) return IoStatus::kOk;  // the end is reported by the next call
    return eof_ ? IoStatus::kEof : IoStatus::kError;
  }
  return out->size() > before ? IoStatus::kOk : IoStatus::kWouldBlock;
}

IoStatus Connection::ReadTls(std::string* out, std::string* error) {
  char buf[kReadChunk];
  // Ciphertext from the socket into OpenSSL.
  bool reset = false;
  while (!eof_ && !reset) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      BIO_write(rbio_, buf, static_cast<int>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n == 0) {
      eof_ = true;
      BIO_ctrl(rbio_, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nullptr);  // an empty BIO now means the end
    } else {
      reset = true;
      *error = Errno(errno);
    }
  }
  // Plaintext out of OpenSSL.
  std::size_t before = out->size();
  IoStatus end = IoStatus::kWouldBlock;
  while (true) {
    int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) {
      out->append(buf, static_cast<std::size_t>(n));
      continue;
    }
    int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      end = eof_ ? IoStatus::kEof : IoStatus::kWouldBlock;
    } else if (e == SSL_ERROR_ZERO_RETURN || eof_) {
      end = IoStatus::kEof;  // close_notify, or a close without it: both end the stream
      eof_ = true;
      ERR_clear_error();
    } else {
      *error = "TLS read: " + TlsErrors();
      end = IoStatus::kError;
    }
    break;
  }
  TakeTlsOutput();
  if (reset && end == IoStatus::kWouldBlock) end = IoStatus::kError;
  if (end == IoStatus::kError) failed_ = true;
  if (out->size() > before) return IoStatus::kOk;
  return end;
}

bool Connection::StillOpen() {
  if (eof_ || failed_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) == 0) return true;
  std::string unasked;
  std::string error;
  IoStatus s = Read(&unasked, &error);
  return s == IoStatus::kWouldBlock && unasked.empty();
}

}  // namespace dj::client
