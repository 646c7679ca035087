// The life-cycle walk of `djharness lifecycle` / ./scripts/run, against the mock over HTTP:
// it passes against the correct mock in every style, fails against a faulty one, and never
// prints a credential.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/cli/commands.h"
#include "harness/client/http_target.h"
#include "harness/mock/http_server.h"

namespace dj::cli {
namespace {

struct Served {
  explicit Served(mock::MockConfig config) : service(std::move(config)), server(service) {
    EXPECT_TRUE(server.Bind("127.0.0.1", 0).ok());
    server.Start();
    target = std::move(client::HttpTarget::Create(server.Url()).value());
  }
  mock::MockService service;
  mock::MockHttpServer server;
  std::unique_ptr<client::HttpTarget> target;
};

mock::MockConfig WithControl(mock::FaultSet faults = {}) {
  mock::MockConfig c;
  c.control = true;
  c.faults = std::move(faults);
  return c;
}

protocol::Credentials Creds() {
  return {std::string(mock::kDefaultSecretId), std::string(mock::kDefaultSecretKey), ""};
}

TEST(Lifecycle, PassesAgainstTheReferenceMockInEveryStyle) {
  for (auto style : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                     protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    Served served(WithControl());
    client::ClientConfig config;
    config.style = style;
    std::ostringstream out;
    EXPECT_EQ(WalkLifecycle(*served.target, Creds(), config, "", out), kExitOk) << out.str();
    std::string text = out.str();
    for (const char* expected :
         {"ok: success, as OBS-1 expects", "ok: success, as DEL-1 expects",
          "ok: ResourceNotFound.Job, as GONE-1 expects",
          "ok: UnsupportedOperation, as DEL-2 expects",
          "ok: InvalidParameter.JobIdMalformed, as ID-1 expects",
          "5 requests, 5 answered as the reference model expects, 0 violation(s)"}) {
      EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    }
    // Credentials never appear in output.
    EXPECT_EQ(text.find(mock::kDefaultSecretId), std::string::npos);
    EXPECT_EQ(text.find(mock::kDefaultSecretKey), std::string::npos);
  }
}

TEST(Lifecycle, ReportsAViolationAgainstAFaultyMock) {
  Served served(WithControl({mock::Fault::kRunningDeletable}));
  std::ostringstream out;
  EXPECT_EQ(WalkLifecycle(*served.target, Creds(), {}, "", out), kExitViolations);
  EXPECT_NE(out.str().find("VIOLATION DEL-2: answered success"), std::string::npos) << out.str();
}

TEST(Lifecycle, UnreachableTargetIsATransportFailure) {
  // Bind a port, then stop serving it, so that nothing listens there.
  std::string url;
  {
    Served gone(WithControl());
    url = gone.server.Url();
  }
  client::HttpTargetOptions options;
  options.connect_timeout_ms = 500;
  auto target = client::HttpTarget::Create(url, options);
  ASSERT_TRUE(target.ok());
  std::ostringstream out;
  EXPECT_EQ(WalkLifecycle(**target, Creds(), {}, "", out), kExitTransport);
  EXPECT_NE(out.str().find("reset the target failed"), std::string::npos) << out.str();
}

TEST(Lifecycle, WrongControlTokenIsReported) {
  mock::MockConfig config = WithControl();
  config.control_token = "right";
  Served served(config);
  std::ostringstream out;
  EXPECT_EQ(WalkLifecycle(*served.target, Creds(), {}, "wrong", out), kExitTransport);
  EXPECT_NE(out.str().find("HTTP 403"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace dj::cli
