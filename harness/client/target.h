// A Target is any endpoint the harness talks to: the mock in-process, the mock over loopback,
// a staging server or the real service. Every property runs against all of them unchanged.
#pragma once

#include <memory>
#include <string>

#include "harness/protocol/http_message.h"
#include "models/result.h"

namespace dj::client {

// Why a request got no usable HTTP answer. kTooLarge and kMalformed mean the target did answer,
// with something that is not a readable HTTP answer; kTimeout means it held the request past
// the deadline. A connection closed after the whole request was sent is a target's fault too;
// one closed while the request was still being written (a front end refusing an oversize body)
// may be a refusal whose answer was lost, so it says nothing until a canary fails as well.
enum class TransportErrorKind {
  kOther,        // anything not below (the default for targets that do not say)
  kConnect,      // the connection could not be made (refused, unknown host, TLS handshake)
  kTimeout,      // no whole answer within the call's deadline
  kClosed,       // the peer closed or reset the connection before a whole answer
  kMalformed,    // bytes came back that are not an HTTP/1.x answer
  kTooLarge,     // the answer's body is over the client's cap (the target answered)
  kInterrupted,  // the run was interrupted while the call was in flight
};

// The request never got a usable HTTP answer: refused connection, timeout, TLS failure...
struct TransportError {
  std::string message;
  TransportErrorKind kind = TransportErrorKind::kOther;
  bool whole_request_sent = false;  // every byte of the request was written before the failure
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
