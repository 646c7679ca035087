// A reference mock with injected clocks, reachable over loopback HTTP or in-process, with a
// signing client and a control client that read the same clock. Servers stop with the fixture.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "harness/client/api_client.h"
#include "harness/client/http_target.h"
#include "harness/client/inprocess_target.h"
#include "harness/mock/http_server.h"
#include "harness/mock/mock_service.h"

namespace dj::testing {

enum class Via { kHttp, kInProcess };

inline std::string ViaName(const ::testing::TestParamInfo<Via>& info) {
  return info.param == Via::kHttp ? "Http" : "InProcess";
}

// The timestamp of the spec's test vectors: 2024-12-31T23:59:59Z, 07:59:59 the next day in UTC+8.
inline constexpr std::int64_t kVectorTime = 1735689599;

inline mock::MockConfig ControlConfig(mock::FaultSet faults = {}) {
  mock::MockConfig c;
  c.control = true;
  c.seed = 7;
  c.faults = std::move(faults);
  // A wide race window for non-atomic-delete, so that two threads started together always meet
  // in it, however slow the machine.
  c.race_window_ms = 50;
  c.credentials.push_back(
      {"AKIDsecondCredential000000000000000002", "secondSecretKey0000000000000002", ""});
  return c;
}

inline protocol::Credentials DefaultCredentials() {
  return {std::string(mock::kDefaultSecretId), std::string(mock::kDefaultSecretKey), ""};
}

class MockFixture {
 public:
  explicit MockFixture(Via via, mock::MockConfig config = ControlConfig())
      : service_(
            std::move(config), [this] { return wall_.load(); }, [this] { return steady_.load(); }) {
    if (via == Via::kHttp) {
      server_ = std::make_unique<mock::MockHttpServer>(service_);
      auto port = server_->Bind("127.0.0.1", 0);
      EXPECT_TRUE(port.ok());
      server_->Start();
      auto target = client::HttpTarget::Create(server_->Url());
      EXPECT_TRUE(target.ok());
      target_ = std::move(*target);
    } else {
      target_ = std::make_unique<client::InProcessTarget>(service_);
    }
    control_ = std::make_unique<client::ControlClient>(*target_);
    api_ = Client(DefaultCredentials());
  }

  // A client with other credentials, reading the fixture's clock.
  std::unique_ptr<client::ApiClient> Client(protocol::Credentials creds,
                                            protocol::Style style = protocol::Style::kApi3Post) {
    client::ClientConfig config;
    config.style = style;
    config.wall_seconds = [this] { return wall_.load(); };
    return std::make_unique<client::ApiClient>(*target_, std::move(creds), config);
  }

  // Create a job through the control extension; the JobId.
  std::string Create(const nlohmann::json& description) {
    auto id = control_->PutJob(description);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error());
    return id.ok() ? *id : std::string();
  }
  std::string Create(std::string_view job_state, std::vector<std::string> instance_states) {
    return Create({{"JobState", job_state},
                   {"Tasks", {{{"TaskName", "t0"}, {"InstanceStates", instance_states}}}}});
  }
  // Move the control clock (the rate limiter's time in control mode).
  void Advance(std::int64_t ms) { ASSERT_TRUE(control_->AdvanceClock(ms).ok()); }

  client::Exchange Send(const model::ApiRequest& r) { return api_->Send(r); }
  client::Exchange Send(const protocol::Call& call, const protocol::EncodeOptions& o) {
    return api_->Send(call, o);
  }

  client::ApiClient& api() { return *api_; }
  client::ControlClient& control() { return *control_; }
  client::Target& target() { return *target_; }
  mock::MockService& service() { return service_; }
  std::atomic<std::int64_t>& wall() { return wall_; }
  std::atomic<std::int64_t>& steady() { return steady_; }

 private:
  std::atomic<std::int64_t> wall_{kVectorTime};
  std::atomic<std::int64_t> steady_{0};
  mock::MockService service_;
  std::unique_ptr<mock::MockHttpServer> server_;
  std::unique_ptr<client::Target> target_;
  std::unique_ptr<client::ControlClient> control_;
  std::unique_ptr<client::ApiClient> api_;
};

// "success", an error code, or "HTTP <status>" / "no answer", for assertions and messages.
inline std::string OutcomeText(const client::Exchange& x) {
  if (x.transport_error) return "no answer: " + x.transport_error->message;
  auto o = x.answer.AsOutcome();
  return o ? model::ToString(*o) : "unreadable: " + x.response.body.substr(0, 200);
}

}  // namespace dj::testing
