// The possible states of a job that moves on its own (targets without control).
#include "models/possible.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "models/gen_util.h"

namespace dj::model {
namespace {

constexpr std::string_view kId = "job-0wned001";

std::vector<Clause> DeleteClauses(const PossibleJob& job) {
  std::vector<Clause> out;
  for (const auto& d : job.Decide(DeleteJobRequest(kId))) out.push_back(d.clause);
  return out;
}

bool Has(const std::vector<Clause>& v, Clause c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

ObservedPhase Seen(State job, Instances instances) { return {{job, instances}, true}; }

TEST(PossibleJob, AFreshJobMayBeAnythingButGoneOnceTimePasses) {
  PossibleJob job(std::string(kId), 1000, 0);
  job.Elapse(1001);
  auto clauses = DeleteClauses(job);
  EXPECT_TRUE(Has(clauses, Clause::kDelCompleted));
  EXPECT_TRUE(Has(clauses, Clause::kDelJobActive));
  EXPECT_FALSE(Has(clauses, Clause::kGoneDeleteAgain));
  EXPECT_FALSE(job.CanBeGone());
}

TEST(PossibleJob, ASlowJobCannotFinishBeforeItsBoundUnlessTerminated) {
  PossibleJob job(std::string(kId), 1000, 60000);
  job.Elapse(60999);
  EXPECT_FALSE(job.MayBeDeletable());
  auto early = DeleteClauses(job);
  EXPECT_FALSE(Has(early, Clause::kDelCompleted));
  EXPECT_FALSE(Has(early, Clause::kDelInstanceActive));  // the job itself cannot have finished
  EXPECT_TRUE(Has(early, Clause::kDelJobActive));
  job.Elapse(61000);
  EXPECT_TRUE(job.MayBeDeletable());

  PossibleJob terminated(std::string(kId), 1000, 60000);
  terminated.Observe(Seen(State::kRunning, Instances::kActive));
  terminated.Terminated();
  terminated.Elapse(2000);
  EXPECT_TRUE(terminated.MayBeDeletable());
}

TEST(PossibleJob, AnObservationNarrowsAndTimeWidensAgain) {
  PossibleJob job(std::string(kId), 0, 0);
  EXPECT_TRUE(job.Observe(Seen(State::kRunning, Instances::kActive)));
  EXPECT_EQ(DeleteClauses(job), std::vector<Clause>{Clause::kDelJobActive});
  job.Elapse(1);
  EXPECT_TRUE(job.MayBeDeletable());
  // Never back to SUBMITTED or PENDING from RUNNING.
  for (const Phase& p : job.Phases()) {
    EXPECT_NE(p.job, State::kSubmitted);
    EXPECT_NE(p.job, State::kPending);
  }
}

TEST(PossibleJob, AFinishedJobThatRunsAgainIsInconsistent) {
  PossibleJob job(std::string(kId), 0, 0);
  ASSERT_TRUE(job.Observe(Seen(State::kSucceed, Instances::kDone)));
  job.Elapse(100000);
  EXPECT_TRUE(job.CertainlyFinished());
  EXPECT_FALSE(job.Observe(Seen(State::kRunning, Instances::kActive)));
  // The set follows what was shown, so that one defect is reported once.
  EXPECT_EQ(job.Phases(), (std::vector<Phase>{{State::kRunning, Instances::kActive}}));
}

TEST(PossibleJob, ASlowJobShownFinishedBeforeItsBoundIsInconsistent) {
  PossibleJob job(std::string(kId), 0, 60000);
  job.Elapse(500);
  EXPECT_FALSE(job.Observe(Seen(State::kFailed, Instances::kDone)));
}

TEST(PossibleJob, AfterADeletionOnlyGoneAnswersFit) {
  PossibleJob job(std::string(kId), 0, 0);
  job.Observe(Seen(State::kSucceed, Instances::kDone));
  auto decisions = job.Decide(DeleteJobRequest(kId));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].clause, Clause::kDelCompleted);
  job.Narrow(decisions[0]);
  job.ObserveGone();
  EXPECT_TRUE(job.CertainlyGone());
  job.Elapse(99999);
  EXPECT_EQ(DeleteClauses(job), std::vector<Clause>{Clause::kGoneDeleteAgain});
  auto describe = job.Decide(DescribeJobRequest(kId));
  ASSERT_EQ(describe.size(), 1u);
  EXPECT_EQ(describe[0].clause, Clause::kGoneDescribe);
}

TEST(PossibleJob, NoAnswerToADeleteLeavesBothPossible) {
  PossibleJob job(std::string(kId), 0, 0);
  job.Observe(Seen(State::kSucceed, Instances::kDone));
  job.MayBeGone();
  auto clauses = DeleteClauses(job);
  EXPECT_TRUE(Has(clauses, Clause::kDelCompleted));
  EXPECT_TRUE(Has(clauses, Clause::kGoneDeleteAgain));
  EXPECT_TRUE(job.ObserveGone());
}

TEST(PossibleJob, NarrowKeepsOnlyTheStatesOfTheFittingDecision) {
  PossibleJob job(std::string(kId), 0, 0);
  job.Elapse(10);
  for (const auto& d : job.Decide(DeleteJobRequest(kId))) {
    if (d.clause != Clause::kDelInterrupted) continue;
    job.Narrow(d);
  }
  EXPECT_EQ(DeleteClauses(job), std::vector<Clause>{Clause::kDelInterrupted});
}

rc::Gen<Job> GenAnyJob() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::elementOf(std::vector<State>(kAllStates.begin(), kAllStates.end())),
                    rc::gen::container<std::vector<std::vector<State>>>(
                        rc::gen::container<std::vector<State>>(rc::gen::elementOf(
                            std::vector<State>(kAllStates.begin(), kAllStates.end()))))),
      [](const std::pair<State, std::vector<std::vector<State>>>& p) {
        Job job;
        job.id = std::string(kId);
        job.state = p.first;
        for (std::size_t i = 0; i < p.second.size(); ++i)
          job.tasks.push_back({"t" + std::to_string(i), p.second[i]});
        return job;
      });
}

RC_GTEST_PROP(PossibleJob, TheShownPhaseDecidesDeleteJobAsTheJobItself, ()) {
  Job job = *GenAnyJob();
  auto seen = PhaseFromDescribe(DescribeJobReply(job));
  RC_ASSERT(seen.has_value());
  RC_ASSERT(seen->instances_known);
  Store real, shown;
  real.Put(job);
  shown.Put(RepresentativeJob(job.id, seen->phase));
  RC_ASSERT(Decide(real, DeleteJobRequest(kId), {}).clause ==
            Decide(shown, DeleteJobRequest(kId), {}).clause);
}

RC_GTEST_PROP(PossibleJob, MovesAreTransitiveAndFinishedJobsStayFinished, ()) {
  auto phase = rc::gen::build<Phase>(
      rc::gen::set(&Phase::job,
                   rc::gen::elementOf(std::vector<State>(kAllStates.begin(), kAllStates.end()))),
      rc::gen::set(&Phase::instances, rc::gen::element(Instances::kNone, Instances::kActive,
                                                       Instances::kInterrupted, Instances::kDone)));
  Phase a = *phase, b = *phase, c = *phase;
  if (MayMove(a, b) && MayMove(b, c)) RC_ASSERT(MayMove(a, c));
  if (IsCompleted(a.job) && MayMove(a, b)) RC_ASSERT(IsCompleted(b.job));
}

}  // namespace
}  // namespace dj::model
