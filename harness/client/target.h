// A Target is any endpoint the harness talks to: the mock in-process, the mock over loopback,
// a staging server or the real service. Every property runs against all of them unchanged.
#pragma once

#include <memory>
#include <string>

#include "harness/protocol/http_message.h"
#include "models/result.h"

namespace dj::client {

// The request never got an HTTP answer: refused connection, timeout, TLS failure...
struct TransportError {
  std::string message;
};

using SendResult = Result<protocol::HttpResponse, TransportError>;

class Target {
 public:
  virtual ~Target() = default;
  // Send one request and wait for its answer (with a timeout, for network targets).
  virtual SendResult Send(const protocol::HttpRequest& request) = 0;
  // The Host header value to send and sign, e.g. "batch.tencentcloudapi.com" or "127.0.0.1:8080".
  virtual std::string HostHeader() const = 0;
  // A description for reports: a URL or "in-process mock". Never holds credentials.
  virtual std::string Name() const = 0;
  // Another connection to the same endpoint, for another client thread (the concurrency
  // property); nullptr when the target cannot serve several threads at once.
  virtual std::unique_ptr<Target> Another() const { return nullptr; }
};

}  // namespace dj::client
