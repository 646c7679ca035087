// Reproduction scripts (harness/runner/repro.h), run with bash against the reference mock over
// real HTTP on a loopback port: each history gets the answers the harness expects, in order,
// byte-exact parameters arrive intact in every style, and no script holds a credential.
#include "harness/runner/repro.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/client/api_client.h"
#include "harness/client/http_target.h"
#include "harness/mock/http_server.h"
#include "harness/mock/mock_service.h"
#include "harness/protocol/sign_v3.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace dj::run {
namespace {

using dj::testing::TempDir;

using model::Clause;
using nlohmann::json;
using protocol::Style;

constexpr Style kAllStyles[] = {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet,
                                Style::kFormPost};

// The reference mock with the control extension over loopback HTTP on a free port, reading
// the real wall clock (the script signs with the real time). Stops when destroyed.
class LiveMock {
 public:
  explicit LiveMock(mock::MockConfig config = Config()) : service_(std::move(config)) {
    server_ = std::make_unique<mock::MockHttpServer>(service_);
    auto port = server_->Bind("127.0.0.1", 0);
    EXPECT_TRUE(port.ok());
    server_->Start();
  }
  ~LiveMock() { server_->Stop(); }
  LiveMock(const LiveMock&) = delete;
  LiveMock& operator=(const LiveMock&) = delete;

  static mock::MockConfig Config() {
    mock::MockConfig c;
    c.control = true;
    c.seed = 7;
    return c;
  }
  std::string Url() const { return server_->Url(); }
  mock::MockService& service() { return service_; }

 private:
  mock::MockService service_;
  std::unique_ptr<mock::MockHttpServer> server_;
};

struct ScriptRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string script;

  // The "outcome: ..." lines of the history's own requests (not the probes'), in order.
  std::vector<std::string> Outcomes() const {
    std::vector<std::string> found;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("outcome: ")) found.push_back(line.substr(9));
    }
    return found;
  }
  std::string Context() const {
    return "exit " + std::to_string(exit_code) + "\n--- stdout (first 20000 bytes)\n" +
           out.substr(0, 20000) + "\n--- stderr\n" + err.substr(0, 4000);
  }
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Write the script and run `bash SCRIPT` with exactly the given environment (plus PATH and
// TMPDIR), stdout and stderr to files; waits for it.
ScriptRun RunScript(const std::string& script, std::vector<std::string> env) {
  TempDir dir;
  ScriptRun run;
  run.script = script;
  std::filesystem::path file = dir.path() / "repro.sh";
  std::filesystem::path out = dir.path() / "out";
  std::filesystem::path err = dir.path() / "err";
  {
    std::ofstream f(file, std::ios::binary);
    f << script;
  }
  const char* path = std::getenv("PATH");
  env.push_back(std::string("PATH=") + (path != nullptr ? path : "/usr/bin:/bin"));
  env.push_back("TMPDIR=" + dir.path().string());
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string bash = "bash";
  std::string file_arg = file.string();
  std::vector<char*> argv = {bash.data(), file_arg.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "bash", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0) << "cannot start bash";
  if (spawned != 0) return run;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFile(out);
  run.err = ReadFile(err);
  return run;
}

std::vector<std::string> Credentials() {
  return {"TENCENTCLOUD_SECRET_ID=" + std::string(mock::kDefaultSecretId),
          "TENCENTCLOUD_SECRET_KEY=" + std::string(mock::kDefaultSecretKey)};
}

// The script for the steps against the mock, run with the mock's default credentials.
ScriptRun Replay(const LiveMock& mock, const std::vector<Step>& steps,
                 std::vector<std::string> extra_env = {}, ReproTarget target = {}) {
  if (target.url.empty()) target.url = "http://127.0.0.1:9";  // DJ_TARGET overrides it
  std::string script = ReproScript(steps, target);
  std::vector<std::string> env = Credentials();
  env.push_back("DJ_TARGET=" + mock.Url());
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  ScriptRun run = RunScript(script, std::move(env));
  EXPECT_EQ(script.find(mock::kDefaultSecretKey), std::string::npos);
  EXPECT_EQ(script.find(mock::kDefaultSecretId), std::string::npos);
  return run;
}

std::string Code(Clause c) { return model::ToString(model::Canonical(c)); }

model::Job MakeJob(std::string id, model::State job_state, std::vector<model::State> instances) {
  model::Job job;
  job.id = std::move(id);
  job.name = "repro";
  job.state = job_state;
  job.tasks.push_back({"t0", std::move(instances)});
  return job;
}

Step Create(const std::string& id, model::State s = model::State::kSucceed) {
  return CreateJob{MakeJob(id, s, {s})};
}

Step Api(model::ApiRequest request, Style style = Style::kApi3Post,
         WireFault fault = WireFault::kNone, Encoding encoding = {}) {
  return ApiCall{std::move(request), style, encoding, fault};
}

Step Delete(std::string_view id, Style style = Style::kApi3Post, WireFault fault = WireFault::kNone,
            Encoding encoding = {}) {
  return Api(model::DeleteJobRequest(id), style, fault, encoding);
}

// The legal encodings worth a run in each style: the defaults and every variation at once.
std::vector<Encoding> Encodings(Style style) {
  std::vector<Encoding> out = {Encoding{}};
  Encoding other;
  other.space_as_plus = true;
  other.encode_unreserved = true;
  other.reverse_param_order = !protocol::IsV3(style);
  out.push_back(other);
  if (!protocol::IsV3(style)) {
    Encoding sha1;
    sha1.signature_method = protocol::SignatureMethod::kHmacSha1;
    out.push_back(sha1);
    Encoding unnamed;
    unnamed.send_signature_method = false;
    unnamed.reverse_param_order = true;
    out.push_back(unnamed);
  }
  return out;
}

TEST(ReproScript, DeletedJobIsGoneActiveJobIsKeptMalformedIdIsRefused) {
  LiveMock mock;
  std::vector<Step> steps = {
      Create("job-aaaaaaaa"),
      Create("job-bbbbbbbb", model::State::kRunning),
      Delete("job-aaaaaaaa"),
      Api(model::DescribeJobRequest("job-aaaaaaaa")),
      AdvanceClock{1000},
      Delete("job-bbbbbbbb", Style::kQueryGet),
      Delete("JOB-1", Style::kFormPost),
  };
  ScriptRun run = Replay(mock, steps);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_EQ(run.Outcomes(),
            (std::vector<std::string>{"success", Code(Clause::kGoneDescribe),
                                      Code(Clause::kDelJobActive), Code(Clause::kIdMalformed)}))
      << run.Context();
  EXPECT_EQ(Code(Clause::kGoneDescribe), "ResourceNotFound.Job");
  EXPECT_EQ(Code(Clause::kDelJobActive), "UnsupportedOperation");
  EXPECT_EQ(Code(Clause::kIdMalformed), "InvalidParameter.JobIdMalformed");
  // The harness's probes ran too: the deletion left the other job alone, and the refused
  // delete left the RUNNING job as it was.
  EXPECT_NE(run.out.find("-- probe: DescribeJobs of the other jobs"), std::string::npos)
      << run.Context();
  EXPECT_NE(run.out.find("-- probe: DescribeJob job-bbbbbbbb is unchanged"), std::string::npos)
      << run.Context();
  EXPECT_NE(run.out.find("\"JobState\":\"RUNNING\""), std::string::npos) << run.Context();
  EXPECT_EQ(run.out.find("probe outcome: ResourceNotFound"), std::string::npos) << run.Context();
  // Each step's block is commented with its description.
  EXPECT_NE(run.script.find("# ---- step 3: " + Describe(steps[2])), std::string::npos);
}

class EveryFault : public ::testing::TestWithParam<Style> {};

TEST_P(EveryFault, GetsTheCodeItsClauseGives) {
  Style style = GetParam();
  LiveMock mock;
  std::vector<Step> steps;
  std::vector<std::string> expected;
  for (WireFault fault : kAllWireFaults) {
    // AUTH-2's exact edge needs the target's clock to the second (a script has ours only),
    // and near-limit and over-limit pad a DescribeJobs filter, which a DeleteJob has not.
    bool edge_or_size =
        EdgeShift(fault) || fault == WireFault::kNearLimit || fault == WireFault::kOverLimit;
    if (!FaultFitsStyle(fault, style) || edge_or_size) continue;
    steps.push_back(Create("job-cccccccc"));
    steps.push_back(AdvanceClock{1000});
    steps.push_back(Delete("job-cccccccc", style, fault));
    auto clause = ExpectedClause(fault, style);
    expected.push_back(clause ? Code(*clause) : "success");
  }
  ScriptRun run = Replay(mock, steps);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_EQ(run.Outcomes(), expected) << run.Context();
}

std::string StyleTestName(const ::testing::TestParamInfo<Style>& param) {
  std::string name(protocol::StyleName(param.param));
  std::erase(name, '-');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllStyles, EveryFault, ::testing::ValuesIn(kAllStyles), StyleTestName);

// The mock's message for a malformed id quotes its first 64 bytes (control bytes as \xHH): the
// answer shows whether the id arrived byte for byte.
std::string MalformedMessage(std::string_view id) {
  std::string quoted = "`";
  for (char c : id.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      quoted += buf;
    } else {
      quoted += c;
    }
  }
  if (id.size() > 64) quoted += "...";
  std::string text = json("The JobId " + quoted + "` is not well formed.")
                         .dump(-1, ' ', false, json::error_handler_t::replace);
  return text.substr(1, text.size() - 2);
}

// Deletes of an id with every awkward byte, in every style and encoding; `env` is added to the
// script's environment.
void ExpectAnIdArrivesIntact(const std::vector<std::string>& env) {
  LiveMock mock;
  static constexpr char kRaw[] = "job-\0\n'\"\\ {NONCE}{&TOKEN}%+&=\xc3\xa9$(x)`";
  const std::string id(kRaw, sizeof kRaw - 1);
  std::vector<Step> steps;
  std::vector<std::string> expected;
  for (Style style : kAllStyles) {
    for (const Encoding& e : Encodings(style)) {
      steps.push_back(AdvanceClock{1000});  // DeleteJob allows 2 requests per second
      steps.push_back(Delete(id, style, WireFault::kNone, e));
      expected.push_back(Code(Clause::kIdMalformed));
    }
  }
  steps.push_back(Delete(id, Style::kQueryGet, WireFault::kTamperedAfterSigning));
  expected.push_back(Code(Clause::kAuthTampered));
  ScriptRun run = Replay(mock, steps, env);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  // JobIdMalformed comes after authentication: every signature was right.
  EXPECT_EQ(run.Outcomes(), expected) << run.Context();
  std::string message = MalformedMessage(id);
  std::size_t count = 0;
  for (std::size_t at = run.out.find(message); at != std::string::npos;
       at = run.out.find(message, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, expected.size() - 1) << "expected the message " << message << "\n"
                                        << run.Context();
}

TEST(ReproScript, AnyBytesInAnIdArriveIntactInEveryStyleAndEncoding) {
  ExpectAnIdArrivesIntact({});
}

TEST(ReproScript, AQueryTooLongForCurlsConfigFileIsSignedAsCurlSendsIt) {
  // Over DJ_CURL_URL_LIMIT a GET goes with curl -G, which lower-cases the %XX escapes.
  ExpectAnIdArrivesIntact({"DJ_CURL_URL_LIMIT=20"});
}

TEST(ReproScript, AMebibyteIdIsSentWhole) {
  LiveMock mock;
  std::string id = "job-";
  while (id.size() < 1024 * 1024) id += "lorem ipsum \xc3\xa9 dolor\n";
  std::vector<Step> steps;
  for (Style style : {Style::kApi3Post, Style::kFormPost, Style::kApi3Get, Style::kQueryGet}) {
    steps.push_back(AdvanceClock{1000});
    steps.push_back(Delete(id, style));
  }
  ScriptRun run = Replay(mock, steps);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  // v3 POST takes 10 MB, a v1 POST at most 1 MB (COM-6).
  std::vector<std::string> outcomes = run.Outcomes();
  ASSERT_EQ(outcomes.size(), 4U) << run.Context();
  EXPECT_EQ(outcomes[0], Code(Clause::kIdMalformed)) << run.Context();
  EXPECT_NE(run.out.find(MalformedMessage(id)), std::string::npos) << run.Context();
  EXPECT_EQ(outcomes[1], Code(Clause::kTooLarge)) << run.Context();
  // A GET is at most 32 KB. The mock's HTTP layer answers a request line over 8 KiB before
  // reading it and closes the connection: curl may see the answer or a reset connection.
  for (std::size_t i : {2U, 3U}) {
    EXPECT_TRUE(outcomes[i] == Code(Clause::kTooLarge) || outcomes[i].starts_with("no answer"))
        << outcomes[i];
  }
  EXPECT_NE(run.out.find("== done: 8 steps"), std::string::npos) << run.Context();
}

TEST(ReproScript, SameInStylesShowsBothAnswers) {
  LiveMock mock;
  Encoding plus;
  plus.space_as_plus = true;
  plus.reverse_param_order = true;
  std::vector<Step> steps = {
      Create("job-dddddddd"),
      SameInStyles{
          model::DescribeJobRequest("job-dddddddd"), Style::kApi3Post, {}, Style::kQueryGet, plus},
      SameInStyles{
          model::DescribeJobRequest("job-eeeeeeee"), Style::kApi3Get, {}, Style::kFormPost, {}},
  };
  ScriptRun run = Replay(mock, steps);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  std::string not_found = Code(Clause::kIdUnknown);
  EXPECT_EQ(run.Outcomes(), (std::vector<std::string>{"success", "success", not_found, not_found}))
      << run.Context();
  EXPECT_NE(run.out.find("same outcome in both styles: yes (success)"), std::string::npos);
  EXPECT_NE(run.out.find("same outcome in both styles: yes (" + not_found + ")"),
            std::string::npos);
}

TEST(ReproScript, TheRateClockMovesOnlyWhenTheHistoryAdvancesIt) {
  LiveMock mock;
  std::vector<Step> steps = {
      Delete("job-ffffffff"),
      Delete("job-ffffffff", Style::kQueryGet),
      Delete("job-ffffffff", Style::kFormPost),
      AdvanceClock{1000},
      Delete("job-ffffffff", Style::kApi3Get),
  };
  ScriptRun run = Replay(mock, steps);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  std::string not_found = Code(Clause::kIdUnknown);
  EXPECT_EQ(run.Outcomes(), (std::vector<std::string>{not_found, not_found,
                                                      Code(Clause::kRateExceeded), not_found}))
      << run.Context();
}

// A concurrent batch: every thread's calls are sent, together, and the jobs are looked at
// afterwards. Against the planted race both deletes succeed; against the correct mock one
// does and the other finds nothing.
TEST(ReproScript, ABatchSendsEveryThreadTogether) {
  std::vector<Step> steps = {Create("job-aaaaaaaa")};
  Batch batch;
  batch.threads.push_back({std::get<ApiCall>(Delete("job-aaaaaaaa"))});
  batch.threads.push_back({std::get<ApiCall>(Delete("job-aaaaaaaa", Style::kQueryGet))});
  steps.push_back(batch);
  for (bool racy : {true, false}) {
    mock::MockConfig config = LiveMock::Config();
    if (racy) config.faults.insert(mock::Fault::kNonAtomicDelete);
    config.race_window_ms = 500;  // the script's threads start within a few ms of each other
    LiveMock mock(config);
    ScriptRun run = Replay(mock, steps);
    ASSERT_EQ(run.exit_code, 0) << run.Context();
    std::vector<std::string> outcomes = run.Outcomes();
    std::sort(outcomes.begin(), outcomes.end());
    std::vector<std::string> want = {racy ? "success" : "ResourceNotFound.Job", "success"};
    EXPECT_EQ(outcomes, want) << run.Context();
    EXPECT_NE(run.out.find("-- probe: DescribeJob job-aaaaaaaa after the batch"),
              std::string::npos);
    EXPECT_EQ(mock.service().SnapshotStore().Find("job-aaaaaaaa"), nullptr);
  }
}

// RL-4 histories sign some requests with the second credential, read from the environment.
TEST(ReproScript, ASecondCredentialSignsWhatTheHistorySaysAndIsRequired) {
  LiveMock mock;
  Step second = Delete("job-00000003");
  std::get<ApiCall>(second).credential = 1;
  std::vector<Step> steps = {Delete("job-00000001"), Delete("job-00000002"), second};
  ScriptRun missing = Replay(mock, steps);
  EXPECT_EQ(missing.exit_code, 2) << missing.Context();
  EXPECT_NE(missing.err.find("TENCENTCLOUD_SECRET_ID_2"), std::string::npos) << missing.Context();
  ScriptRun run = Replay(mock, steps,
                         {"TENCENTCLOUD_SECRET_ID_2=" + std::string(mock::kSecondSecretId),
                          "TENCENTCLOUD_SECRET_KEY_2=" + std::string(mock::kSecondSecretKey)});
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  // The third delete is the second credential's first: admitted, though the first credential
  // has spent its limit.
  EXPECT_EQ(run.Outcomes(),
            (std::vector<std::string>{"ResourceNotFound.Job", "ResourceNotFound.Job",
                                      "ResourceNotFound.Job"}))
      << run.Context();
}

TEST(ReproScript, ASessionTokenIsSentAndSignedInEveryStyle) {
  LiveMock mock;
  std::vector<Step> steps = {Create("job-gggggggg")};
  for (Style style : kAllStyles) {
    for (const Encoding& e : Encodings(style)) {
      steps.push_back(Api(model::DescribeJobRequest("job-gggggggg"), style, WireFault::kNone, e));
    }
  }
  ScriptRun run = Replay(mock, steps, {"TENCENTCLOUD_SESSION_TOKEN=tok en{NONCE}&\xc3\xa9~"});
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_EQ(run.Outcomes(), std::vector<std::string>(steps.size() - 1, "success")) << run.Context();
}

TEST(ReproScript, PlainHttpToAHostThatIsNotLoopbackIsRefused) {
  std::string script = ReproScript(
      {Delete("job-aaaaaaaa")}, {"http://batch.example.test:8080", "none", false, "ap-guangzhou"});
  std::vector<std::string> creds = {"TENCENTCLOUD_SECRET_ID=x", "TENCENTCLOUD_SECRET_KEY=y"};
  ScriptRun run = RunScript(script, creds);
  EXPECT_EQ(run.exit_code, 2) << run.Context();
  EXPECT_NE(run.err.find("clear text"), std::string::npos) << run.Context();
  EXPECT_TRUE(run.Outcomes().empty()) << run.Context();
  creds.push_back("DJ_TARGET=http://127.attacker.example.test:8080");
  run = RunScript(script, creds);
  EXPECT_EQ(run.exit_code, 2) << run.Context();
  EXPECT_NE(run.err.find("DJ_INSECURE_HTTP"), std::string::npos) << run.Context();
}

TEST(ReproScript, WithoutCredentialsItStopsAndSaysWhy) {
  std::string script =
      ReproScript({Delete("job-aaaaaaaa")}, {"http://127.0.0.1:9", "", false, "ap-guangzhou"});
  ScriptRun run = RunScript(script, {"DJ_TARGET=http://127.0.0.1:9"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("TENCENTCLOUD_SECRET_ID"), std::string::npos) << run.Context();
  EXPECT_TRUE(run.Outcomes().empty()) << run.Context();

  run = RunScript(script, {"TENCENTCLOUD_SECRET_ID=x", "DJ_TARGET=http://127.0.0.1:9"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("TENCENTCLOUD_SECRET_KEY"), std::string::npos) << run.Context();
}

TEST(ReproScript, AControlTokenIsReadFromTheEnvironment) {
  mock::MockConfig config = LiveMock::Config();
  config.control_token = "control-token-1";
  LiveMock mock(config);
  std::vector<Step> steps = {Create("job-hhhhhhhh"), Delete("job-hhhhhhhh")};
  ReproTarget target{"http://127.0.0.1:9", "", true, "ap-guangzhou"};
  ScriptRun run = Replay(mock, steps, {"DJ_CONTROL_TOKEN=control-token-1"}, target);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_EQ(run.Outcomes(), std::vector<std::string>{"success"}) << run.Context();
  EXPECT_EQ(run.script.find("control-token-1"), std::string::npos);

  // The harness's own variable, when the script's is not set.
  run = Replay(mock, steps, {"DJHARNESS_CONTROL_TOKEN=control-token-1"}, target);
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_EQ(run.Outcomes(), std::vector<std::string>{"success"}) << run.Context();

  run = Replay(mock, steps, {}, target);
  EXPECT_EQ(run.exit_code, 2) << run.Context();
  EXPECT_NE(run.err.find("DJ_CONTROL_TOKEN"), std::string::npos) << run.Context();
}

TEST(ReproScript, WithoutControlItNeverDeletesAJobItDidNotCreate) {
  LiveMock mock;
  // Someone else's job, made behind the script's back.
  auto http = client::HttpTarget::Create(mock.Url());
  ASSERT_TRUE(http.ok());
  client::ControlClient control(**http);
  ASSERT_TRUE(control
                  .PutJob(model::ToControlJson(
                      MakeJob("job-iiiiiiii", model::State::kSucceed, {model::State::kSucceed})))
                  .ok());
  std::vector<Step> steps = {Delete("job-iiiiiiii"), Delete("job-jjjjjjjj", Style::kQueryGet)};
  ScriptRun run = Replay(mock, steps, {}, {"http://127.0.0.1:9", "none", false, "ap-guangzhou"});
  ASSERT_EQ(run.exit_code, 0) << run.Context();
  EXPECT_NE(run.out.find("the delete is not sent: the id's absence is unproven"), std::string::npos)
      << run.Context();
  EXPECT_EQ(run.Outcomes(), std::vector<std::string>{Code(Clause::kIdUnknown)}) << run.Context();
  EXPECT_NE(mock.service().SnapshotStore().Find("job-iiiiiiii"), nullptr);
  EXPECT_EQ(run.out.find("== reset"), std::string::npos) << run.Context();

  // A history that needs the control extension cannot go on without it.
  run = Replay(mock, {Create("job-kkkkkkkk")}, {},
               {"http://127.0.0.1:9", "none", false, "ap-guangzhou"});
  EXPECT_EQ(run.exit_code, 3) << run.Context();
  EXPECT_NE(run.err.find("DJ_CONTROL_TARGET"), std::string::npos) << run.Context();
}

TEST(ReproScript, IsPureAndHoldsNoCredential) {
  std::vector<Step> steps = {Create("job-aaaaaaaa"), Delete("job-aaaaaaaa", Style::kQueryGet),
                             Delete("job-aaaaaaaa", Style::kApi3Post, WireFault::kUnknownSecretId)};
  ReproTarget target{"http://127.0.0.1:8080", "", false, "ap-guangzhou"};
  std::string script = ReproScript(steps, target);
  EXPECT_EQ(script, ReproScript(steps, target));
  EXPECT_TRUE(script.starts_with("#!/usr/bin/env bash\n"));
  EXPECT_EQ(script.find(mock::kDefaultSecretKey), std::string::npos);
  EXPECT_EQ(script.find(mock::kDefaultSecretId), std::string::npos);
  EXPECT_NE(script.find("recorded_target='http://127.0.0.1:8080'"), std::string::npos);
  EXPECT_NE(script.find("# ---- step 3: " + Describe(steps[2])), std::string::npos);
}

}  // namespace
}  // namespace dj::run
