// Jobs of the run's own on a target without control (target-contract §4): the driver submits,
// awaits, terminates and deletes them, judging each answer against every state the job may be
// in (models/possible.h). The mock moves submitted jobs on its own (--autoprogress-ms) by the
// fixture's steady clock, and the driver's waits move that clock: no real time passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "harness/runner/driver.h"
#include "harness/runner/runner.h"
#include "tests/harness/findings_text.h"
#include "tests/harness/mock_fixture.h"

namespace dj::run {
namespace {

using model::Action;
using model::Clause;
using nlohmann::json;
using testing::MockFixture;
using testing::Via;

json Definition(const std::string& command) {
  return {{"Placement", {{"Zone", "ap-guangzhou-2"}}},
          {"Job",
           {{"JobName", "djharness"},
            {"Tasks",
             {{{"TaskName", "t0"},
               {"TaskInstanceNum", 2},
               {"Application", {{"DeliveryForm", "LOCAL"}, {"Command", command}}}}}}}}};
}

mock::MockConfig NoControl(mock::FaultSet faults = {}, std::int64_t autoprogress_ms = 200) {
  mock::MockConfig c;
  c.control = false;
  c.seed = 11;
  c.faults = std::move(faults);
  c.autoprogress_ms = autoprogress_ms;
  return c;
}

// A driver on the fixture's clock: its pauses advance the mock's steady clock.
DriverConfig OwnedConfig(MockFixture& f) {
  DriverConfig c;
  c.job_definition = Definition("echo djharness");
  c.slow_job_definition = Definition("sleep 3600");
  c.slow_runs_at_least_ms = 3600 * 1000;
  c.ledger = *Ledger::Open("", "in-process", "ap-guangzhou", "testtag00001");
  c.steady_ms = [&f] { return f.steady().load(); };
  c.sleep_ms = [&f](std::int64_t ms) { f.steady() += ms; };
  c.wall_seconds = [&f] { return f.wall().load(); };
  return c;
}

ApiCall On(Action action, int n) {
  return ApiCall{
      {action, {{"JobId", OwnedRef(n)}}}, protocol::Style::kApi3Post, Encoding{}, WireFault::kNone};
}

std::vector<Finding> RunAll(Driver& d, const std::vector<Step>& steps) {
  std::vector<Finding> all;
  for (const Step& s : steps) {
    auto found = d.Execute(s);
    EXPECT_FALSE(d.fatal()) << *d.fatal();
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

const std::vector<Step> kLifeCycle = {
    Submit{false},
    Await{0, Until::kFinished},
    On(Action::kDeleteJob, 0),
    On(Action::kDescribeJob, 0),
    On(Action::kDeleteJob, 0),
    Submit{true},
    On(Action::kDeleteJob, 1),
    Await{1, Until::kRunning},
    On(Action::kDeleteJob, 1),
    On(Action::kTerminateJob, 1),
    Await{1, Until::kFinished},
    On(Action::kDeleteJob, 1),
};

TEST(OwnedJobs, TheCorrectMockPassesAWholeLifeCycleAndEveryJobIsDeleted) {
  MockFixture f(Via::kInProcess, NoControl());
  DriverConfig config = OwnedConfig(f);
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), config);
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, kLifeCycle);
  EXPECT_TRUE(findings.empty()) << Text(findings);
  for (Clause c : {Clause::kDelCompleted, Clause::kDelJobActive, Clause::kGoneDescribe,
                   Clause::kGoneDeleteAgain}) {
    EXPECT_GT(d.checks().count(c), 0u) << model::ClauseId(c);
  }
  LedgerContents ledger = config.ledger->Contents();
  ASSERT_EQ(ledger.jobs.size(), 2u);
  EXPECT_TRUE(ledger.Live().empty());
  EXPECT_EQ(f.service().SnapshotStore().size(), 0u);
}

TEST(OwnedJobs, ADeletableRunningJobIsFoundUnderDel2) {
  MockFixture f(Via::kInProcess, NoControl({mock::Fault::kRunningDeletable}));
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), OwnedConfig(f));
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{true}, Await{0, Until::kRunning}, On(Action::kDeleteJob, 0)});
  ASSERT_EQ(findings.size(), 1u) << Text(findings);
  EXPECT_EQ(findings[0].clause, Clause::kDelJobActive);
  EXPECT_NE(findings[0].message.find("RUNNING"), std::string::npos) << findings[0].message;
}

TEST(OwnedJobs, WithoutTheRunTimeBoundTheSameDeleteCannotBeJudged) {
  // A slow job with no promised run time may have finished between two requests: the delete's
  // success is then explained, and nothing is reported (the model stays sound).
  MockFixture f(Via::kInProcess, NoControl({mock::Fault::kRunningDeletable}));
  DriverConfig config = OwnedConfig(f);
  config.slow_runs_at_least_ms = 0;
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), config);
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{true}, Await{0, Until::kRunning}, On(Action::kDeleteJob, 0)});
  EXPECT_TRUE(findings.empty()) << Text(findings);
}

TEST(OwnedJobs, ARefusedDeleteThatChangesTheJobIsFoundUnderIso1) {
  MockFixture f(Via::kInProcess, NoControl({mock::Fault::kFailedDeleteMutates}));
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), OwnedConfig(f));
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{true}, Await{0, Until::kRunning}, On(Action::kDeleteJob, 0),
                             On(Action::kDescribeJob, 0)});
  ASSERT_EQ(findings.size(), 1u) << Text(findings);
  EXPECT_EQ(findings[0].clause, Clause::kIsoFailedDelete);
}

TEST(OwnedJobs, ADeletedJobStillDescribedIsFoundUnderGone1) {
  MockFixture f(Via::kInProcess, NoControl({mock::Fault::kDeletedStillDescribed}));
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), OwnedConfig(f));
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{false}, Await{0, Until::kFinished}, On(Action::kDeleteJob, 0),
                             On(Action::kDescribeJob, 0)});
  ASSERT_EQ(findings.size(), 1u) << Text(findings);
  EXPECT_EQ(findings[0].clause, Clause::kGoneDescribe);
}

TEST(OwnedJobs, StepsOnAJobThatWasNotMadeAreSkipped) {
  MockFixture f(Via::kInProcess, NoControl());
  DriverConfig config = OwnedConfig(f);
  config.job_definition = nullptr;  // no definition: the Submit makes nothing
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), config);
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{false}, On(Action::kDeleteJob, 0), Await{0}});
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(d.requests(), 0);
}

TEST(OwnedJobs, CleanupFindsAJobWhoseSubmitAnswerWasLostAndTouchesNothingElse) {
  mock::MockConfig mc = NoControl();
  mc.foreign_jobs = 20;
  MockFixture f(Via::kInProcess, mc);
  DriverConfig config = OwnedConfig(f);
  std::size_t foreign = f.service().SnapshotStore().size();
  ASSERT_EQ(foreign, 20u);
  // The run recorded the name, then died before SubmitJob answered: the job exists, unnamed.
  std::string name = config.ledger->Submitting();
  json lost = Definition("sleep 3600");
  lost["Job"]["JobName"] = name;
  ASSERT_EQ(testing::OutcomeText(f.Send({Action::kSubmitJob, lost})), "success");
  // A job of someone else whose name only starts like the run's.
  json other = Definition("sleep 3600");
  other["Job"]["JobName"] = name + "0";
  ASSERT_EQ(testing::OutcomeText(f.Send({Action::kSubmitJob, other})), "success");
  // And one the ledger knows, already finished.
  std::string known_name = config.ledger->Submitting();
  json known = Definition("echo hi");
  known["Job"]["JobName"] = known_name;
  auto x = f.Send({Action::kSubmitJob, known});
  ASSERT_TRUE(x.answer.IsSuccess());
  config.ledger->Submitted(known_name, x.answer.response["JobId"].get<std::string>());
  f.steady() += 10000;

  CleanupReport report =
      CleanUp(config.ledger->Contents(), f.target(), testing::DefaultCredentials(), config, 60000);
  EXPECT_EQ(report.deleted, 2) << ::testing::PrintToString(report.lines);
  EXPECT_TRUE(report.left.empty()) << ::testing::PrintToString(report.left);
  model::Store after = f.service().SnapshotStore();
  EXPECT_EQ(after.size(), foreign + 1);  // the foreign jobs and the look-alike remain
  EXPECT_TRUE(config.ledger->Contents().Live().empty());
}

TEST(OwnedJobs, TheOwnedJobsPropertyPassesAndLeavesNothingBehind) {
  mock::MockConfig mc = NoControl();
  mc.foreign_jobs = 50;
  MockFixture f(Via::kInProcess, mc);
  model::Store before = f.service().SnapshotStore();
  RunConfig config;
  config.seed = 4;
  config.runs = 5;
  config.owned_runs = 5;
  config.properties = {PropertyKind::kOwnedJobs, PropertyKind::kHistories};
  config.driver = OwnedConfig(f);
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  for (const auto& c : results->clauses) {
    EXPECT_NE(c.status, report::Status::kFailed) << c.id << ": " << c.failure->message;
  }
  EXPECT_GT(results->jobs_submitted, 0);
  EXPECT_TRUE(results->jobs_left.empty());
  EXPECT_TRUE(config.driver.ledger->Contents().Live().empty());
  // Every foreign job is still there, as it was.
  model::Store after = f.service().SnapshotStore();
  for (const auto& [id, job] : before.jobs()) {
    const model::Job* now = after.Find(id);
    ASSERT_NE(now, nullptr) << id;
    EXPECT_EQ(*now, job);
  }
  EXPECT_EQ(after.size(), before.size());
}

RunConfig OwnedRun(MockFixture& f) {
  RunConfig config;
  config.seed = 4;
  config.runs = 3;
  config.owned_runs = 3;
  config.properties = {PropertyKind::kOwnedJobs};
  config.driver = OwnedConfig(f);
  return config;
}

const report::ClauseResult& ClauseOf(const report::Results& r, std::string_view id) {
  auto it = std::find_if(r.clauses.begin(), r.clauses.end(),
                         [&](const report::ClauseResult& c) { return c.id == id; });
  if (it == r.clauses.end()) throw std::runtime_error("no clause " + std::string(id));
  return *it;
}

// Without a promised run time no delete of the slow job can break DEL-2 (it may have
// finished): DEL-2 is skipped, not passed.
TEST(OwnedJobs, WithoutTheRunTimeBoundDel2IsSkippedNotPassed) {
  MockFixture f(Via::kInProcess, NoControl());
  RunConfig config = OwnedRun(f);
  config.driver.slow_runs_at_least_ms = 0;
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  const report::ClauseResult& del2 = ClauseOf(*results, "DEL-2");
  EXPECT_EQ(del2.status, report::Status::kSkipped);
  EXPECT_EQ(del2.checks, 0);
  EXPECT_NE(del2.reason.find("--slow-job-seconds"), std::string::npos) << del2.reason;
  EXPECT_EQ(results->ExitCode(), 0);
}

// A target whose jobs finish at once, whatever their definition: the slow job's promise is the
// run's premise, not a DeleteJob rule. The run says so once, skips DEL-2, and finds nothing.
TEST(OwnedJobs, ASlowJobThatFinishesAtOnceIsAFailedPremiseNotAFinding) {
  mock::MockConfig mc = NoControl();
  mc.instant_jobs = true;
  MockFixture f(Via::kInProcess, mc);
  RunConfig config = OwnedRun(f);
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  for (const auto& c : results->clauses) {
    EXPECT_NE(c.status, report::Status::kFailed) << c.id << ": " << c.failure->message;
  }
  ASSERT_EQ(results->premises_failed.size(), 1U);
  EXPECT_NE(results->premises_failed[0].find("SUCCEED"), std::string::npos)
      << results->premises_failed[0];
  const report::ClauseResult& del2 = ClauseOf(*results, "DEL-2");
  EXPECT_EQ(del2.status, report::Status::kSkipped);
  EXPECT_NE(del2.reason.find("premise"), std::string::npos) << del2.reason;
  EXPECT_TRUE(results->jobs_left.empty());
}

// The premise is checked, not assumed away: when the slow job's twin is still running, a
// deleted running job is still DEL-2's finding.
TEST(OwnedJobs, ADeleteThatOnlyAFailedPremiseWouldExplainIsCheckedAndStands) {
  MockFixture f(Via::kInProcess, NoControl({mock::Fault::kRunningDeletable}));
  Driver d(f.target(), nullptr, testing::DefaultCredentials(), OwnedConfig(f));
  ASSERT_TRUE(d.Begin().ok());
  auto findings = RunAll(d, {Submit{true}, On(Action::kDeleteJob, 0)});
  ASSERT_EQ(findings.size(), 1u) << Text(findings);
  EXPECT_EQ(findings[0].clause, Clause::kDelJobActive);
  bool twin = std::any_of(d.trace().begin(), d.trace().end(), [](const Recorded& r) {
    return r.step.find("twin") != std::string::npos;
  });
  EXPECT_TRUE(twin) << "the premise was not checked";
}

// properties.def: the owned-jobs property alone reaches every clause it aims at.
TEST(OwnedJobs, ThePropertyReachesTheClausesItAimsAt) {
  MockFixture f(Via::kInProcess, NoControl());
  RunConfig config = OwnedRun(f);
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  for (const report::ClauseResult& c : results->clauses) {
    if (PropertyAimsAt(PropertyKind::kOwnedJobs, c.id)) {
      EXPECT_GT(c.checks, 0) << c.id;
    }
  }
}

}  // namespace
}  // namespace dj::run

namespace dj::run {
namespace {

TEST(Budget, TheRunSendsNoMoreThanItsBudgetAndSaysSo) {
  MockFixture f(Via::kInProcess, NoControl());
  RunConfig config;
  config.seed = 9;
  config.runs = 50;
  config.budget = 40;
  config.driver = OwnedConfig(f);
  config.driver.budget = std::make_shared<std::atomic<std::int64_t>>(config.budget);
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  EXPECT_TRUE(results->budget_spent);
  EXPECT_LE(results->requests, config.budget);
  EXPECT_GE(results->requests, config.budget - 5);  // the short passes and the plan used it
  // The plan ran first: its clauses are judged.
  for (const auto& c : results->clauses) {
    if (c.id == "DEL-1" || c.id == "DEL-2" || c.id == "GONE-3") {
      EXPECT_EQ(c.status, report::Status::kPassed) << c.id;
    }
    if (c.status == report::Status::kSkipped && c.id.starts_with("AUTH-")) {
      EXPECT_NE(c.reason.find("budget"), std::string::npos) << c.id << ": " << c.reason;
    }
    EXPECT_NE(c.status, report::Status::kFailed) << c.id;
  }
  // Leaving nothing behind is not charged to the budget.
  EXPECT_TRUE(results->jobs_left.empty());
}

}  // namespace
}  // namespace dj::run

namespace dj::run {
namespace {

TEST(OwnedJobs, WithoutDefinitionsDel1AndDel2SayWhatTheyNeed) {
  MockFixture f(Via::kInProcess, NoControl());
  RunConfig config;
  config.seed = 2;
  config.runs = 2;
  config.properties = {PropertyKind::kHistories, PropertyKind::kOwnedJobs};
  config.driver = OwnedConfig(f);
  config.driver.job_definition = nullptr;
  config.driver.slow_job_definition = nullptr;
  auto results = RunConformance(config, f.target(), nullptr, testing::DefaultCredentials());
  ASSERT_TRUE(results.ok()) << results.error().message;
  for (const auto& c : results->clauses) {
    if (c.id == "DEL-1" || c.id == "DEL-2") {
      EXPECT_EQ(c.status, report::Status::kSkipped) << c.id;
      EXPECT_NE(c.reason.find("--job-definition"), std::string::npos) << c.id << ": " << c.reason;
    }
    if (c.id == "DEL-3") {
      EXPECT_NE(c.reason.find("needs the conformance control extension"), std::string::npos)
          << c.reason;
    }
  }
}

}  // namespace
}  // namespace dj::run
