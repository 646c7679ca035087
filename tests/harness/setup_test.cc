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

TEST(MakeSetup, TheEmbeddedMockLimitsAsTheLimitFlagsSay) {
  auto s = Make({"--limit", "DeleteJob=30", "--limit", "DescribeJob=4"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_NE(s->embedded, nullptr);
  EXPECT_EQ(s->embedded->config().LimitOf(model::Action::kDeleteJob), 30);
  EXPECT_EQ(s->embedded->config().LimitOf(model::Action::kDescribeJob), 4);
  EXPECT_EQ(model::LimitOf(s->limits, model::Action::kDeleteJob), 30);
  EXPECT_EQ(Make({})->embedded->config().LimitOf(model::Action::kDeleteJob), 2);
}

run::DriverConfig Judged(std::string_view command, const std::vector<std::string>& args) {
  auto flags = ParseFlags(command, args);
  EXPECT_TRUE(flags.ok()) << flags.error();
  run::DriverConfig driver;
  auto judged = JudgingFromFlags(*flags, driver);
  EXPECT_TRUE(judged.ok()) << judged.error().message;
  return driver;
}

TEST(JudgingFromFlags, TheLenientProfileAcceptsAFixedWindowUnlessTheSlackIsGiven) {
  run::DriverConfig strict = Judged("run", {});
  EXPECT_EQ(strict.profile, model::Profile::kStrict);
  EXPECT_EQ(strict.rate_slack, 1);
  EXPECT_EQ(strict.rate_margin_ms, 50);
  EXPECT_EQ(strict.skew_margin_s, 5);
  EXPECT_EQ(strict.JudgedLimitOf(model::Action::kDeleteJob), 2);
  EXPECT_EQ(Judged("run", {"--profile", "lenient"}).rate_slack, 2);
  EXPECT_EQ(Judged("run", {"--profile", "lenient", "--rate-slack", "1"}).rate_slack, 1);
  EXPECT_EQ(Judged("run", {"--rate-slack", "2"}).rate_slack, 2);
  run::DriverConfig given = Judged("run", {"--skew-margin", "20", "--rate-margin-ms", "120",
                                           "--limit", "DeleteJob=30", "--limit", "DescribeJob=9"});
  EXPECT_EQ(given.skew_margin_s, 20);
  EXPECT_EQ(given.rate_margin_ms, 120);
  EXPECT_EQ(given.JudgedLimitOf(model::Action::kDeleteJob), 30);
  // Another action's limit paces the driver, and RL-* never judge it.
  EXPECT_EQ(given.LimitOf(model::Action::kDescribeJob), 9);
  EXPECT_EQ(given.JudgedLimitOf(model::Action::kDescribeJob), 0);
}

// What a run records is what a replay of its results judges by.
TEST(WithRecordedJudging, AReplayJudgesAsTheRunDidUnlessToldOtherwise) {
  auto run_flags = ParseFlags("run", {"--profile",        "lenient",
                                      "--rate-slack",     "1",
                                      "--limit",          "DeleteJob=30",
                                      "--limit",          "DescribeJob=9",
                                      "--skew-margin",    "20",
                                      "--rate-margin-ms", "120",
                                      "--only",           "RL-*",
                                      "--fault",          "no-rate-limit",
                                      "--region",         "ap-shanghai",
                                      "--timeout-ms",     "2500",
                                      "--max-answer-mib", "3"});
  ASSERT_TRUE(run_flags.ok()) << run_flags.error();
  run::RunConfig config;
  ASSERT_TRUE(JudgingFromFlags(*run_flags, config.driver).ok());
  auto run_setup = MakeSetup(*run_flags, "run", "", CredentialsInEnvironment());
  ASSERT_TRUE(run_setup.ok()) << run_setup.error().message;
  config.driver.region = run_setup->region;
  config.only = run_flags->Get("only");
  report::Results recorded;
  recorded.profile = "lenient";
  recorded.styles = "both";
  recorded.target = run_setup->target_name;
  recorded.judging = JudgingRecord(*run_flags, config, *run_setup);
  auto results = report::ResultsFromText(nlohmann::json(recorded).dump());
  ASSERT_TRUE(results.ok()) << results.error();

  auto replay = [&](const std::vector<std::string>& args) {
    auto flags = ParseFlags("replay", args);
    EXPECT_TRUE(flags.ok()) << flags.error();
    return WithRecordedJudging(*flags, *results);
  };
  ParsedFlags as_run = replay({});
  run::DriverConfig driver;
  ASSERT_TRUE(JudgingFromFlags(as_run, driver).ok());
  EXPECT_EQ(driver.profile, model::Profile::kLenient);
  EXPECT_EQ(driver.rate_slack, 1);  // as given to the run, not the lenient default
  EXPECT_EQ(driver.rate_margin_ms, 120);
  EXPECT_EQ(driver.skew_margin_s, 20);
  EXPECT_EQ(driver.LimitOf(model::Action::kDeleteJob), 30);
  EXPECT_EQ(driver.LimitOf(model::Action::kDescribeJob), 9);
  EXPECT_EQ(as_run.Get("only"), "RL-*");
  auto http = HttpOptionsFromFlags(as_run);
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->call_timeout_ms, 2500);
  EXPECT_EQ(http->max_answer_bytes, std::size_t{3} << 20);
  auto setup = MakeSetup(as_run, "replay", results->target, CredentialsInEnvironment());
  ASSERT_TRUE(setup.ok()) << setup.error().message;
  ASSERT_NE(setup->embedded, nullptr);
  EXPECT_TRUE(setup->embedded->config().Has(mock::Fault::kNoRateLimit));
  EXPECT_EQ(setup->embedded->config().LimitOf(model::Action::kDeleteJob), 30);
  EXPECT_EQ(setup->region, "ap-shanghai");

  // Flags given to the replay win; a --limit replaces only its own action's.
  ParsedFlags told = replay({"--limit", "DeleteJob=2", "--skew-margin", "7", "--rate-slack", "2",
                             "--region", "ap-beijing", "--fault", "lax-job-id"});
  run::DriverConfig overridden;
  ASSERT_TRUE(JudgingFromFlags(told, overridden).ok());
  EXPECT_EQ(overridden.LimitOf(model::Action::kDeleteJob), 2);
  EXPECT_EQ(overridden.LimitOf(model::Action::kDescribeJob), 9);
  EXPECT_EQ(overridden.skew_margin_s, 7);
  EXPECT_EQ(overridden.rate_slack, 2);
  EXPECT_EQ(told.Get("region"), "ap-beijing");
  EXPECT_EQ(told.All("fault"), std::vector<std::string>{"lax-job-id"});
  // The run's faults were the in-process mock's: not planted in a target the replay is given.
  EXPECT_FALSE(replay({"--target", "http://127.0.0.1:9"}).Has("fault"));
}

TEST(WithRecordedJudging, ResultsThatRecordNoSettingsGiveTheProfileOnly) {
  report::Results old;
  old.profile = "lenient";
  old.target = std::string(kEmbeddedTargetName);
  auto flags = ParseFlags("replay", {"--skew-margin", "9"});
  ASSERT_TRUE(flags.ok());
  ParsedFlags as_run = WithRecordedJudging(*flags, old);
  run::DriverConfig driver;
  ASSERT_TRUE(JudgingFromFlags(as_run, driver).ok());
  EXPECT_EQ(driver.profile, model::Profile::kLenient);
  EXPECT_EQ(driver.rate_slack, 2);
  EXPECT_EQ(driver.skew_margin_s, 9);
  EXPECT_EQ(driver.LimitOf(model::Action::kDeleteJob), 2);
  EXPECT_FALSE(as_run.Has("limit"));
  EXPECT_FALSE(as_run.Has("region"));
}

}  // namespace
}  // namespace dj::cli
