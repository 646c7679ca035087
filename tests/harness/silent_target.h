// A Target that never answers: every request fails as a refused connection would.
#pragma once

#include <string>

#include "harness/client/target.h"

namespace dj::testing {

class SilentTarget final : public client::Target {
 public:
  client::SendResult Send(const protocol::HttpRequest&) override {
    return Failure{client::TransportError{"connection refused"}};
  }
  std::string HostHeader() const override { return "127.0.0.1:1"; }
  std::string Name() const override { return "silent"; }
};

}  // namespace dj::testing
