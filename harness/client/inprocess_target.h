// A Target that calls a MockService directly: no socket, same bytes.
#pragma once

#include "harness/client/target.h"
#include "harness/mock/mock_service.h"

namespace dj::client {

class InProcessTarget final : public Target {
 public:
  explicit InProcessTarget(mock::MockService& service) : service_(service) {}
  SendResult Send(const protocol::HttpRequest& request) override {
    protocol::HttpResponse response = service_.Handle(request);
    if (response.status == mock::kNoAnswerStatus) {
      // As a network client would see it: the whole request was sent, then the call's
      // deadline passed.
      return Failure{TransportError{"the mock held the request (planted fault hangs)",
                                    TransportErrorKind::kTimeout, true}};
    }
    return response;
  }
  std::string HostHeader() const override { return "batch.tencentcloudapi.com"; }
  std::string Name() const override { return "in-process mock"; }
  // The mock is thread-safe: every thread may call it directly.
  std::unique_ptr<Target> Another() const override {
    return std::make_unique<InProcessTarget>(service_);
  }

 private:
  mock::MockService& service_;
};

}  // namespace dj::client
