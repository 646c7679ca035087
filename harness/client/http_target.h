// A Target over HTTP/1.1 or HTTPS on the project's own client (http_connection.h): keep-alive
// with a check that an idle connection is still open, an answer read even when it comes before
// the whole request was sent (a front end refusing an oversize body), chunked answers, one
// deadline for the whole call, a cap on the answer's size, certificate verification for https
// (with an optional extra CA file), and no plain http to a host that is not loopback unless
// asked for. Calls from several threads at once each get a connection of their own.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/client/target.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace dj::client {

class Connection;

inline constexpr std::size_t kDefaultMaxAnswerBytes = std::size_t{16} << 20;

struct HttpTargetOptions {
  int connect_timeout_ms = 3000;  // within the call's deadline
  int read_timeout_ms = 10000;    // no byte of the answer for this long ends the call
  int write_timeout_ms = 10000;   // no byte of the request taken for this long ends it
  int call_timeout_ms = 0;  // the whole call; 0 = connect + write + read timeouts
  std::size_t max_answer_bytes = kDefaultMaxAnswerBytes;  // a longer body is kTooLarge
  // PEM CAs that https trusts besides the system's (Create fails when it does not load).
  std::string ca_file;
  // Allow plain http to a host that is not loopback (--insecure-http): every request carries
  // a SecretId and a signature, and perhaps a session token, in clear text.
  bool insecure_http = false;
  // When set and true, a call in flight ends within about 100 ms as kInterrupted (SIGINT).
  const std::atomic<bool>* cancel = nullptr;
};

// The parts of an endpoint URL "scheme://host[:port][/]".
struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  bool explicit_port = false;
  // "localhost", or a numeric address in 127.0.0.0/8 or ::1 (also IPv4-mapped): a name that
  // merely starts with "127." is not.
  bool IsLoopback() const;
};
// Fails, naming the problem, on another scheme, a path other than "/", user info, or a bad port.
Result<Endpoint> ParseEndpoint(const std::string& url);

class HttpTarget final : public Target {
 public:
  // Fails on a bad URL (ParseEndpoint), on plain http to a host that is not loopback without
  // options.insecure_http, and on an https URL with an options.ca_file that does not load.
  static Result<std::unique_ptr<HttpTarget>> Create(const std::string& url,
                                                    const HttpTargetOptions& options = {});
  ~HttpTarget() override;

  // Sends the request's bytes as they are (its headers, its target unencoded) and reads one
  // answer. Fails with a TransportError whose kind says what happened: kConnect, kTimeout (the
  // call's deadline), kClosed, kMalformed, kTooLarge, kInterrupted.
  SendResult Send(const protocol::HttpRequest& request) override;
  std::string HostHeader() const override;
  std::string Name() const override;
  // A new connection with the same options.
  std::unique_ptr<Target> Another() const override;

 private:
  HttpTarget(std::string url, Endpoint endpoint, std::shared_ptr<SSL_CTX> tls,
             const HttpTargetOptions& options);
  struct Exchanged;
  Exchanged Exchange(Connection& connection, const std::string& bytes,
                     std::chrono::steady_clock::time_point deadline);
  // A kept connection that is still open, or nullptr; and one given back after a call.
  std::unique_ptr<Connection> TakeIdle();
  void PutIdle(std::unique_ptr<Connection> connection);
  static constexpr std::size_t kMaxIdleConnections = 8;

  std::string url_;
  HttpTargetOptions options_;
  Endpoint endpoint_;
  std::shared_ptr<SSL_CTX> tls_;
  std::chrono::milliseconds call_timeout_;
  std::mutex idle_mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // kept open between calls (keep-alive)
};

}  // namespace dj::client
