// Differential mode against two in-process mocks: the correct mock against itself differs
// nowhere; against a mock with second-delete-succeeds exactly the DeleteJobs of already deleted
// jobs differ, checked against a prediction made from one target's answers and the fault alone.
#include "harness/runner/diff.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "tests/harness/echo_target.h"
#include "tests/harness/mock_fixture.h"
#include "tests/harness/silent_target.h"

namespace dj::run {
namespace {

using model::Action;
using testing::MockFixture;
using testing::Via;

DiffConfig SmallDiff(std::uint64_t seed, int runs) {
  DiffConfig c;
  c.seed = seed;
  c.runs = runs;
  c.max_steps = 20;
  // Sign with the fixtures' clock, which both mocks read.
  c.driver.wall_seconds = [] { return testing::kVectorTime; };
  return c;
}

DiffTarget On(MockFixture& f, bool control, std::string name) {
  return {&f.target(), control ? &f.target() : nullptr, "", std::move(name)};
}

mock::MockConfig Config(mock::FaultSet faults = {}, bool control = true) {
  mock::MockConfig c = testing::ControlConfig(std::move(faults));
  c.control = control;
  return c;
}

std::string NotFound() {
  return model::ToString(model::Err(model::ErrorCode::kResourceNotFoundJob));
}

TEST(Diff, HistoriesAreAFunctionOfTheSeedAlone) {
  DiffConfig config = SmallDiff(21, 10);
  for (PropertyKind kind : kDiffProperties) {
    auto first = DiffHistory(config, kind, 7, true);
    auto again = DiffHistory(config, kind, 7, true);
    ASSERT_TRUE(first.ok() && again.ok());
    EXPECT_EQ(*first, *again);
    EXPECT_LE(first->size(), 21U);
    DiffConfig more = config;
    more.runs = 500;  // history N does not depend on how many there are
    EXPECT_EQ(*DiffHistory(more, kind, 7, true), *first);
  }
  // Another seed, another history (one of the first ten differs at least).
  DiffConfig other = SmallDiff(22, 10);
  bool differs = false;
  for (int h = 0; h < 10; ++h) {
    differs = differs || *DiffHistory(config, PropertyKind::kHistories, h, true) !=
                             *DiffHistory(other, PropertyKind::kHistories, h, true);
  }
  EXPECT_TRUE(differs);
  // Without control no step needs it.
  for (int h = 0; h < 20; ++h) {
    auto steps = DiffHistory(config, PropertyKind::kHistories, h, false);
    ASSERT_TRUE(steps.ok());
    for (const Step& s : *steps) {
      EXPECT_FALSE(NeedsControl(s)) << Describe(s);
    }
  }
}

TEST(Diff, TheCorrectMockAgainstItselfDiffersNowhere) {
  MockFixture a(Via::kInProcess, Config());
  MockFixture b(Via::kInProcess, Config());
  auto r =
      RunDiff(SmallDiff(3, 25), On(a, true, "A"), On(b, true, "B"), testing::DefaultCredentials());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->differences.empty()) << nlohmann::json(r->differences).dump(2);
  EXPECT_EQ(r->histories, 3 * 25);
  EXPECT_GT(r->requests, 3 * 25);
  EXPECT_TRUE(r->control);
  EXPECT_TRUE(r->notes.empty());
  EXPECT_FALSE(r->stopped);
}

TEST(Diff, AFixedHistoryDiffersOnlyInTheSecondDelete) {
  MockFixture a(Via::kInProcess, Config());
  MockFixture b(Via::kInProcess, Config({mock::Fault::kSecondDeleteSucceeds}));
  model::Job job;
  job.id = "job-diff0001";
  job.state = model::State::kSucceed;
  auto call = [](model::ApiRequest request) {
    return Step(
        ApiCall{std::move(request), protocol::Style::kApi3Post, Encoding{}, WireFault::kNone});
  };
  std::vector<Step> steps = {CreateJob{job}, call(model::DeleteJobRequest(job.id)),
                             call(model::DeleteJobRequest(job.id)),
                             call(model::DescribeJobRequest(job.id))};
  auto r = DiffSteps(SmallDiff(1, 1), steps, PropertyKind::kHistories, On(a, true, "correct"),
                     On(b, true, "faulty"), testing::DefaultCredentials());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->requests, 3);
  ASSERT_EQ(r->differences.size(), 1U) << nlohmann::json(r->differences).dump(2);
  const Difference& d = r->differences.front();
  EXPECT_EQ(d.history, 1);
  EXPECT_EQ(d.step, 3);
  EXPECT_EQ(d.step_text, Describe(steps[2]));
  EXPECT_EQ(d.call, 0);
  EXPECT_EQ(d.a.outcome, NotFound());
  EXPECT_EQ(d.b.outcome, "success");
  EXPECT_EQ(d.a.status, 200);
  EXPECT_NE(d.a.body.find("ResourceNotFound.Job"), std::string::npos) << d.a.body;
  EXPECT_NE(d.request.find("job-diff0001"), std::string::npos) << d.request;
  EXPECT_EQ(d.request.find('\n'), std::string::npos);
  EXPECT_EQ(d.request.find(mock::kDefaultSecretId), std::string::npos) << d.request;
  ASSERT_EQ(r->diffed.size(), 1U);
  EXPECT_EQ(r->diffed[0].history, 1);
  EXPECT_EQ(r->diffed[0].steps, steps);
}

// A fixed history that differs in its second DeleteJob, in `style`.
std::vector<Step> SecondDelete(const std::string& id, protocol::Style style) {
  model::Job job;
  job.id = id;
  job.state = model::State::kSucceed;
  auto call = [style](model::ApiRequest request) {
    return Step(ApiCall{std::move(request), style, Encoding{}, WireFault::kNone});
  };
  return {CreateJob{job}, call(model::DeleteJobRequest(id)), call(model::DeleteJobRequest(id))};
}

// Both mocks with the sentinel credential and a control token.
mock::MockConfig SentinelConfig(mock::FaultSet faults = {}) {
  mock::MockConfig c = Config(std::move(faults));
  c.credentials = {
      {testing::kSentinelCredentials.secret_id, testing::kSentinelCredentials.secret_key, ""}};
  c.control_token = testing::kSentinelControlToken;
  return c;
}

TEST(Diff, NoPieceOfACredentialOrControlTokenThatAnAnswerEchoesIsInTheResults) {
  MockFixture a(Via::kInProcess, SentinelConfig());
  MockFixture b(Via::kInProcess, SentinelConfig({mock::Fault::kSecondDeleteSucceeds}));
  // A's error answers echo the request's credential parts, the key and the control token, each
  // at 40 offsets: some copy straddles the cut at kDiffBodyLimit.
  testing::EchoTarget echo(
      a.target(), {testing::kSentinelCredentials.secret_key, testing::kSentinelControlToken});
  const std::string& token = testing::kSentinelControlToken;
  for (auto style :
       {protocol::Style::kApi3Post, protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    auto r =
        DiffSteps(SmallDiff(1, 1), SecondDelete("job-echo0001", style), PropertyKind::kHistories,
                  DiffTarget{&echo, &echo, token, "A"},
                  DiffTarget{&b.target(), &b.target(), token, "B"}, testing::kSentinelCredentials);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->differences.size(), 1U) << protocol::StyleName(style);
    std::string text = nlohmann::json(*r).dump();
    EXPECT_EQ(testing::SentinelPiecesIn(text), std::vector<std::string>{}) << text;
    // The echo is there, with placeholders: the check above saw what it checks.
    const std::string& body = r->differences[0].a.body;
    for (const char* placeholder : {"DJHARNESS-SECRET-KEY", "DJHARNESS-CONTROL-TOKEN"}) {
      EXPECT_NE(body.find(placeholder), std::string::npos) << body;
    }
    EXPECT_NE(body.find("DJHARNESS-SECRET-ID"), std::string::npos) << body;
    EXPECT_NE(body.find("DJHARNESS-SESSION-TOKEN"), std::string::npos) << body;
  }
}

TEST(Diff, AControlErrorThatEchoesTheTokenDoesNotPrintIt) {
  MockFixture a(Via::kInProcess, SentinelConfig());
  testing::EchoTarget echo(a.target(), {});
  // The mock wants another token: its refusal, echoed, holds the one sent.
  DiffTarget wrong{&echo, &echo, testing::kSentinelControlToken + "Wrong", "A"};
  MockFixture b(Via::kInProcess, SentinelConfig());
  auto r = DiffSteps(SmallDiff(1, 1), SecondDelete("job-echo0002", protocol::Style::kApi3Post),
                     PropertyKind::kHistories, wrong,
                     DiffTarget{&b.target(), &b.target(), testing::kSentinelControlToken, "B"},
                     testing::kSentinelCredentials);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 3);
  EXPECT_EQ(testing::SentinelPiecesIn(r.error().message), std::vector<std::string>{})
      << r.error().message;
  EXPECT_NE(r.error().message.find("DJHARNESS-CONTROL-TOKEN"), std::string::npos)
      << r.error().message;
}

// Where A (correct) and B (second-delete-succeeds) must differ, from A's answers and the fault
// alone: a DeleteJob naming a job that A had deleted (and no CreateJob made again since) which A
// answers ResourceNotFound.Job, B answering success. Keys: property, history, step, call.
using Key = std::tuple<std::string, int, int, int>;

std::set<Key> Predicted(const DiffConfig& config, MockFixture& correct) {
  std::set<Key> out;
  for (PropertyKind kind : config.properties) {
    for (int h = 0; h < config.runs; ++h) {
      auto steps = DiffHistory(config, kind, h, true);
      EXPECT_TRUE(steps.ok());
      DriverConfig driver_config = config.driver;
      Driver driver(correct.target(), &correct.target(), testing::DefaultCredentials(),
                    driver_config);
      EXPECT_TRUE(driver.Begin().ok());
      std::set<std::string> deleted;
      for (std::size_t i = 0; i < steps->size(); ++i) {
        const Step& step = (*steps)[i];
        std::size_t from = driver.trace().size();
        driver.Execute(step);
        EXPECT_FALSE(driver.fatal());
        if (const auto* create = std::get_if<CreateJob>(&step)) deleted.erase(create->job.id);
        const model::ApiRequest* request = nullptr;
        if (const auto* c = std::get_if<ApiCall>(&step)) request = &c->request;
        if (const auto* s = std::get_if<SameInStyles>(&step)) request = &s->request;
        if (request == nullptr || request->action != Action::kDeleteJob) continue;
        const nlohmann::json& params = request->params;
        if (!params.is_object() || !params.contains("JobId") || !params["JobId"].is_string())
          continue;
        std::string id = params["JobId"].get<std::string>();
        int call = 0;
        bool succeeded = false;
        for (std::size_t j = from; j < driver.trace().size(); ++j) {
          const Recorded& r = driver.trace()[j];
          if (r.kind != "api") continue;
          if (deleted.contains(id) && r.outcome == NotFound())
            out.insert({std::string(PropertyName(kind)), h + 1, static_cast<int>(i) + 1, call});
          succeeded = succeeded || r.outcome == "success";
          ++call;
        }
        if (succeeded) deleted.insert(id);
      }
    }
  }
  return out;
}

TEST(Diff, ASecondDeleteThatSucceedsDiffersExactlyWhereTheFaultPredicts) {
  // Deleting a deleted job takes a create, an admitted delete and a second delete: about one
  // history in ten of the life-cycle property has one, and the limiter refuses some of them.
  DiffConfig config = SmallDiff(8, 150);
  config.max_steps = 30;
  config.properties = {PropertyKind::kHistories};
  MockFixture a(Via::kInProcess, Config());
  MockFixture b(Via::kInProcess, Config({mock::Fault::kSecondDeleteSucceeds}));
  auto r =
      RunDiff(config, On(a, true, "correct"), On(b, true, "faulty"), testing::DefaultCredentials());
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::set<Key> listed;
  for (const Difference& d : r->differences) {
    EXPECT_TRUE(d.step_text.starts_with("DeleteJob ")) << d.step_text;
    EXPECT_EQ(d.a.outcome, NotFound());
    EXPECT_EQ(d.b.outcome, "success");
    EXPECT_TRUE(listed.insert({d.property, d.history, d.step, d.call}).second);
  }
  MockFixture reference(Via::kInProcess, Config());
  std::set<Key> predicted = Predicted(config, reference);
  EXPECT_GE(predicted.size(), 5U) << "the histories hardly delete a deleted job: a weak test";
  EXPECT_EQ(listed, predicted);
}

TEST(Diff, ATargetWithoutControlGetsHistoriesWithoutItAndNoFalseDifferences) {
  MockFixture a(Via::kInProcess, Config({}, /*control=*/false));
  MockFixture b(Via::kInProcess, Config());
  DiffConfig config = SmallDiff(5, 12);
  // Pacing waits on A's limiter clock, which waiting moves: no real time.
  config.driver.steady_ms = [&a] { return a.steady().load(); };
  config.driver.sleep_ms = [&a](std::int64_t ms) { a.steady() += ms; };
  auto r = RunDiff(config, On(a, false, "no control"), On(b, true, "control"),
                   testing::DefaultCredentials());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->control);
  EXPECT_EQ(r->properties, (std::vector<std::string>{"histories", "auth-common"}));
  ASSERT_EQ(r->notes.size(), 1U);
  EXPECT_NE(r->notes[0].find("rate-limit left out"), std::string::npos);
  EXPECT_EQ(r->histories, 2 * 12);
  EXPECT_GT(r->requests, 0);
  // B's limiter follows its control clock, moved a second per step: the deletes A admits in
  // paced real time, B admits too.
  EXPECT_TRUE(r->differences.empty()) << nlohmann::json(r->differences).dump(2);
}

TEST(Diff, TheConcurrencyPropertyIsRefused) {
  MockFixture a(Via::kInProcess, Config());
  DiffConfig config = SmallDiff(1, 1);
  config.properties = {PropertyKind::kHistories, PropertyKind::kConcurrency};
  auto r = RunDiff(config, On(a, true, "A"), On(a, true, "B"), testing::DefaultCredentials());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 2);
  EXPECT_NE(r.error().message.find("concurrency"), std::string::npos);
}

TEST(Diff, ATargetThatStopsAnsweringEndsTheRun) {
  MockFixture a(Via::kInProcess, Config());
  // B answers nothing at all.
  testing::SilentTarget silent;
  DiffConfig config = SmallDiff(4, 30);
  config.properties = {PropertyKind::kHistories};
  DiffTarget b{&silent, nullptr, "", "silent"};
  config.driver.steady_ms = [&a] { return a.steady().load(); };
  config.driver.sleep_ms = [&a](std::int64_t ms) { a.steady() += ms; };
  auto r = RunDiff(config, On(a, true, "A"), b, testing::DefaultCredentials());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->stopped.has_value());
  EXPECT_NE(r->stopped->find("silent stopped answering"), std::string::npos);
  EXPECT_LT(r->histories, 30);
  ASSERT_FALSE(r->differences.empty());
  EXPECT_EQ(r->differences.front().b.outcome, "no answer");
}

}  // namespace
}  // namespace dj::run
