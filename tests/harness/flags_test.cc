// Table-driven flag parsing and the mock's configuration from flags.
#include "harness/cli/flags.h"

#include <gtest/gtest.h>

#include "harness/cli/commands.h"

namespace dj::cli {
namespace {

Result<ParsedFlags> Parse(std::string_view command, std::vector<std::string> args) {
  return ParseFlags(command, args);
}

TEST(Flags, ValuesSwitchesAndRepeats) {
  auto f = Parse("mock",
                 {"--port", "8080", "--control", "--fault=no-rate-limit", "--fault", "lax-job-id"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->Get("port"), "8080");
  EXPECT_TRUE(f->Has("control"));
  EXPECT_EQ(f->All("fault"), (std::vector<std::string>{"no-rate-limit", "lax-job-id"}));
  EXPECT_EQ(f->Get("host", "127.0.0.1"), "127.0.0.1");
  EXPECT_FALSE(f->help);
  EXPECT_TRUE(Parse("mock", {"--help"})->help);
}

TEST(Flags, ErrorsNameTheFlag) {
  auto unknown = Parse("mock", {"--prot", "1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("--prot"), std::string::npos);
  auto missing = Parse("mock", {"--port"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("--port needs a value"), std::string::npos);
  auto twice = Parse("mock", {"--port", "1", "--port", "2"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().find("given twice"), std::string::npos);
  EXPECT_FALSE(Parse("mock", {"--control=yes"}).ok());
  EXPECT_FALSE(Parse("mock", {"stray"}).ok());
  // A flag of another command is unknown here.
  EXPECT_FALSE(Parse("mock", {"--target", "http://x/"}).ok());
}

TEST(Flags, HelpListsEveryFlagOfTheCommand) {
  std::string help = CommandHelp("mock");
  for (const char* flag :
       {"--host HOST", "--port N", "--control ", "--fault NAME", "--limit ACTION=N", "--seed N",
        "--foreign N", "--autoprogress-ms N", "--audit-log FILE"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(help.find("--target"), std::string::npos);
  EXPECT_NE(GeneralHelp().find("lifecycle"), std::string::npos);
  EXPECT_TRUE(IsCommand("faults"));
  EXPECT_FALSE(IsCommand("run-everything"));
}

TEST(MockConfigFromFlags, BuildsTheConfiguration) {
  auto flags = Parse("mock", {"--control",
                              "--control-token",
                              "t",
                              "--fault",
                              "no-rate-limit",
                              "--limit",
                              "DeleteJob=1",
                              "--limit",
                              "DescribeJob=50",
                              "--secret-id",
                              "AKIDa",
                              "--secret-key",
                              "ka",
                              "--secret-id",
                              "AKIDb",
                              "--secret-key",
                              "kb",
                              "--seed",
                              "42",
                              "--foreign",
                              "100000",
                              "--autoprogress-ms=250",
                              "--audit-log",
                              "audit.jsonl"});
  ASSERT_TRUE(flags.ok());
  auto config = MockConfigFromFlags(*flags);
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->control);
  EXPECT_EQ(config->control_token, "t");
  EXPECT_TRUE(config->Has(mock::Fault::kNoRateLimit));
  EXPECT_EQ(config->LimitOf(model::Action::kDeleteJob), 1);
  EXPECT_EQ(config->LimitOf(model::Action::kDescribeJob), 50);
  EXPECT_EQ(config->LimitOf(model::Action::kTerminateJob), 0);
  ASSERT_EQ(config->credentials.size(), 2U);
  EXPECT_EQ(config->credentials[1].secret_id, "AKIDb");
  EXPECT_EQ(config->seed, 42U);
  EXPECT_EQ(config->foreign_jobs, 100000);
  EXPECT_EQ(config->autoprogress_ms, 250);
}

TEST(MockConfigFromFlags, RefusesBadValues) {
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--fault", "nope"},
           {"--limit", "DeleteJob"},
           {"--limit", "Frobnicate=2"},
           {"--limit", "DeleteJob=-1"},
           {"--limit", "DeleteJob=two"},
           {"--secret-id", "AKIDa"},
           {"--control-token", "t"},
           {"--seed", "-3"},
           {"--foreign", "-1"},
           {"--foreign", "1000001"},
           {"--foreign", "many"},
           {"--foreign", ""},
           {"--autoprogress-ms", "x"},
           {"--autoprogress-ms", "-5"},
           {"--autoprogress-ms", "1.5"},
           {"--autoprogress-ms", "86400001"},
       }) {
    auto flags = Parse("mock", args);
    ASSERT_TRUE(flags.ok());
    auto config = MockConfigFromFlags(*flags);
    ASSERT_FALSE(config.ok()) << args[0] << " " << args[1];
    EXPECT_NE(config.error().find(args[0]), std::string::npos) << config.error();
  }
  auto config = MockConfigFromFlags(*Parse("mock", {"--foreign", "-1"}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error(), "--foreign: `-1` is not an integer from 0 to 1000000");
}

// RunMock refuses bad modes with exit code 2 and a message, before it binds or waits.
TEST(RunMock, RefusesBadModesBeforeStarting) {
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--foreign", "-1"},
           {"--autoprogress-ms", "x"},
           {"--audit-log", "/nonexistent-djharness-dir/audit.jsonl"},
           {"--audit-log="},
       }) {
    auto flags = Parse("mock", args);
    ASSERT_TRUE(flags.ok()) << flags.error();
    ::testing::internal::CaptureStderr();
    int code = RunMock(*flags);
    std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, kExitUsage) << args[0];
    EXPECT_NE(err.find("djharness mock: " + args[0].substr(0, args[0].find('='))),
              std::string::npos)
        << err;
  }
}

TEST(MockConfigFromFlags, DefaultsAreSafe) {
  auto config = MockConfigFromFlags(*Parse("mock", {}));
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->control);  // the control extension is off unless asked for
  EXPECT_TRUE(config->faults.empty());
  EXPECT_EQ(config->LimitOf(model::Action::kDeleteJob), 2);
  EXPECT_EQ(config->foreign_jobs, 0);
  EXPECT_EQ(config->autoprogress_ms, 0);
}

}  // namespace
}  // namespace dj::cli
