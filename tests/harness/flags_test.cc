// Table-driven flag parsing and the mock's configuration from flags.
#include "harness/cli/flags.h"

#include <gtest/gtest.h>

#include <limits>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/runner/diff.h"
#include "tests/testing/environment.h"

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
  // Values the flags table refuses do not get this far: see Flags.EveryCheckedFlag... below.
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--secret-id", "AKIDa"},
           {"--control-token", "t"},
       }) {
    auto flags = Parse("mock", args);
    ASSERT_TRUE(flags.ok());
    auto config = MockConfigFromFlags(*flags);
    ASSERT_FALSE(config.ok()) << args[0] << " " << args[1];
    EXPECT_NE(config.error().find(args[0]), std::string::npos) << config.error();
  }
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--fault", "nope"},
           {"--limit", "DeleteJob"},
           {"--limit", "Frobnicate=2"},
           {"--limit", "DeleteJob=-1"},
           {"--limit", "DeleteJob=two"},
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
    ASSERT_FALSE(flags.ok()) << args[0] << " " << args[1];
    EXPECT_EQ(flags.error().find(args[0] + ": `" + args[1] + "` is not "), 0U) << flags.error();
  }
  EXPECT_EQ(Parse("mock", {"--foreign", "-1"}).error(),
            "--foreign: `-1` is not an integer from 0 to 1000000");
}

// RunMock refuses bad modes with exit code 2 and a message, before it binds or waits.
TEST(RunMock, RefusesBadModesBeforeStarting) {
  for (std::vector<std::string> args : {
           std::vector<std::string>{"--audit-log", "/nonexistent-djharness-dir/audit.jsonl"},
           {"--audit-log="},
           {"--tls-cert", "cert.pem"},
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

// Every flag whose accepted values flags.def gives refuses anything else with one line that
// names the flag and says what it accepts, and takes every value it says it accepts.
TEST(Flags, EveryCheckedFlagRefusesOtherValuesSayingWhatItAccepts) {
  int checked = 0;
  for (const CommandInfo& command : Commands()) {
    for (const FlagInfo& flag : FlagsOf(command.name)) {
      const Accepts& a = flag.accepts;
      std::vector<std::string> bad;
      std::vector<std::string> good;
      switch (a.kind) {
        case ValueKind::kAny:
          continue;
        case ValueKind::kInteger:
          bad = {"", "x", "1.5", "12abc", "99999999999999999999", " 1", "+1"};
          if (a.min > std::numeric_limits<long long>::min())
            bad.push_back(std::to_string(a.min - 1));
          if (a.max < std::numeric_limits<long long>::max())
            bad.push_back(std::to_string(a.max + 1));
          good = {std::to_string(a.min), std::to_string(a.max)};
          break;
        case ValueKind::kOneOf:
          bad = {"", "no-such-name"};
          good = a.names();
          break;
        case ValueKind::kListOf:
          bad = {"no-such-name", a.names().front() + ",no-such-name", a.names().front() + ","};
          good = a.names();
          good.emplace_back(a.all_word);
          good.push_back(a.names().front() + "," + a.names().back());
          break;
        case ValueKind::kClauseGlob:
          bad = {"", "XYZ-*", "DEL-22", "del-2"};  // ids match exactly, as --only judges them
          good = {"DEL-2", "AUTH-?", "*"};
          break;
        case ValueKind::kActionLimit:
          bad = {"",
                 "DeleteJob",
                 "DeleteJob=",
                 "=2",
                 "deletejob=2",
                 "Frobnicate=2",
                 "DeleteJob=-1",
                 "DeleteJob=+2",
                 "DeleteJob= 2",
                 "DeleteJob=1.5",
                 "DeleteJob=" + std::to_string(a.max + 1)};
          good = {"DeleteJob=0", "DeleteJob=30", "TerminateJob=" + std::to_string(a.max)};
          break;
      }
      ++checked;
      std::string name = "--" + std::string(flag.name);
      for (const std::string& value : bad) {
        auto parsed = ParseFlags(command.name, {name, value});
        ASSERT_FALSE(parsed.ok()) << command.name << " " << name << " " << value;
        EXPECT_EQ(parsed.error().find(name + ": `"), 0U) << parsed.error();
        EXPECT_NE(parsed.error().find(DescribeAccepts(a, true)), std::string::npos)
            << parsed.error();
        EXPECT_EQ(parsed.error().find('\n'), std::string::npos) << parsed.error();
      }
      for (const std::string& value : good) {
        auto parsed = ParseFlags(command.name, {name + "=" + value});
        EXPECT_TRUE(parsed.ok()) << command.name << " " << name << " " << value << ": "
                                 << parsed.error();
      }
      // --help says what the flag accepts.
      EXPECT_NE(CommandHelp(command.name).find("[" + DescribeAccepts(a) + "]"), std::string::npos)
          << name;
    }
  }
  EXPECT_GE(checked, 39);
}

// The names of the enumerated flags are the names the commands read.
TEST(Flags, TheNamesTheTableAcceptsAreTheNamesTheCommandsRead) {
  for (const std::string& name : FlagAccepts("run", "style").names()) {
    EXPECT_TRUE(StylesFrom(name).ok()) << name;
  }
  EXPECT_EQ(FlagAccepts("diff", "style").names(), FlagAccepts("run", "style").names());
  for (const std::string& name : FlagAccepts("lifecycle", "style").names()) {
    EXPECT_TRUE(protocol::StyleFromName(name).has_value()) << name;
  }
  for (const std::string& name : FlagAccepts("run", "profile").names()) {
    EXPECT_TRUE(model::ProfileFromName(name).has_value()) << name;
  }
  for (const std::string& name : FlagAccepts("mock", "fault").names()) {
    EXPECT_TRUE(mock::FaultFromName(name).has_value()) << name;
  }
  EXPECT_EQ(FlagAccepts("run", "fault").names().size(), mock::kAllFaults.size());
  for (const std::string& name : FlagAccepts("run", "properties").names()) {
    EXPECT_TRUE(PropertiesFrom(name, run::kAllProperties).ok()) << name;
  }
  for (const std::string& name : FlagAccepts("diff", "properties").names()) {
    EXPECT_TRUE(PropertiesFrom(name, run::kDiffProperties).ok()) << name;
  }
}

TEST(Flags, AnUnknownFlagIsNamedWithTheNearestAndEveryFlagOfTheCommand) {
  auto typo = Parse("run", {"--sytle", "api3"});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().find("unknown flag --sytle (did you mean --style?); `djharness run` "
                              "takes --target, --endpoint"),
            0U)
      << typo.error();
  EXPECT_NE(typo.error().find("--ledger"), std::string::npos);
  auto far = Parse("faults", {"--everything"});
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error(), "unknown flag --everything; `djharness faults` takes no flags");
  EXPECT_EQ(Parse("mock", {"--port"}).error(),
            "--port needs a value N: an integer from 0 to 65535");
}

TEST(MockConfigFromFlags, TheControlTokenMayComeFromTheEnvironmentWithControl) {
  cli::Environment env = testing::FakeEnvironment({{"DJHARNESS_CONTROL_TOKEN", "from-env"}});
  auto with = MockConfigFromFlags(*Parse("mock", {"--control"}), env);
  ASSERT_TRUE(with.ok()) << with.error();
  EXPECT_EQ(with->control_token, "from-env");
  auto flag = MockConfigFromFlags(*Parse("mock", {"--control", "--control-token", "t"}), env);
  ASSERT_TRUE(flag.ok()) << flag.error();
  EXPECT_EQ(flag->control_token, "t");
  // Without the extension the variable is not for the mock: no error, no token.
  auto without = MockConfigFromFlags(*Parse("mock", {}), env);
  ASSERT_TRUE(without.ok()) << without.error();
  EXPECT_EQ(without->control_token, "");
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

// --limit is one syntax on every command that takes it, read by one parser.
TEST(ParseActionLimit, ReadsActionEqualsRequestsPerSecond) {
  auto limit = ParseActionLimit("DeleteJob=30");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->action, model::Action::kDeleteJob);
  EXPECT_EQ(limit->per_second, 30);
  EXPECT_EQ(ParseActionLimit("DescribeJobs=0")->per_second, 0);
  EXPECT_EQ(ParseActionLimit("SubmitJob=007")->per_second, 7);
  EXPECT_EQ(ParseActionLimit("TerminateJob=1000000")->per_second, kMaxLimitPerSecond);
  for (std::string_view bad : {"", "DeleteJob", "DeleteJob=", "DeleteJob==2", "DeleteJob=2=3",
                               " DeleteJob=2", "DeleteJob =2", "DeleteJob=2 ", "DeleteJob=0x10",
                               "DeleteJob=1000001", "DeleteJob=99999999999999999999"}) {
    EXPECT_FALSE(ParseActionLimit(bad).has_value()) << bad;
  }
  for (const char* command : {"run", "replay", "fuzz", "diff", "mock"}) {
    EXPECT_EQ(FlagAccepts(command, "limit").kind, ValueKind::kActionLimit) << command;
    auto refused = Parse(command, {"--limit", "DeleteJob=fast"});
    ASSERT_FALSE(refused.ok()) << command;
    EXPECT_EQ(refused.error(),
              "--limit: `DeleteJob=fast` is not ACTION=N with ACTION one of DeleteJob, "
              "DescribeJob, DescribeJobs, SubmitJob, TerminateJob and N an integer from 0 to "
              "1000000");
  }
}

TEST(LimitsFromFlags, TheLastOfAnActionWinsAndTheOthersKeepTheirDefault) {
  auto flags =
      Parse("run", {"--limit", "DeleteJob=30", "--limit=DescribeJob=5", "--limit", "DeleteJob=25"});
  ASSERT_TRUE(flags.ok()) << flags.error();
  auto limits = LimitsFromFlags(*flags);
  ASSERT_TRUE(limits.ok()) << limits.error();
  EXPECT_EQ(*limits,
            (model::Limits{{model::Action::kDeleteJob, 25}, {model::Action::kDescribeJob, 5}}));
  EXPECT_EQ(model::LimitOf(*limits, model::Action::kTerminateJob), 0);
  EXPECT_EQ(model::LimitOf({}, model::Action::kDeleteJob), 2);  // the seed page
  // The mock reads the same flag the same way.
  auto mock_flags = Parse("mock", {"--limit", "DeleteJob=30", "--limit", "DeleteJob=0"});
  ASSERT_TRUE(mock_flags.ok());
  EXPECT_EQ(MockConfigFromFlags(*mock_flags)->LimitOf(model::Action::kDeleteJob), 0);
  // Flags built by hand are checked too.
  ParsedFlags by_hand;
  by_hand.values["limit"] = {"DeleteJob=x"};
  EXPECT_FALSE(LimitsFromFlags(by_hand).ok());
  EXPECT_FALSE(MockConfigFromFlags(by_hand).ok());
}

}  // namespace
}  // namespace dj::cli
