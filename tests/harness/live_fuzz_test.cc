// djharness fuzz's engine against the in-process mock: the correct mock gives no finding, the
// envelope faults are found under their clauses, and without control no request names a job
// but the canary (checked by an independent scan of every request sent).
#include "harness/runner/live_fuzz.h"

#include <gtest/gtest.h>

#include <regex>

#include "harness/client/api_client.h"
#include "harness/client/http_target.h"
#include "harness/client/inprocess_target.h"
#include "harness/mock/http_server.h"
#include "harness/mock/mock_service.h"
#include "harness/protocol/http_wire.h"
#include "harness/runner/steps.h"
#include "models/api_model.h"
#include "tests/harness/echo_target.h"
#include "tests/harness/silent_target.h"

namespace dj::run {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;

protocol::Credentials MainCredentials() {
  return {std::string(mock::kDefaultSecretId), std::string(mock::kDefaultSecretKey), ""};
}

std::vector<protocol::HttpRequest> Corpus() {
  std::vector<protocol::HttpRequest> out;
  for (auto style : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                     protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    for (const model::ApiRequest& r :
         {model::DeleteJobRequest("job-00000001"), model::DescribeJobRequest("job-00000001"),
          model::ApiRequest{model::Action::kDescribeJobs, {{"JobIds", {"job-00000002"}}}}}) {
      protocol::EncodeOptions o;
      o.style = style;
      o.timestamp = kNow;
      out.push_back(protocol::Encode(protocol::Call::Of(r, "ap-guangzhou"), MainCredentials(), o));
    }
  }
  return out;
}

// A fake clock: pacing moves it instead of sleeping.
struct FakeTime {
  std::int64_t ms = 0;
  void Into(LiveFuzzConfig& c) {
    c.wall_seconds = [] { return kNow; };
    c.steady_ms = [this] { return ms; };
    c.sleep_ms = [this](std::int64_t d) { ms += d; };
  }
};

// Records every request on its way to the mock.
class Recording final : public client::Target {
 public:
  explicit Recording(client::Target& inner) : inner_(inner) {}
  client::SendResult Send(const protocol::HttpRequest& r) override {
    sent.push_back(r);
    return inner_.Send(r);
  }
  std::string HostHeader() const override { return inner_.HostHeader(); }
  std::string Name() const override { return inner_.Name(); }
  std::vector<protocol::HttpRequest> sent;

 private:
  client::Target& inner_;
};

struct Recorded {
  LiveFuzzResult result;
  std::vector<protocol::HttpRequest> sent;  // every request but the control extension's
};

// A campaign of `requests` mutated requests against the in-process mock (with its control
// extension or without), on fake time.
Recorded RecordedCampaign(const mock::MockConfig& config, std::int64_t requests, bool control,
                          const protocol::Credentials& credentials = MainCredentials()) {
  mock::MockService service(
      config, [] { return kNow; }, [] { return std::int64_t{0}; });
  client::InProcessTarget inner(service);
  Recording target(inner);
  FakeTime time;
  LiveFuzzConfig c;
  c.corpus = Corpus();
  c.max_requests = requests;
  c.max_seconds = 1e9;
  time.Into(c);
  LiveFuzzResult r = FuzzLive(target, control ? &inner : nullptr, credentials, c);
  return {std::move(r), std::move(target.sent)};
}

LiveFuzzResult Campaign(mock::FaultSet faults, std::int64_t requests, bool control = true) {
  mock::MockConfig config;
  config.control = true;
  config.faults = std::move(faults);
  return RecordedCampaign(config, requests, control).result;
}

TEST(LiveFuzz, TheCorrectMockGivesNoFinding) {
  LiveFuzzResult r = Campaign({}, 400);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  EXPECT_EQ(r.mutated, 400);
  EXPECT_TRUE(r.findings.empty()) << model::ClauseId(r.findings.front().clause) << " "
                                  << r.findings.front().message << " ["
                                  << r.findings.front().mutation << "]";
  // Every kind of mutation was tried, and answers were not all one outcome.
  for (const char* kind :
       {"params", "common", "encoding", "method", "timestamp", "signature", "headers", "bytes"}) {
    EXPECT_GT(r.mutations[kind], 0) << kind;
  }
  EXPECT_GT(r.outcomes.size(), 8u);
}

TEST(LiveFuzz, EnvelopeFaultsAreFoundUnderTheirClauses) {
  const std::map<mock::Fault, model::Clause> expected = {
      {mock::Fault::kErrorsNot200, model::Clause::kEnvShape},
      {mock::Fault::kNoRequestIdOnErrors, model::Clause::kEnvRequestId},
      {mock::Fault::kRequestIdRepeated, model::Clause::kEnvRequestIdUnique},
      {mock::Fault::kInternalErrorOnEmptyJob, model::Clause::kRobNoInternalError},
      {mock::Fault::kGarbageAnswers, model::Clause::kEnvShape},
      {mock::Fault::kHangs, model::Clause::kRobAlive}};
  for (const auto& [fault, clause] : expected) {
    LiveFuzzResult r = Campaign({fault}, 300);
    ASSERT_FALSE(r.fatal) << *r.fatal;
    EXPECT_GT(r.finding_counts[clause], 0) << mock::FaultName(fault);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_FALSE(r.findings.front().request.method.empty());
  }
}

TEST(LiveFuzz, AFindingsAnswerHoldsNoPieceOfWhatTheTargetEchoes) {
  const protocol::Credentials& creds = testing::kSentinelCredentials;
  mock::MockConfig config;
  config.control = true;
  config.control_token = testing::kSentinelControlToken;
  config.faults = {mock::Fault::kErrorsNot200};
  config.credentials = {{creds.secret_id, creds.secret_key, ""}};
  mock::MockService service(
      config, [] { return kNow; }, [] { return std::int64_t{0}; });
  client::InProcessTarget inner(service);
  // Error answers echo the request's credential, the key and the control token at 40 offsets
  // each: some copy straddles the cut of LiveFinding::answer.
  testing::EchoTarget echo(inner, {creds.secret_key, testing::kSentinelControlToken});
  FakeTime time;
  LiveFuzzConfig c;
  c.corpus = Corpus();
  c.max_requests = 100;
  c.max_seconds = 1e9;
  c.control_token = testing::kSentinelControlToken;
  time.Into(c);
  LiveFuzzResult r = FuzzLive(echo, &echo, creds, c);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  ASSERT_FALSE(r.findings.empty());
  bool echoed = false;
  for (const LiveFinding& f : r.findings) {
    EXPECT_EQ(testing::SentinelPiecesIn(f.answer + f.message + f.mutation),
              std::vector<std::string>{})
        << f.answer;
    echoed = echoed || f.answer.find("DJHARNESS-SECRET-KEY") != std::string::npos;
  }
  EXPECT_TRUE(echoed) << "no finding's answer held the echo: the check above saw nothing";
}

// An independent reading of "names a job": the lenient grammar, case-insensitive, in the
// raw bytes and in their strict percent-decoding.
std::vector<std::string> NamedIds(const protocol::HttpRequest& r) {
  std::string text = protocol::FormatRequestBytes(r);
  std::vector<std::string> texts = {text};
  if (auto decoded = protocol::PercentDecode(text, false)) texts.push_back(*decoded);
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_discarded()) texts.push_back(body.dump());
  static const std::regex kId("job-[0-9a-z]+", std::regex::icase);
  std::vector<std::string> out;
  for (const std::string& t : texts) {
    for (auto it = std::sregex_iterator(t.begin(), t.end(), kId); it != std::sregex_iterator();
         ++it) {
      out.push_back(it->str());
    }
  }
  return out;
}

TEST(LiveFuzz, WithoutControlNoRequestNamesAJobButTheCanaryAndNoJobIsSubmitted) {
  // No control: the harness may not create or reset anything.
  auto [r, sent_all] = RecordedCampaign(mock::MockConfig{}, 2000, false);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  EXPECT_EQ(r.mutated, 2000);
  ASSERT_EQ(static_cast<std::int64_t>(sent_all.size()), r.requests);
  for (const protocol::HttpRequest& sent : sent_all) {
    for (const std::string& id : NamedIds(sent)) {
      EXPECT_EQ(id, planted::kCanaryId) << id << " in\n" << protocol::FormatRequestBytes(sent);
    }
    EXPECT_EQ(protocol::ToLowerAscii(protocol::FormatRequestBytes(sent)).find("submitjob"),
              std::string::npos);
  }
  // DeleteJob was paced under its limit: 2 per second at 90 %.
  EXPECT_GT(r.pacing_seconds, 0);
}

TEST(LiveFuzz, RefusesToFuzzWithoutControlWhenTheCanaryExists) {
  mock::MockConfig config;
  config.control = true;
  mock::MockService service(config);
  client::InProcessTarget target(service);
  client::ControlClient control(target);
  model::Job canary;
  canary.id = std::string(planted::kCanaryId);
  canary.state = model::State::kSucceed;
  ASSERT_TRUE(control.PutJob(model::ToControlJson(canary)).ok());
  LiveFuzzConfig c;
  c.corpus = Corpus();
  c.max_requests = 10;
  LiveFuzzResult r = FuzzLive(target, nullptr, MainCredentials(), c);
  ASSERT_TRUE(r.fatal.has_value());
  EXPECT_EQ(r.mutated, 0);
  EXPECT_NE(service.SnapshotStore().Find(planted::kCanaryId), nullptr);
}

TEST(LiveFuzz, NamesOnlyTheCanarySeesIdsHoweverEncoded) {
  auto with_body = [](std::string body) {
    protocol::HttpRequest r;
    r.method = "POST";
    r.body = std::move(body);
    return r;
  };
  EXPECT_TRUE(NamesOnlyTheCanary(with_body(R"({"JobId":"job-zzzzzzzz"})")));
  EXPECT_TRUE(NamesOnlyTheCanary(with_body(R"({"JobId":"job-"})")));
  EXPECT_FALSE(NamesOnlyTheCanary(with_body(R"({"JobId":"job-zzzzZzzz"})")));
  EXPECT_FALSE(NamesOnlyTheCanary(with_body(R"({"JobId":"job-12345678"})")));
  EXPECT_FALSE(NamesOnlyTheCanary(with_body(R"({"JobId":"JOB-ABC"})")));
  EXPECT_FALSE(NamesOnlyTheCanary(with_body(R"({"JobId":"\u006aob-12345678"})")));
  EXPECT_FALSE(NamesOnlyTheCanary(with_body(R"({"JobId":"job-zzzzzzzzz"})")));
  protocol::HttpRequest get;
  get.target = "/?JobId=job%2D12345678";
  EXPECT_FALSE(NamesOnlyTheCanary(get));
  get.target = "/?JobId=job%2Dzzzzzzzz";
  EXPECT_TRUE(NamesOnlyTheCanary(get));
}

TEST(LiveFuzz, ResignedRequestsVerifyInEveryStyle) {
  for (const protocol::HttpRequest& original : Corpus()) {
    protocol::HttpRequest changed = original;
    if (changed.method == "GET") {
      changed.target += "&Extra=1";
    } else if (changed.body.starts_with("{")) {
      changed.body.insert(1, R"("Extra":"1",)");
    } else {
      changed.body += "&Extra=1";
    }
    auto resigned = Resign(changed, MainCredentials(), kNow + 60, 7);
    ASSERT_TRUE(resigned.has_value()) << protocol::FormatRequestBytes(changed);
    auto read = mock::ReadApiRequest(mock::MockConfig{}, *resigned, kNow + 60);
    ASSERT_TRUE(read.ok()) << read.error().detail << "\n"
                           << protocol::FormatRequestBytes(*resigned);
    ASSERT_TRUE(read->params.ok());
    EXPECT_EQ(read->params->value("Extra", ""), "1");
    // Without re-signing, the change is caught.
    EXPECT_FALSE(mock::ReadApiRequest(mock::MockConfig{}, changed, kNow).ok());
  }
}

TEST(LiveFuzz, ResignPutsInTheSessionTokenInEveryStyle) {
  protocol::Credentials creds = MainCredentials();
  creds.token = "resignSessionToken01";
  for (const protocol::HttpRequest& original : Corpus()) {
    auto resigned = Resign(original, creds, kNow + 60, 7);
    ASSERT_TRUE(resigned.has_value()) << protocol::FormatRequestBytes(original);
    auto wire = protocol::ParseWire(*resigned);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_EQ(wire->token, creds.token) << protocol::FormatRequestBytes(*resigned);
    EXPECT_TRUE(mock::ReadApiRequest(mock::MockConfig{}, *resigned, kNow + 60).ok());
  }
}

// Cuts and flips of a query or form body are made before the real credential goes in: every
// request carries the SecretId and the session token whole, or not at all, never a piece.
TEST(LiveFuzz, RequestsCarryTheCredentialWholeOrNotAtAll) {
  const protocol::Credentials creds{"AKIDwholeOrNothing7Qx2Lm9Vb4", "wholeOrNothingKey5Hd8Wq1",
                                    "wholeOrNothingToken4Gs9Ke2"};
  mock::MockConfig config;
  config.control = true;
  config.credentials = {{creds.secret_id, creds.secret_key, ""}};
  auto [r, sent_all] = RecordedCampaign(config, 400, true, creds);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  EXPECT_GT(r.mutations["bytes"], 20);
  int with_token = 0;
  for (const protocol::HttpRequest& sent : sent_all) {
    std::string bytes = protocol::FormatRequestBytes(sent);
    with_token += bytes.find(creds.token) != std::string::npos ? 1 : 0;
    std::string rest = client::HideCredentials(bytes, creds);
    for (const std::string& secret : {creds.secret_id, creds.token}) {
      for (std::size_t i = 0; i + 10 <= secret.size(); i += 3) {
        ASSERT_EQ(rest.find(secret.substr(i, 10)), std::string::npos)
            << "a piece of " << secret << " in\n"
            << bytes;
      }
    }
  }
  EXPECT_GT(with_token, 300);
}

// Over loopback HTTP: a mock that holds some requests (fault "hangs", for a minute) costs the
// campaign one read timeout each, reported under ROB-1; the campaign ends, and stopping the
// server releases the held handlers at once.
TEST(LiveFuzz, AHangingTargetGivesFindingsAndTheCampaignEnds) {
  mock::MockConfig config;
  config.control = true;
  config.faults = {mock::Fault::kHangs};
  mock::MockService service(config);
  mock::MockHttpServer server(service);
  ASSERT_TRUE(server.Bind("127.0.0.1", 0).ok());
  server.Start();
  client::HttpTargetOptions options;
  options.read_timeout_ms = 500;  // a hang trips it; a loaded machine does not
  options.call_timeout_ms = 400;  // the call's deadline first: a timeout (ROB-1), not a read error
  auto target = client::HttpTarget::Create(server.Url(), options);
  ASSERT_TRUE(target.ok());
  LiveFuzzConfig c;
  c.corpus = Corpus();
  c.max_requests = 600;
  LiveFuzzResult r = FuzzLive(**target, target->get(), MainCredentials(), c);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  EXPECT_EQ(r.mutated, 600);
  EXPECT_GT(r.finding_counts[model::Clause::kRobAlive], 0);
  EXPECT_GT(r.outcomes["no answer"], 0);
  server.Stop();
}

// docs/clauses.md: a front end's bare status to a request its clause lets it refuse so.
TEST(LiveFuzz, RefusableClausesAreTheMethodAndTheSize) {
  protocol::HttpRequest r;
  r.method = "POST";
  r.target = "/";
  EXPECT_TRUE(RefusableClauses(r).empty());
  r.method = "PUT";
  EXPECT_EQ(RefusableClauses(r), std::vector<model::Clause>{model::Clause::kUnsupportedMethod});
  r.method = "GET";
  r.target = "/?" + std::string(protocol::kGetLimitBytes, 'a');
  EXPECT_EQ(RefusableClauses(r), std::vector<model::Clause>{model::Clause::kTooLarge});
  r.method = "POST";
  r.target = "/";
  r.body = std::string(protocol::kV1PostLimitBytes + 1, ' ');
  EXPECT_EQ(RefusableClauses(r), std::vector<model::Clause>{model::Clause::kTooLarge});
}

TEST(LiveFuzz, ABareRefusalPassesLenientIsItsClauseInStrictAndNeverEnv1) {
  protocol::HttpResponse html;
  html.status = 405;
  html.headers = {{"Content-Type", "text/html"}};
  html.body = "<html>405 Not Allowed</html>";
  const std::vector<model::Clause> put = {model::Clause::kUnsupportedMethod};
  EXPECT_TRUE(CheckLiveAnswer(html, model::Action::kDeleteJob, model::Profile::kLenient, put)
                  .empty());
  auto strict = CheckLiveAnswer(html, model::Action::kDeleteJob, model::Profile::kStrict, put);
  ASSERT_EQ(strict.size(), 1U);
  EXPECT_EQ(strict[0].first, model::Clause::kUnsupportedMethod);
  EXPECT_EQ(strict[0].second, "answered HTTP 405; COM-5 expects UnsupportedProtocol");
  // A status the clause does not list, or a request no clause lets be refused so: ENV-1.
  html.status = 413;
  auto other = CheckLiveAnswer(html, model::Action::kDeleteJob, model::Profile::kLenient, put);
  ASSERT_FALSE(other.empty());
  EXPECT_EQ(other[0].first, model::Clause::kEnvShape);
  auto plain = CheckLiveAnswer(html, model::Action::kDeleteJob, model::Profile::kLenient);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain[0].first, model::Clause::kEnvShape);
}

// target-contract §3: the campaign's canaries back off from a limiter on DescribeJob.
TEST(LiveFuzz, ACanaryAnsweredRequestLimitExceededIsSentAgain) {
  mock::MockConfig config;
  config.control = true;
  mock::MockService service(
      config, [] { return kNow; }, [] { return std::int64_t{0}; });
  client::InProcessTarget inner(service);
  class Limited final : public client::Target {
   public:
    explicit Limited(client::Target& inner) : inner_(inner) {}
    client::SendResult Send(const protocol::HttpRequest& r) override {
      bool canary = r.body.find(planted::kCanaryId) != std::string::npos &&
                    protocol::FindHeader(r.headers, "X-TC-Action") == "DescribeJob";
      if (canary && refused < 3) {
        ++refused;
        return protocol::ErrorResponse("00000000-0000-4000-8000-00000000000" +
                                           std::to_string(refused),
                                       model::ErrorCode::kRequestLimitExceeded, "slow down");
      }
      return inner_.Send(r);
    }
    std::string HostHeader() const override { return inner_.HostHeader(); }
    std::string Name() const override { return "limited"; }
    int refused = 0;

   private:
    client::Target& inner_;
  } target(inner);
  FakeTime time;
  LiveFuzzConfig c;
  c.corpus = Corpus();
  c.max_requests = 30;
  c.max_seconds = 1e9;
  time.Into(c);
  LiveFuzzResult r = FuzzLive(target, &inner, MainCredentials(), c);
  ASSERT_FALSE(r.fatal) << *r.fatal;
  EXPECT_EQ(target.refused, 3);
  EXPECT_EQ(r.finding_counts[model::Clause::kRobAlive], 0);
  EXPECT_TRUE(r.findings.empty()) << r.findings.front().message;
  EXPECT_GE(r.pacing_seconds, 0.7);
}

TEST(LiveFuzz, ATargetThatNeverAnswersStopsTheCampaign) {
  testing::SilentTarget silent;
  LiveFuzzConfig c;
  c.corpus = Corpus();
  LiveFuzzResult r = FuzzLive(silent, nullptr, MainCredentials(), c);
  ASSERT_TRUE(r.fatal.has_value());
  EXPECT_EQ(r.mutated, 0);
}

}  // namespace
}  // namespace dj::run
