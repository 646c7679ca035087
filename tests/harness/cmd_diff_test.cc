// `djharness diff` end to end: a mock served over loopback HTTP against the embedded reference
// (`--target mock`), its exit codes, its table on stdout and diff.json, and no credential in
// either.
#include <gtest/gtest.h>

#include <set>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/mock/http_server.h"
#include "tests/harness/cli_capture.h"
#include "tests/testing/temp_dir.h"

namespace dj::cli {
namespace {

using nlohmann::json;

struct Served {
  explicit Served(mock::FaultSet faults) : service(Config(std::move(faults))), server(service) {
    EXPECT_TRUE(server.Bind("127.0.0.1", 0).ok());
    server.Start();
  }
  static mock::MockConfig Config(mock::FaultSet faults) {
    mock::MockConfig c;
    c.control = true;
    c.faults = std::move(faults);
    return c;
  }
  mock::MockService service;
  mock::MockHttpServer server;
};

using testing::Ran;

// Run `djharness diff ARGS` in this process, with stdout and stderr captured.
Ran Diff(const std::vector<std::string>& args) {
  return testing::RunCaptured("diff", args, RunDiff);
}

std::vector<std::string> Args(const std::string& a, const std::string& b,
                              const testing::TempDir& dir) {
  return {"--target",     a,
          "--target",     b,
          "--seed",       "8",
          "--runs",       "25",
          "--max-steps",  "20",
          "--properties", "histories",
          "--report-dir", dir.path().string(),
          "--secret-id",  std::string(mock::kDefaultSecretId),
          "--secret-key", std::string(mock::kDefaultSecretKey)};
}

void ExpectNoCredentials(const std::string& text) {
  EXPECT_EQ(text.find(mock::kDefaultSecretId), std::string::npos);
  EXPECT_EQ(text.find(mock::kDefaultSecretKey), std::string::npos);
}

TEST(DiffCommand, AFaultyServerAgainstTheEmbeddedMockListsItsDifferences) {
  Served faulty({mock::Fault::kRunningDeletable});
  testing::TempDir dir;
  Ran ran = Diff(Args(faulty.server.Url(), "mock", dir));
  EXPECT_EQ(ran.exit_code, kExitViolations) << ran.out << ran.err;
  EXPECT_NE(ran.out.find("djharness diff: A " + faulty.server.Url()), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("B in-process reference mock"), std::string::npos) << ran.out;

  auto text = ReadFile(dir.path() / "diff.json");
  ASSERT_TRUE(text.has_value());
  json doc = json::parse(*text);
  ASSERT_TRUE(doc["differences"].is_array());
  ASSERT_FALSE(doc["differences"].empty()) << ran.out;
  std::set<std::pair<std::string, int>> diffed;
  for (const json& h : doc["histories_with_differences"]) {
    EXPECT_FALSE(h["steps"].empty());
    diffed.insert({h["property"].get<std::string>(), h["history"].get<int>()});
  }
  for (const json& d : doc["differences"]) {
    EXPECT_TRUE(diffed.contains({d["property"].get<std::string>(), d["history"].get<int>()}))
        << d.dump();
    EXPECT_TRUE(d["step_text"].get<std::string>().starts_with("DeleteJob ")) << d.dump();
    EXPECT_EQ(d["a"]["outcome"], "success");
    EXPECT_EQ(d["b"]["outcome"], "UnsupportedOperation");
  }
  // The summary counts what diff.json lists, and each one is printed side by side.
  std::string summary = "summary: " + std::to_string(doc["differences"].size()) + " of " +
                        std::to_string(doc["requests"].get<long long>()) + " requests differ, in " +
                        std::to_string(doc["histories"].get<long long>()) + " histories";
  EXPECT_NE(ran.out.find(summary), std::string::npos) << ran.out;
  EXPECT_EQ(doc["histories"], 25);
  EXPECT_NE(ran.out.find("    outcome   success"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("| UnsupportedOperation"), std::string::npos) << ran.out;
  ExpectNoCredentials(ran.out + ran.err + *text);
}

TEST(DiffCommand, TheCorrectServerAgainstTheEmbeddedMockDiffersNowhere) {
  Served correct({});
  testing::TempDir dir;
  Ran ran = Diff(Args("mock", correct.server.Url(), dir));
  EXPECT_EQ(ran.exit_code, kExitOk) << ran.out << ran.err;
  EXPECT_NE(ran.out.find("summary: 0 of "), std::string::npos) << ran.out;
  auto text = ReadFile(dir.path() / "diff.json");
  ASSERT_TRUE(text.has_value());
  EXPECT_TRUE(json::parse(*text)["differences"].empty());
}

TEST(DiffCommand, UsageErrorsAndAnUnreachableTarget) {
  testing::TempDir dir;
  auto with = [&dir](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--report-dir", dir.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Diff(args);
  };
  Ran one = with({"--target", "mock"});
  EXPECT_EQ(one.exit_code, kExitUsage);
  EXPECT_NE(one.err.find("give --target twice"), std::string::npos) << one.err;
  // Not a property diff takes: the flags table refuses it (main exits 2).
  auto conc = ParseFlags("diff", {"--properties", "concurrency"});
  ASSERT_FALSE(conc.ok());
  EXPECT_EQ(
      conc.error(),
      "--properties: `concurrency` is not one of histories, auth-common, rate-limit (or all)");
  Ran half = with({"--target", "mock", "--target", "mock", "--control", "self"});
  EXPECT_EQ(half.exit_code, kExitUsage) << half.err;

  // A port that nothing listens on any more.
  std::string url;
  {
    Served gone({});
    url = gone.server.Url();
  }
  Ran unreachable = with({"--target", url, "--target", "mock", "--timeout-ms", "2000",
                          "--secret-id", "AKIDx", "--secret-key", "k"});
  EXPECT_EQ(unreachable.exit_code, kExitTransport) << unreachable.out << unreachable.err;
  EXPECT_NE(unreachable.err.find("unreachable"), std::string::npos) << unreachable.err;
}

TEST(DiffCommand, HelpSaysConcurrencyIsLeftOut) {
  std::string help = CommandHelp("diff");
  EXPECT_NE(help.find("--target URL"), std::string::npos);
  EXPECT_NE(help.find("concurrency"), std::string::npos);
  EXPECT_NE(help.find("nondeterministic"), std::string::npos);
}

}  // namespace
}  // namespace dj::cli
