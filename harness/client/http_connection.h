// One client connection to an endpoint, plain TCP or TLS, driven without blocking so that the
// HTTP client can send and read at the same time and bound every step by one deadline. Nothing
// here raises SIGPIPE: plain sends use MSG_NOSIGNAL, and TLS runs over memory BIOs, so OpenSSL
// never touches the socket itself.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "harness/client/target.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace dj::client {

using SteadyClock = std::chrono::steady_clock;

// How a wait for a socket ended.
struct Ready {
  enum End { kReady, kTimeout, kInterrupted, kError } end = kReady;
  short revents = 0;
  std::string error;
};
// Waits until the socket has one of `events`, the deadline passes, or *cancel turns true
// (looked at every 100 ms when given).
Ready WaitFor(int fd, short events, SteadyClock::time_point deadline,
              const std::atomic<bool>* cancel);

enum class IoStatus {
  kOk,          // some bytes moved
  kWouldBlock,  // none could move now
  kEof,         // the peer closed (reading), nothing more will come
  kError,       // the connection failed (reset, broken pipe, TLS error); the message says how
};

class Connection {
 public:
  struct Options {
    std::string host;  // a name or a numeric address, without brackets
    int port = 0;
    SSL_CTX* tls = nullptr;  // TLS with the peer's certificate verified for `host` when set
    SteadyClock::time_point deadline;
    const std::atomic<bool>* cancel = nullptr;
  };
  // Resolves, connects and (for TLS) completes the handshake before the deadline. Fails with
  // kConnect (with a message saying which step failed and why), kTimeout or kInterrupted.
  static Result<std::unique_ptr<Connection>, TransportError> Open(const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  // Takes what it can of `data` without blocking (*taken bytes, possibly 0).
  IoStatus Write(std::string_view data, std::size_t* taken, std::string* error);
  // TLS records made from data already taken and not yet on the socket.
  bool HasPendingOutput() const { return !pending_.empty(); }
  IoStatus FlushPending(std::string* error);
  // Appends to *out what can be read now without blocking.
  IoStatus Read(std::string* out, std::string* error);
  // True when the idle connection is still open and has nothing unread: the peer has not
  // closed it (a keep-alive timeout) and sent nothing unasked.
  bool StillOpen();

 private:
  Connection() = default;
  Result<bool, TransportError> Handshake(const Options& options);
  IoStatus ReadPlain(std::string* out, std::string* error);
  IoStatus ReadTls(std::string* out, std::string* error);
  void TakeTlsOutput();

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // ciphertext from the socket, read by OpenSSL
  BIO* wbio_ = nullptr;  // ciphertext from OpenSSL, for the socket
  std::string pending_;  // ciphertext taken from wbio_ and not yet sent
  bool eof_ = false;     // the socket said end of stream
  bool failed_ = false;  // the socket or TLS failed
};

// A TLS client context that verifies peers with the system's CAs and those in ca_file (PEM),
// TLS 1.2 or later. Fails when ca_file is given and does not load.
Result<std::shared_ptr<SSL_CTX>> MakeTlsContext(const std::string& ca_file);

}  // namespace dj::client
