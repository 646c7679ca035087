// A Target over HTTP or HTTPS on cpp-httplib: keep-alive, connect/read/write timeouts, a
// deadline for the whole call (cpp-httplib's timeouts are per read: a server that drips one
// byte at a time would never trip them), a cap on the answer's size, and certificate
// verification for https (with an optional extra CA file), and no plain http to a host that is
// not loopback unless asked for. One call at a time per object.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "harness/client/target.h"

namespace httplib {
class Client;
}

namespace dj::client {

struct HttpTargetOptions {
  int connect_timeout_ms = 3000;
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  int call_timeout_ms = 0;  // the whole call; 0 = connect + write + read timeouts
  std::size_t max_answer_bytes = std::size_t{16} << 20;  // a longer body is a transport error
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

  SendResult Send(const protocol::HttpRequest& request) override;
  std::string HostHeader() const override;
  std::string Name() const override;
  // A new connection with the same options.
  std::unique_ptr<Target> Another() const override;

 private:
  HttpTarget(std::string url, Endpoint endpoint, std::unique_ptr<httplib::Client> client,
             const HttpTargetOptions& options);
  // Stops the client when a call outlives its deadline.
  void Watch();

  std::string url_;
  HttpTargetOptions options_;
  Endpoint endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::chrono::milliseconds call_timeout_;
  std::size_t max_answer_bytes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;  // of the call in flight
  bool expired_ = false;  // the watchdog stopped the call in flight
  bool idle_ = false;     // the watchdog waits for a call, not for a deadline
  bool quit_ = false;
  std::thread watchdog_;
};

}  // namespace dj::client
