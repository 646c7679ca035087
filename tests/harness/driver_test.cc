// The Driver judges: for every planted fault, a short hand-written history against the faulty
// in-process mock yields a finding of the fault's clause, and the same history against the
// correct mock yields none.
#include "harness/runner/driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "harness/client/inprocess_target.h"
#include "harness/protocol/envelope.h"
#include "models/job_id.h"
#include "tests/harness/findings_text.h"

namespace dj::run {
namespace {

using model::Action;
using model::State;
using nlohmann::json;

model::Job MakeJob(std::string id, State state, std::vector<State> instances) {
  model::Job job;
  job.id = std::move(id);
  job.state = state;
  if (!instances.empty()) job.tasks.push_back({"t0", std::move(instances)});
  return job;
}

Step Create(std::string id, State state, std::vector<State> instances = {}) {
  return CreateJob{MakeJob(std::move(id), state, std::move(instances))};
}
Step Call(Action action, json params, WireFault fault = WireFault::kNone,
          protocol::Style style = protocol::Style::kApi3Post) {
  return ApiCall{{action, std::move(params)}, style, Encoding{}, fault};
}
Step Delete(std::string id) { return Call(Action::kDeleteJob, {{"JobId", std::move(id)}}); }
Step DeleteAs(int credential, std::string id) {
  Step s = Delete(std::move(id));
  std::get<ApiCall>(s).credential = credential;
  return s;
}
// Each thread deletes the job once, all at the same time.
Step ConcurrentDeletes(const std::string& id, int threads) {
  Batch batch;
  for (int t = 0; t < threads; ++t) batch.threads.push_back({std::get<ApiCall>(Delete(id))});
  return batch;
}
Step Describe(std::string id) { return Call(Action::kDescribeJob, {{"JobId", std::move(id)}}); }

// What one history finds against the in-process mock with the given faults.
std::vector<Finding> RunHistory(const std::vector<Step>& steps, mock::FaultSet faults) {
  mock::MockConfig config;
  config.control = true;
  config.faults = std::move(faults);
  config.race_window_ms = 50;  // two threads started together always meet in it
  mock::MockService service(config);
  client::InProcessTarget target(service);
  DriverConfig driver_config;
  driver_config.more_credentials = {config.credentials[1]};
  Driver driver(target, &target, config.credentials.front(), driver_config);
  EXPECT_TRUE(driver.Begin().ok());
  std::vector<Finding> out;
  for (const Step& s : steps) {
    auto found = driver.Execute(s);
    EXPECT_FALSE(driver.fatal().has_value()) << *driver.fatal();
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

const std::map<mock::Fault, std::vector<Step>>& Histories() {
  using mock::Fault;
  static const std::map<Fault, std::vector<Step>> kHistories = {
      {Fault::kRunningDeletable, {Create("job-aaaaaaaa", State::kRunning), Delete("job-aaaaaaaa")}},
      {Fault::kInstancesIgnored,
       {Create("job-aaaaaaaa", State::kSucceed, {State::kRunning}), Delete("job-aaaaaaaa")}},
      {Fault::kInterruptedCompleted,
       {Create("job-aaaaaaaa", State::kFailed, {State::kFailedInterrupted}),
        Delete("job-aaaaaaaa")}},
      {Fault::kGarbageAnswers,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}, {"Verbose", true}})}},
      {Fault::kHangs, {Delete("job-" + std::string(61, 'a'))}},
      {Fault::kLaxJobId, {Delete("job-F5DA1EDL")}},
      {Fault::kNotFoundAsMalformed, {Delete("job-00000000")}},
      {Fault::kDeletedStillDescribed,
       {Create("job-aaaaaaaa", State::kSucceed), Delete("job-aaaaaaaa"), Describe("job-aaaaaaaa")}},
      {Fault::kDeletedStillListed,
       {Create("job-aaaaaaaa", State::kSucceed), Delete("job-aaaaaaaa"),
        Call(Action::kDescribeJobs, {{"JobIds", {"job-aaaaaaaa"}}})}},
      {Fault::kSecondDeleteSucceeds,
       {Create("job-aaaaaaaa", State::kSucceed), Delete("job-aaaaaaaa"), Delete("job-aaaaaaaa")}},
      {Fault::kFailedDeleteMutates,
       {Create("job-aaaaaaaa", State::kRunning, {State::kRunning}), Delete("job-aaaaaaaa")}},
      {Fault::kDeletesNeighbour,
       {Create("job-aaaaaaaa", State::kSucceed), Create("job-bbbbbbbb", State::kRunning),
        Delete("job-aaaaaaaa")}},
      {Fault::kNoRateLimit,
       {Delete("job-00000001"), Delete("job-00000002"), Delete("job-00000003")}},
      {Fault::kRateLimitedStillDeletes,
       {Create("job-aaaaaaaa", State::kSucceed), Delete("job-00000001"), Delete("job-00000002"),
        Delete("job-aaaaaaaa")}},
      {Fault::kLimitOnePerSecond, {Delete("job-00000001"), Delete("job-00000002")}},
      {Fault::kLimitShared,
       {Delete("job-00000001"), Delete("job-00000002"), DeleteAs(1, "job-00000003")}},
      {Fault::kNonAtomicDelete,
       {Create("job-aaaaaaaa", State::kSucceed), ConcurrentDeletes("job-aaaaaaaa", 2)}},
      {Fault::kNoRequestIdOnErrors, {Describe("job-00000000")}},
      {Fault::kRequestIdNotUuid, {Describe("job-00000000")}},
      {Fault::kRequestIdRepeated, {Describe("job-00000000"), Describe("job-00000000")}},
      {Fault::kErrorsNot200, {Describe("job-00000000")}},
      {Fault::kInternalErrorOnEmptyJob,
       {Create("job-aaaaaaaa", State::kSucceed), Delete("job-aaaaaaaa")}},
      {Fault::kSignatureUnchecked,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kWrongSignature)}},
      {Fault::kExpiredAccepted,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kTimestampOutsidePast)}},
      {Fault::kLocalDateAccepted,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kLocalDate)}},
      {Fault::kRegionOptional,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kNoRegion)}},
      {Fault::kUnknownParamsIgnored,
       {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kUnknownParameter)}},
  };
  return kHistories;
}

TEST(Driver, EachFaultIsFoundUnderItsClauseAndTheCorrectMockPasses) {
  for (mock::Fault fault : mock::kAllFaults) {
    std::string clause(model::ClauseId(mock::BrokenClause(fault)));
    SCOPED_TRACE(std::string(mock::FaultName(fault)) + " -> " + clause);
    auto it = Histories().find(fault);
    ASSERT_NE(it, Histories().end()) << "no history for the fault";
    std::vector<Finding> correct = RunHistory(it->second, {});
    EXPECT_TRUE(correct.empty()) << Text(correct);
    std::vector<Finding> faulty = RunHistory(it->second, {fault});
    ASSERT_FALSE(faulty.empty());
    EXPECT_EQ(model::ClauseId(faulty.front().clause), clause) << Text(faulty);
  }
}

// A front end that refuses a malformed JobId itself, before the mock and its limiter see it:
// a server whose shape checks come before its limiter.
class ShapeCheckingFront final : public client::Target {
 public:
  explicit ShapeCheckingFront(client::Target& back) : back_(back) {}
  client::SendResult Send(const protocol::HttpRequest& request) override {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("JobId") && body["JobId"].is_string() &&
        !model::IsWellFormedJobId(body["JobId"].get<std::string>())) {
      return protocol::ErrorResponse("0b9f1a5e-3c1d-4b8e-9a2f-5d6c7e8f9a0" + std::to_string(++n_),
                                     model::ErrorCode::kJobIdMalformed, "malformed");
    }
    return back_.Send(request);
  }
  std::string HostHeader() const override { return back_.HostHeader(); }
  std::string Name() const override { return "shape-checking front"; }

 private:
  client::Target& back_;
  int n_ = 0;
};

// Whether a shape refusal passed the limiter first is open: two malformed deletes and then two
// well-formed ones in one instant pass against a server that counts the malformed ones (the
// reference mock: the fourth is refused) and one that does not (all four answered).
TEST(Driver, AShapeRefusalMayOrMayNotCountAgainstTheLimit) {
  std::vector<Step> steps = {Delete("job-BAD00001"), Delete("job-BAD00002"),
                             Delete("job-00000001"), Delete("job-00000002")};
  EXPECT_TRUE(RunHistory(steps, {}).empty()) << Text(RunHistory(steps, {}));
  mock::MockConfig config;
  config.control = true;
  mock::MockService service(config);
  client::InProcessTarget back(service);
  ShapeCheckingFront front(back);
  Driver driver(front, &back, config.credentials.front(), DriverConfig{});
  ASSERT_TRUE(driver.Begin().ok());
  std::vector<Finding> found;
  for (const Step& s : steps) {
    auto more = driver.Execute(s);
    found.insert(found.end(), more.begin(), more.end());
  }
  EXPECT_TRUE(found.empty()) << Text(found);
  EXPECT_EQ(driver.trace().back().outcome, "ResourceNotFound.Job");
}

Step Terminate(std::string id) {
  return Call(Action::kTerminateJob, {{"JobId", std::move(id)}});
}

// The API documentation: TerminateJob has no effect on a SUCCEED job. Its FAILED_INTERRUPTED
// instance still blocks the delete, and the mock and the model agree on it.
TEST(Driver, TerminatingASucceedJobChangesNothing) {
  std::vector<Finding> found =
      RunHistory({Create("job-aaaaaaaa", State::kSucceed, {State::kFailedInterrupted}),
                  Terminate("job-aaaaaaaa"), Delete("job-aaaaaaaa"), Describe("job-aaaaaaaa")},
                 {});
  EXPECT_TRUE(found.empty()) << Text(found);
}

// A FAILED job's unfinished instances: the effect is open, so the driver asks the job which
// one the target chose and follows it (the mock fails the instances: the delete succeeds).
TEST(Driver, TerminatingAFailedJobFollowsWhatTheJobShows) {
  std::vector<Finding> found =
      RunHistory({Create("job-aaaaaaaa", State::kFailed, {State::kRunning}),
                  Terminate("job-aaaaaaaa"), Delete("job-aaaaaaaa"), Describe("job-aaaaaaaa")},
                 {});
  EXPECT_TRUE(found.empty()) << Text(found);
}

// Every finding of a step is read: a server whose RequestIds are not UUIDs and which deletes
// RUNNING jobs shows both in one step, and ENV-2 keeps the model in step, so the history
// goes on to be judged.
TEST(Driver, AnEnvelopeDefectDoesNotHideADeletionRuleDefect) {
  std::vector<Finding> found =
      RunHistory({Create("job-aaaaaaaa", State::kRunning), Delete("job-aaaaaaaa")},
                 {mock::Fault::kRequestIdNotUuid, mock::Fault::kRunningDeletable});
  std::set<std::string> clauses;
  for (const Finding& f : found) clauses.insert(std::string(model::ClauseId(f.clause)));
  EXPECT_EQ(clauses, (std::set<std::string>{"DEL-2", "ENV-2"})) << Text(found);
}

}  // namespace
}  // namespace dj::run

namespace dj::run {
namespace {

// target-contract §4: without the control extension the driver never deletes a job it did not
// create. A job that exists on the target (made here behind the driver's back) survives a
// DeleteJob step for its id: the lookup first finds it, and the delete is not sent.
TEST(Driver, WithoutControlAJobItDidNotCreateIsNeverDeleted) {
  mock::MockConfig config;
  config.control = true;  // only this test uses it, to plant the job
  mock::MockService service(config);
  client::InProcessTarget target(service);
  ASSERT_TRUE(client::ControlClient(target)
                  .PutJob(model::ToControlJson(MakeJob("job-ffffffff", State::kSucceed, {})))
                  .ok());

  DriverConfig driver_config;
  Driver driver(target, /*control=*/nullptr, config.credentials.front(), driver_config);
  ASSERT_TRUE(driver.Begin().ok());
  std::vector<Finding> findings = driver.Execute(Delete("job-ffffffff"));
  EXPECT_NE(service.SnapshotStore().Find("job-ffffffff"), nullptr);
  ASSERT_FALSE(driver.trace().empty());
  EXPECT_NE(driver.trace().back().outcome.find("the delete is not sent"), std::string::npos);
  for (const auto& r : driver.trace())
    EXPECT_EQ(r.request.body.find("job-ffffffff") != std::string::npos &&
                  protocol::FindHeader(r.request.headers, "X-TC-Action") == "DeleteJob",
              false);
  // An id the lookup proves absent is deleted (and answered ResourceNotFound.Job).
  driver.Execute(Delete("job-00000000"));
  EXPECT_EQ(driver.trace().back().outcome, "ResourceNotFound.Job");
  (void)findings;
}

}  // namespace
}  // namespace dj::run

namespace dj::run {
namespace {

// The in-process mock behind a front end the test scripts: `rule` may answer a request in the
// mock's stead (an HTTP status, a limiter's refusal) or lose it (a transport error); otherwise
// the mock answers. The rule is called from a batch's threads at once.
class FrontEnd final : public client::Target {
 public:
  using Rule = std::function<std::optional<client::SendResult>(const protocol::HttpRequest&)>;
  FrontEnd(mock::MockService& service, Rule rule) : service_(service), rule_(std::move(rule)) {}
  client::SendResult Send(const protocol::HttpRequest& request) override {
    if (auto replaced = rule_(request)) return *replaced;
    return client::InProcessTarget(service_).Send(request);
  }
  std::string HostHeader() const override { return "batch.tencentcloudapi.com"; }
  std::string Name() const override { return "front end"; }
  std::unique_ptr<Target> Another() const override {
    return std::make_unique<FrontEnd>(service_, rule_);
  }

 private:
  mock::MockService& service_;
  Rule rule_;
};

std::string ActionOf(const protocol::HttpRequest& r) {
  return std::string(protocol::FindHeader(r.headers, "X-TC-Action").value_or(""));
}
bool Names(const protocol::HttpRequest& r, std::string_view id) {
  return r.body.find(id) != std::string::npos;
}
bool IsCanary(const protocol::HttpRequest& r) { return Names(r, planted::kCanaryId); }

protocol::HttpResponse Bare(int status, std::string content_type, std::string body) {
  protocol::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

protocol::HttpResponse LimitAnswer() {
  static std::atomic<int> n{0};
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n.fetch_add(1));
  return protocol::ErrorResponse(id, model::ErrorCode::kRequestLimitExceeded, "slow down");
}

client::SendResult Lost(client::TransportErrorKind kind, bool whole_request_sent) {
  return Failure{client::TransportError{"scripted loss", kind, whole_request_sent}};
}

// A driver over the front end (with the mock's control extension), its sleeps counted.
struct Rig {
  explicit Rig(FrontEnd::Rule rule, model::Profile profile = model::Profile::kStrict)
      : service([] {
          mock::MockConfig c;
          c.control = true;
          return c;
        }()),
        front(service, std::move(rule)) {
    DriverConfig config;
    config.profile = profile;
    config.sleep_ms = [this](std::int64_t ms) {
      slept_ms += ms;
      ++sleeps;
    };
    driver.emplace(front, &front, service.config().credentials.front(), config);
    EXPECT_TRUE(driver->Begin().ok());
  }
  std::vector<Finding> Run(const std::vector<Step>& steps) {
    std::vector<Finding> out;
    for (const Step& s : steps) {
      auto found = driver->Execute(s);
      out.insert(out.end(), found.begin(), found.end());
    }
    return out;
  }
  int Checked(model::Clause c) const {
    auto it = driver->checks().find(c);
    return it == driver->checks().end() ? 0 : it->second;
  }
  const Recorded& Api(std::string_view action) const {
    for (const Recorded& r : driver->trace()) {
      if (r.kind == "api" && r.action == action) return r;
    }
    ADD_FAILURE() << "no " << action << " in the trace";
    return driver->trace().front();
  }

  mock::MockService service;
  FrontEnd front;
  std::atomic<std::int64_t> slept_ms{0};
  std::atomic<int> sleeps{0};
  std::optional<Driver> driver;
};

// ----- HTTP-layer refusals (docs/clauses.md: Http(N) outcomes of COM-5 and COM-6) -----

// nginx's answers: an HTML 405 to a PUT, an HTML 413 (or HAProxy's 400) to an oversize body.
FrontEnd::Rule Nginx(int oversize_status = 413) {
  return [oversize_status](const protocol::HttpRequest& r) -> std::optional<client::SendResult> {
    if (r.method == "PUT") return Bare(405, "text/html", "<html><h1>405 Not Allowed</h1></html>");
    if (r.body.size() > protocol::kV3PostLimitBytes) {
      return Bare(oversize_status, "text/html; charset=iso-8859-1", "<html>Too Large</html>");
    }
    return std::nullopt;
  };
}

std::vector<Step> RefusedAtTheHttpLayer() {
  return {Call(Action::kDescribeJob, {{"JobId", "job-00000000"}}, WireFault::kWrongMethod),
          Call(Action::kDeleteJob, {{"JobId", "job-00000000"}}, WireFault::kOversize)};
}

TEST(Driver, AFrontEndsBareRefusalPassesTheLenientProfile) {
  for (int status : {413, 414, 431, 400}) {
    Rig rig(Nginx(status), model::Profile::kLenient);
    std::vector<Finding> found = rig.Run(RefusedAtTheHttpLayer());
    EXPECT_TRUE(found.empty()) << status << "\n" << Text(found);
    EXPECT_EQ(rig.Checked(model::Clause::kUnsupportedMethod), 1);
    EXPECT_EQ(rig.Checked(model::Clause::kTooLarge), 1);
    EXPECT_EQ(rig.Api("DeleteJob").outcome, "HTTP " + std::to_string(status));
  }
}

TEST(Driver, AFrontEndsBareRefusalIsOnlyItsClausesFailureInStrict) {
  Rig rig(Nginx());
  std::vector<Finding> found = rig.Run(RefusedAtTheHttpLayer());
  EXPECT_EQ(Text(found),
            "COM-5: answered HTTP 405; COM-5 expects UnsupportedProtocol\n"
            "COM-6: answered HTTP 413; COM-6 expects RequestSizeLimitExceeded\n");
}

TEST(Driver, ABareStatusTheClauseDoesNotAllowIsStillEnv1) {
  auto rule = [](const protocol::HttpRequest& r) -> std::optional<client::SendResult> {
    if (r.method == "PUT") return Bare(413, "text/html", "<html>Too Large</html>");
    if (ActionOf(r) == "DescribeJob" && !IsCanary(r)) return Bare(405, "text/html", "<html/>");
    return std::nullopt;
  };
  for (model::Profile profile : {model::Profile::kStrict, model::Profile::kLenient}) {
    Rig rig(rule, profile);
    std::vector<Finding> wrong_status = rig.Run(
        {Call(Action::kDeleteJob, {{"JobId", "job-00000000"}}, WireFault::kWrongMethod)});
    ASSERT_FALSE(wrong_status.empty());
    EXPECT_EQ(wrong_status.front().clause, model::Clause::kEnvShape) << Text(wrong_status);
    std::vector<Finding> valid = rig.Run({Describe("job-00000000")});
    ASSERT_FALSE(valid.empty());
    EXPECT_EQ(valid.front().message, "HTTP status 405, not 200") << Text(valid);
  }
}

// ----- requests without an answer (docs/clauses.md ROB-1) -----

// The rule loses the DeleteJob of job-aaaaaaaa (a deletable job: DEL-1) in the given way, and
// the canary after it when `canary_lost`.
FrontEnd::Rule LosesTheDelete(client::TransportErrorKind kind, bool whole, bool canary_lost) {
  return [=](const protocol::HttpRequest& r) -> std::optional<client::SendResult> {
    if (ActionOf(r) == "DeleteJob" && Names(r, "job-aaaaaaaa")) return Lost(kind, whole);
    if (canary_lost && IsCanary(r)) return Lost(client::TransportErrorKind::kConnect, false);
    return std::nullopt;
  };
}

const std::vector<Step>& DeleteOfACompletedJob() {
  static const std::vector<Step> steps = {Create("job-aaaaaaaa", State::kSucceed),
                                          Delete("job-aaaaaaaa")};
  return steps;
}

TEST(Driver, NoAnswerThatShowsAFaultByItselfIsFoundAtOnce) {
  using K = client::TransportErrorKind;
  struct Case {
    K kind;
    bool whole;
    std::string expected;
  };
  for (const Case& c : {Case{K::kTimeout, true, "ROB-1: no answer: scripted loss\n"},
                        Case{K::kTimeout, false, "ROB-1: no answer: scripted loss\n"},
                        Case{K::kClosed, true, "ROB-1: no answer: scripted loss\n"},
                        Case{K::kTooLarge, true,
                             "ENV-1: not a readable HTTP answer: scripted loss\n"},
                        Case{K::kMalformed, false,
                             "ENV-1: not a readable HTTP answer: scripted loss\n"}}) {
    Rig rig(LosesTheDelete(c.kind, c.whole, false));
    std::vector<Finding> found = rig.Run(DeleteOfACompletedJob());
    EXPECT_EQ(Text(found), c.expected) << static_cast<int>(c.kind);
    EXPECT_EQ(rig.Checked(model::Clause::kDelCompleted), 0);
    EXPECT_FALSE(rig.driver->fatal().has_value());
  }
}

TEST(Driver, NoAnswerThatShowsNothingByItselfIsNotJudgedWhenTheCanaryAnswers) {
  using K = client::TransportErrorKind;
  for (auto [kind, whole] : {std::pair{K::kClosed, false}, std::pair{K::kConnect, false},
                             std::pair{K::kOther, false}, std::pair{K::kOther, true}}) {
    Rig rig(LosesTheDelete(kind, whole, false));
    std::vector<Finding> found = rig.Run(DeleteOfACompletedJob());
    EXPECT_TRUE(found.empty()) << Text(found);
    EXPECT_EQ(rig.Checked(model::Clause::kDelCompleted), 0);
    EXPECT_EQ(rig.Checked(model::Clause::kRobAlive), 1);  // the canary's answer
    const Recorded& lost = rig.Api("DeleteJob");
    EXPECT_NE(lost.note.find("not judged: the canary after it was answered"), std::string::npos)
        << lost.note;
    EXPECT_EQ(rig.driver->trace().back().step, "probe: canary DescribeJob job-zzzzzzzz");
  }
}

TEST(Driver, NoAnswerAndNoneToTheCanaryIsRobAlive) {
  Rig rig(LosesTheDelete(client::TransportErrorKind::kClosed, false, true));
  std::vector<Finding> found = rig.Run(DeleteOfACompletedJob());
  EXPECT_EQ(Text(found),
            "ROB-1: no answer to DeleteJob (scripted loss), and none to the canary after it: "
            "scripted loss\n");
  EXPECT_EQ(rig.Checked(model::Clause::kDelCompleted), 0);
  EXPECT_EQ(rig.Api("DeleteJob").note, "");
}

TEST(Driver, AnInterruptedCallIsNoFindingAndEndsTheRun) {
  Rig rig(LosesTheDelete(client::TransportErrorKind::kInterrupted, false, false));
  std::vector<Finding> found = rig.Run(DeleteOfACompletedJob());
  EXPECT_TRUE(found.empty()) << Text(found);
  ASSERT_TRUE(rig.driver->fatal().has_value());
  EXPECT_EQ(*rig.driver->fatal(), kInterrupted);
  EXPECT_EQ(rig.Checked(model::Clause::kRobAlive), 0);
}

// ----- limiters the harness does not judge (target-contract §3) -----

// RequestLimitExceeded to the first `refusals` requests of `action` (probes and canaries too).
FrontEnd::Rule LimitsFirst(std::string action, int refusals) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  return [=](const protocol::HttpRequest& r) -> std::optional<client::SendResult> {
    if (ActionOf(r) == action && seen->fetch_add(1) < refusals) return LimitAnswer();
    return std::nullopt;
  };
}

TEST(Driver, RequestLimitExceededToDescribeJobIsSentAgainNeverJudged) {
  Rig rig(LimitsFirst("DescribeJob", 3));
  std::vector<Finding> found =
      rig.Run({Create("job-aaaaaaaa", State::kRunning, {State::kRunning}), Describe("job-aaaaaaaa")});
  EXPECT_TRUE(found.empty()) << Text(found);
  EXPECT_FALSE(rig.driver->fatal().has_value());
  EXPECT_EQ(rig.slept_ms.load(), 100 + 200 + 400);
  EXPECT_DOUBLE_EQ(rig.driver->pacing_seconds(), 0.7);
  EXPECT_EQ(rig.driver->requests(), 4);
  const Recorded& describe = rig.Api("DescribeJob");
  EXPECT_EQ(describe.outcome, "success");
  EXPECT_EQ(describe.note, "sent 4 times: 3 RequestLimitExceeded, 700 ms of backoff");
  EXPECT_EQ(rig.Checked(model::Clause::kObsDescribe), 1);
  EXPECT_EQ(std::count_if(rig.driver->trace().begin(), rig.driver->trace().end(),
                          [](const Recorded& r) { return r.kind == "api"; }),
            1);
}

// RequestLimitExceeded to every other request of `action`, from the first.
FrontEnd::Rule LimitsEveryOther(std::string action) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  return [=](const protocol::HttpRequest& r) -> std::optional<client::SendResult> {
    if (ActionOf(r) == action && seen->fetch_add(1) % 2 == 0) return LimitAnswer();
    return std::nullopt;
  };
}

TEST(Driver, ProbesAndCanariesBackOffFromALimiterToo) {
  // A refused DeleteJob (the ISO-1 probe after it) and a faulty request (the canary after it):
  // each probe is refused once.
  Rig rig(LimitsEveryOther("DescribeJob"));
  std::vector<Finding> found =
      rig.Run({Create("job-aaaaaaaa", State::kRunning, {State::kRunning}), Delete("job-aaaaaaaa"),
               Call(Action::kDeleteJob, {{"JobId", "job-00000000"}}, WireFault::kWrongSignature)});
  EXPECT_TRUE(found.empty()) << Text(found);
  EXPECT_EQ(rig.slept_ms.load(), 200);
  EXPECT_EQ(rig.sleeps.load(), 2);
  EXPECT_EQ(rig.Checked(model::Clause::kIsoFailedDelete), 1);
  EXPECT_EQ(rig.Checked(model::Clause::kIdUnknown), 1);  // the canary
}

TEST(Driver, ALimiterThatNeverLetsGoEndsTheRunAsASetupProblem) {
  Rig rig(LimitsFirst("DescribeJob", 1000));
  std::vector<Finding> found = rig.Run({Describe("job-00000000")});
  EXPECT_TRUE(found.empty()) << Text(found);
  ASSERT_TRUE(rig.driver->fatal().has_value());
  EXPECT_NE(rig.driver->fatal()->find("RequestLimitExceeded to DescribeJob 10 times in a row"),
            std::string::npos)
      << *rig.driver->fatal();
  EXPECT_EQ(rig.slept_ms.load(), 11100);
  EXPECT_EQ(rig.Checked(model::Clause::kIdUnknown), 0);
}

TEST(Driver, DeleteJobsRequestLimitExceededIsStillJudged) {
  Rig rig(LimitsFirst("DeleteJob", 1));
  std::vector<Finding> found = rig.Run({Delete("job-00000000")});
  ASSERT_EQ(found.size(), 1U) << Text(found);
  EXPECT_EQ(found.front().clause, model::Clause::kRateLiveness);
  EXPECT_EQ(rig.sleeps.load(), 0);
  EXPECT_EQ(rig.driver->requests(), 1);
}

TEST(Driver, ARetriedCallOfABatchIsOneCall) {
  Rig rig(LimitsFirst("DescribeJob", 2));
  Batch batch;
  ApiCall describe = std::get<ApiCall>(Describe("job-aaaaaaaa"));
  batch.threads = {{describe}, {describe}};
  std::vector<Finding> found =
      rig.Run({Create("job-aaaaaaaa", State::kSucceed, {State::kSucceed}), batch});
  EXPECT_TRUE(found.empty()) << Text(found);
  EXPECT_FALSE(rig.driver->fatal().has_value());
  int calls = 0;
  for (const Recorded& r : rig.driver->trace()) {
    if (r.thread >= 0) {
      ++calls;
      EXPECT_EQ(r.outcome, "success");
    }
  }
  EXPECT_EQ(calls, 2);
  EXPECT_GE(rig.slept_ms.load(), 100);
  EXPECT_GE(rig.driver->pacing_seconds(), 0.1);
  EXPECT_EQ(rig.Checked(model::Clause::kConcLinearizable), 1);
}

}  // namespace
}  // namespace dj::run
