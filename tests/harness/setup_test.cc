// MakeSetup for a remote target (harness/cli/setup.h): plain http only to loopback unless
// --insecure-http, --endpoint as an https host, and the environment's credential, token and
// region reaching a live mock over loopback HTTP.
#include "harness/cli/setup.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/harness/mock_fixture.h"
#include "tests/testing/environment.h"

namespace dj::cli {
namespace {

constexpr char kToken[] = "sessionTokenForTheSetupTest";

Environment CredentialsInEnvironment() {
  return testing::FakeEnvironment(
      {{"TENCENTCLOUD_SECRET_ID", std::string(mock::kDefaultSecretId)},
       {"TENCENTCLOUD_SECRET_KEY", std::string(mock::kDefaultSecretKey)},
       {"TENCENTCLOUD_SESSION_TOKEN", kToken},
       {"TENCENTCLOUD_REGION", "ap-shanghai"}});
}

Result<Setup, run::RunError> Make(const std::vector<std::string>& args) {
  auto flags = ParseFlags("run", args);
  EXPECT_TRUE(flags.ok()) << flags.error();
  return MakeSetup(*flags, "run", "", CredentialsInEnvironment());
}

TEST(MakeSetup, PlainHttpToAHostThatIsNotLoopbackIsAUsageError) {
  // Refused before any connection: these hosts need not exist.
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--target", "http://batch.example.test"},
           {"--target", "http://127.attacker.example.test:8080/"},
           {"--target", "http://10.1.2.3:8080"},
           {"--target", "http://127.0.0.1:9", "--control", "http://control.example.test"},
       }) {
    auto s = Make(args);
    ASSERT_FALSE(s.ok()) << args[1];
    EXPECT_EQ(s.error().exit_code, kExitUsage);
    EXPECT_NE(s.error().message.find("clear text"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("--insecure-http"), std::string::npos) << s.error().message;
  }
}

TEST(MakeSetup, EndpointNamesAnHttpsHostInsteadOfATarget) {
  auto url = [](std::vector<std::string> args) {
    auto flags = ParseFlags("run", args);
    EXPECT_TRUE(flags.ok()) << flags.error();
    return TargetUrlFromFlags(*flags, "fallback");
  };
  EXPECT_EQ(*url({"--endpoint", "batch.tencentcloudapi.com"}), "https://batch.tencentcloudapi.com");
  EXPECT_EQ(*url({"--endpoint", "batch.ap-shanghai.tencentcloudapi.com:8443"}),
            "https://batch.ap-shanghai.tencentcloudapi.com:8443");
  EXPECT_EQ(*url({"--target", "http://127.0.0.1:8080"}), "http://127.0.0.1:8080");
  EXPECT_EQ(*url({}), "fallback");
  for (std::vector<std::string> bad : {
           std::vector<std::string>{"--endpoint", "https://batch.tencentcloudapi.com"},
           {"--endpoint", "batch.tencentcloudapi.com/"},
           {"--endpoint="},
           {"--endpoint", "a.example.test", "--target", "https://b.example.test"},
       }) {
    auto u = url(bad);
    ASSERT_FALSE(u.ok()) << bad[0];
    EXPECT_EQ(u.error().exit_code, kExitUsage);
  }
  auto both = Make({"--endpoint", "a.example.test", "--target", "https://b.example.test"});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message.find("not both"), std::string::npos);
}

TEST(MakeSetup, TheEnvironmentsCredentialTokenAndRegionReachALiveTarget) {
  testing::MockFixture mock(testing::Via::kHttp);
  auto s = Make({"--target", mock.target().Name()});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->credentials.secret_id, mock::kDefaultSecretId);
  EXPECT_EQ(s->credentials.token, kToken);
  EXPECT_EQ(s->region, "ap-shanghai");
  EXPECT_EQ(s->credential_source, "the environment (TENCENTCLOUD_SECRET_ID)");
  ASSERT_NE(s->control, nullptr);  // the fixture's mock serves the control extension
  // Signed with the token in both signature versions, the requests are accepted.
  for (auto style : {protocol::Style::kApi3Post, protocol::Style::kQueryGet}) {
    client::ClientConfig config;
    config.style = style;
    config.region = s->region;
    config.wall_seconds = [&mock] { return mock.wall().load(); };
    client::ApiClient api(*s->target, s->credentials, config);
    client::Exchange x = api.Send(model::DescribeJobRequest("job-00000000"));
    EXPECT_EQ(testing::OutcomeText(x), "ResourceNotFound.Job") << protocol::StyleName(style);
    if (protocol::IsV3(style)) {
      EXPECT_EQ(protocol::FindHeader(x.request.headers, "X-TC-Token"), kToken);
    } else {
      EXPECT_NE(x.request.target.find(std::string("&Token=") + kToken), std::string::npos);
    }
  }
  // What an answer echoes is hidden in what the harness writes.
  EXPECT_EQ(s->Hide(std::string("token ") + kToken + ", id " + std::string(mock::kDefaultSecretId)),
            "token DJHARNESS-SESSION-TOKEN, id DJHARNESS-SECRET-ID");
}

TEST(MakeSetup, TheControlTokenComesFromTheEnvironmentUnlessTheFlagGivesOne) {
  const std::string token = "controlTokenOnlyInTheEnvironment";
  mock::MockConfig config = testing::ControlConfig();
  config.control_token = token;
  testing::MockFixture mock(testing::Via::kHttp, config);
  auto make = [&mock](std::vector<std::string> args, std::map<std::string, std::string> vars) {
    args.insert(args.end(), {"--target", mock.target().Name()});
    vars.insert({{"TENCENTCLOUD_SECRET_ID", std::string(mock::kDefaultSecretId)},
                 {"TENCENTCLOUD_SECRET_KEY", std::string(mock::kDefaultSecretKey)}});
    auto flags = ParseFlags("run", args);
    EXPECT_TRUE(flags.ok()) << flags.error();
    return MakeSetup(*flags, "run", "", testing::FakeEnvironment(std::move(vars)));
  };
  // Only in the environment: the probe carries it, and the mock, which requires it, answers.
  auto s = make({}, {{"DJHARNESS_CONTROL_TOKEN", token}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->control_token, token);
  ASSERT_NE(s->control, nullptr);
  EXPECT_EQ(s->Hide("echoed " + token), "echoed DJHARNESS-CONTROL-TOKEN");
  // Nowhere: refused, and the message names both sources.
  auto none = make({}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().exit_code, kExitUsage);
  EXPECT_NE(none.error().message.find("--control-token or DJHARNESS_CONTROL_TOKEN"),
            std::string::npos)
      << none.error().message;
  // The flag wins over the environment, even when it is wrong.
  auto flag = make({"--control-token", "wrong"}, {{"DJHARNESS_CONTROL_TOKEN", token}});
  ASSERT_FALSE(flag.ok());
  EXPECT_EQ(flag.error().exit_code, kExitUsage);
  auto right = make({"--control-token", token}, {{"DJHARNESS_CONTROL_TOKEN", "wrong"}});
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_EQ(right->control_token, token);
}

TEST(MakeSetup, TheEmbeddedMockKeepsItsOwnCredentialAndTheRegionFlag) {
  auto s = Make({"--region", "ap-beijing"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_NE(s->embedded, nullptr);
  EXPECT_EQ(s->credentials.secret_id, mock::kDefaultSecretId);
  EXPECT_EQ(s->credentials.token, "");
  EXPECT_EQ(s->region, "ap-beijing");
  EXPECT_EQ(Make({})->region, "ap-guangzhou");  // not TENCENTCLOUD_REGION: that is for remotes
}

}  // namespace
}  // namespace dj::cli
