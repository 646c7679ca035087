// Where a remote target's credential and region come from (harness/cli/account.h): flags, then
// the environment, then a tccli profile in a temporary HOME; and that no error quotes a secret.
#include "harness/cli/account.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "tests/testing/environment.h"
#include "tests/testing/temp_dir.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;

// A test's environment and home: variables in a map, HOME a fresh directory.
class Fixture {
 public:
  Fixture() { vars_["HOME"] = home_.path().string(); }

  Fixture& Set(const std::string& name, const std::string& value) {
    vars_[name] = value;
    return *this;
  }
  // Write ~/.tccli/NAME.
  Fixture& File(const std::string& name, const std::string& text) {
    fs::create_directories(home_.path() / ".tccli");
    std::ofstream(home_.path() / ".tccli" / name) << text;
    return *this;
  }
  Environment Env() const { return testing::FakeEnvironment(vars_); }
  Result<Account, run::RunError> Resolve(std::vector<std::string> args = {}) const {
    auto flags = ParseFlags("run", args);
    EXPECT_TRUE(flags.ok()) << flags.error();
    return AccountFromFlags(*flags, "run", Env());
  }

 private:
  testing::TempDir home_;
  std::map<std::string, std::string> vars_;
};

constexpr char kProfileCredential[] =
    R"({"secretId": "AKIDfromProfile", "secretKey": "keyFromProfile", "token": "tokenFromProfile"})";

// The credential's id, key and token, for one comparison.
std::vector<std::string> Parts(const Account& a) {
  return {a.credentials.secret_id, a.credentials.secret_key, a.credentials.token};
}
using Strings = std::vector<std::string>;

Fixture& WithEnvironment(Fixture& f) {
  return f.Set("TENCENTCLOUD_SECRET_ID", "AKIDfromEnv")
      .Set("TENCENTCLOUD_SECRET_KEY", "keyFromEnv")
      .Set("TENCENTCLOUD_SESSION_TOKEN", "tokenFromEnv");
}

TEST(AccountFromFlags, FlagsComeFirst) {
  Fixture f;
  WithEnvironment(f).File("default.credential", kProfileCredential);
  auto a = f.Resolve({"--secret-id", "AKIDfromFlags", "--secret-key", "keyFromFlags"});
  ASSERT_TRUE(a.ok()) << a.error().message;
  // No token: a token belongs to the pair it came with.
  EXPECT_EQ(Parts(*a), (Strings{"AKIDfromFlags", "keyFromFlags", ""}));
  EXPECT_EQ(a->source, "--secret-id and --secret-key");
}

TEST(AccountFromFlags, TheEnvironmentComesBeforeTheDefaultProfile) {
  Fixture f;
  WithEnvironment(f).File("default.credential", kProfileCredential);
  auto a = f.Resolve();
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(Parts(*a), (Strings{"AKIDfromEnv", "keyFromEnv", "tokenFromEnv"}));
  EXPECT_EQ(a->source, "the environment (TENCENTCLOUD_SECRET_ID)");
}

TEST(AccountFromFlags, TcclisTokenVariableIsReadWhenTheSessionTokenIsNot) {
  Fixture f;
  f.Set("TENCENTCLOUD_SECRET_ID", "AKIDfromEnv")
      .Set("TENCENTCLOUD_SECRET_KEY", "keyFromEnv")
      .Set("TENCENTCLOUD_TOKEN", "tcclisToken");
  auto a = f.Resolve();
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->credentials.token, "tcclisToken");
  f.Set("TENCENTCLOUD_SESSION_TOKEN", "sessionToken");
  EXPECT_EQ(f.Resolve()->credentials.token, "sessionToken");
}

TEST(AccountFromFlags, TheDefaultProfileIsTheLastSource) {
  Fixture f;
  f.File("default.credential", kProfileCredential)
      .File("default.configure", R"({"_sys_param": {"region": "ap-shanghai", "output": "json"},
                                     "batch": {"endpoint": "batch.tencentcloudapi.com"}})");
  auto a = f.Resolve();
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(Parts(*a), (Strings{"AKIDfromProfile", "keyFromProfile", "tokenFromProfile"}));
  EXPECT_EQ(a->region, "ap-shanghai");
  EXPECT_EQ(a->source, "tccli profile `default` (~/.tccli/default.credential)");
}

TEST(AccountFromFlags, AChosenProfileIgnoresTheEnvironmentAsTccliDoes) {
  Fixture f;
  WithEnvironment(f)
      .Set("TENCENTCLOUD_REGION", "ap-beijing")
      .File("staging.credential", R"({"secretId": "AKIDstaging", "secretKey": "keyStaging"})")
      .File("staging.configure", R"({"region": "ap-chengdu"})");  // older tccli: top level
  auto a = f.Resolve({"--tccli-profile", "staging"});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(Parts(*a), (Strings{"AKIDstaging", "keyStaging", ""}));
  EXPECT_EQ(a->region, "ap-chengdu");
  // TCCLI_PROFILE names the profile too, but then the environment still comes first.
  f.Set("TCCLI_PROFILE", "staging");
  EXPECT_EQ(f.Resolve()->credentials.secret_id, "AKIDfromEnv");
  EXPECT_EQ(f.Resolve()->region, "ap-beijing");
  f.Set("TENCENTCLOUD_SECRET_ID", "").Set("TENCENTCLOUD_SECRET_KEY", "");
  EXPECT_EQ(f.Resolve()->credentials.secret_id, "AKIDstaging");
}

TEST(AccountFromFlags, RegionFromTheFlagTheEnvironmentTheProfileOrTheDefault) {
  Fixture f;
  WithEnvironment(f).File("default.configure", R"({"_sys_param": {"region": "ap-shanghai"}})");
  EXPECT_EQ(f.Resolve()->region, "ap-shanghai");
  f.Set("TENCENTCLOUD_REGION", "ap-beijing");
  EXPECT_EQ(f.Resolve()->region, "ap-beijing");
  EXPECT_EQ(f.Resolve({"--region", "ap-nanjing"})->region, "ap-nanjing");
  Fixture bare;
  WithEnvironment(bare);
  EXPECT_EQ(bare.Resolve()->region, "ap-guangzhou");
}

// The message of the usage error `a` must be; "" (after a failed expectation) when it is not.
std::string UsageError(const Result<Account, run::RunError>& a) {
  EXPECT_FALSE(a.ok());
  if (a.ok()) return "";
  EXPECT_EQ(a.error().exit_code, kExitUsage);
  return a.error().message;
}

// Whether `text` holds `part`, saying what it was when not.
::testing::AssertionResult Holds(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "`" << part << "` not in: " << text;
}

TEST(AccountFromFlags, NothingFoundNamesAllThreeSources) {
  std::string error = UsageError(Fixture().Resolve());
  for (const char* source : {"--secret-id", "TENCENTCLOUD_SECRET_ID", "~/.tccli/default.credential",
                             "--tccli-profile"}) {
    EXPECT_TRUE(Holds(error, source));
  }
}

TEST(AccountFromFlags, HalfACredentialIsAUsageError) {
  Fixture f;
  f.Set("TENCENTCLOUD_SECRET_ID", "AKIDfromEnv");
  EXPECT_TRUE(Holds(UsageError(f.Resolve()), "TENCENTCLOUD_SECRET_KEY is not"));
  EXPECT_TRUE(
      Holds(UsageError(Fixture().Resolve({"--secret-id", "AKIDfromFlags"})), "go together"));
}

TEST(AccountFromFlags, ProfileProblemsNameTheFileButNeverItsContents) {
  Fixture broken;
  broken.File("default.credential", R"({"secretId": "AKIDleaky", "secretKey": "keyLeaky",)");
  std::string error = UsageError(broken.Resolve());
  EXPECT_TRUE(Holds(error, "default.credential is not a JSON object"));
  EXPECT_FALSE(Holds(error, "Leaky"));

  Fixture role;
  role.File("default.credential", R"({"type": "cvm-role"})");
  EXPECT_TRUE(Holds(UsageError(role.Resolve()), "`cvm-role` is not supported"));
  EXPECT_TRUE(Holds(UsageError(Fixture().Resolve({"--tccli-profile", "nope"})),
                    "~/.tccli/nope.credential not found"));
}

TEST(AccountFromFlags, AProfileNameIsNotAPath) {
  for (const char* name : {"../default", ".hidden", "a/b", ""}) {
    Fixture f;
    f.File("default.credential", kProfileCredential);
    EXPECT_TRUE(Holds(UsageError(f.Resolve({"--tccli-profile=" + std::string(name)})),
                      "not a profile name"))
        << name;
  }
}

TEST(CredentialsFromEnvironment, TheSecondCredentialHasItsOwnVariables) {
  Fixture f;
  WithEnvironment(f)
      .Set("TENCENTCLOUD_SECRET_ID_2", "AKIDsecond")
      .Set("TENCENTCLOUD_SECRET_KEY_2", "keySecond");
  auto second = CredentialsFromEnvironment(f.Env(), "_2");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->secret_id, "AKIDsecond");
  EXPECT_EQ((*second)->token, "");  // not the first credential's token
  auto none = CredentialsFromEnvironment(Fixture().Env(), "_2");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace dj::cli
