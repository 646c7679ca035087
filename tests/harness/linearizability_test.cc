// The linearizability checker on hand-written histories: a register for the search itself,
// then DeleteJob histories against the reference model (CONC-1, CONC-2).
#include "harness/check/linearizability.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>

#include "harness/check/job_history.h"
#include "models/api_model.h"
#include "models/gen_util.h"

namespace dj::check {
namespace {

using model::ErrorCode;
using model::State;

// A register holding 0..9: write(v) leaves v; read observes v. State = the value.
struct RegOp {
  bool write;
  int value;
  std::int64_t invoked;
  std::int64_t completed;
};

// With `reads_first`, reads are marked read-only (linearized as soon as they are legal).
Linearization CheckRegister(const std::vector<RegOp>& ops, bool reads_first = true) {
  std::vector<TimedOp> timed;
  std::vector<bool> read_only;
  for (const RegOp& op : ops) {
    timed.push_back({op.invoked, op.completed});
    read_only.push_back(!op.write);
  }
  return CheckLinearizable(
      timed, 0,
      [&](int state, std::size_t i, std::vector<int>& next) {
        const RegOp& op = ops[i];
        if (op.write) {
          next.push_back(op.value);
          if (op.completed == kNoAnswer) next.push_back(state);  // it may never have happened
        } else if (op.value == state) {
          next.push_back(state);
        }
      },
      reads_first ? &read_only : nullptr);
}

TEST(Linearizability, EmptyAndSequentialHistories) {
  EXPECT_TRUE(CheckRegister({}).linearizable);
  EXPECT_TRUE(CheckRegister({{true, 1, 0, 10}, {false, 1, 20, 30}}).linearizable);
  EXPECT_FALSE(CheckRegister({{true, 1, 0, 10}, {false, 0, 20, 30}}).linearizable);
}

TEST(Linearizability, OverlapAllowsEitherOrder) {
  // The read overlaps the write: it may see the old value or the new one.
  EXPECT_TRUE(CheckRegister({{true, 1, 0, 10}, {false, 0, 5, 15}}).linearizable);
  EXPECT_TRUE(CheckRegister({{true, 1, 0, 10}, {false, 1, 5, 15}}).linearizable);
  // Touching intervals count as overlapping.
  EXPECT_TRUE(CheckRegister({{true, 1, 0, 10}, {false, 0, 10, 15}}).linearizable);
}

TEST(Linearizability, ANewValueCannotBeUnseen) {
  // Two reads after the write completed, the first sees 1, the second 0: no order explains it.
  Linearization l = CheckRegister({{true, 1, 0, 100}, {false, 1, 10, 20}, {false, 0, 30, 40}});
  EXPECT_FALSE(l.linearizable);
  EXPECT_FALSE(l.gave_up);
}

TEST(Linearizability, AWitnessOrderIsReturned) {
  Linearization l = CheckRegister({{true, 2, 0, 50}, {true, 3, 10, 60}, {false, 2, 70, 80}});
  ASSERT_TRUE(l.linearizable);
  EXPECT_EQ(l.order, (std::vector<std::size_t>{1, 0, 2}));  // write 3, then write 2, read 2
  EXPECT_EQ(l.final_state, 2);
}

TEST(Linearizability, UnansweredOperationsMayOrMayNotHaveHappened) {
  EXPECT_TRUE(CheckRegister({{true, 1, 0, kNoAnswer}, {false, 1, 50, 60}}).linearizable);
  EXPECT_TRUE(CheckRegister({{true, 1, 0, kNoAnswer}, {false, 0, 50, 60}}).linearizable);
  EXPECT_FALSE(CheckRegister({{true, 1, 0, kNoAnswer}, {false, 2, 50, 60}}).linearizable);
}

TEST(Linearizability, GivesUpAtTheLimit) {
  std::vector<TimedOp> ops(20, TimedOp{0, 100});
  Linearization l = CheckLinearizable(
      ops, 0, [](int s, std::size_t, std::vector<int>& next) { next.push_back(s + 1); }, nullptr,
      5);
  EXPECT_TRUE(l.gave_up);
  EXPECT_FALSE(l.linearizable);
}

// Histories of many writers and readers on one register, made by running every operation at a
// random point inside its interval: linearizable by construction, whatever the overlap.
RC_GTEST_PROP(Linearizability, HistoriesWithLinearizationPointsAreAccepted, ()) {
  int threads = *model::UniformInRange(1, 9);
  int per_thread = *model::UniformInRange(1, 30);
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint32_t>());
  struct Pending {
    RegOp op;
    std::int64_t point;
  };
  std::vector<Pending> all;
  for (int t = 0; t < threads; ++t) {
    std::int64_t clock = static_cast<std::int64_t>(rng() % 10);
    for (int i = 0; i < per_thread; ++i) {
      std::int64_t start = clock + static_cast<std::int64_t>(rng() % 5);
      std::int64_t end = start + 1 + static_cast<std::int64_t>(rng() % 20);
      std::int64_t point =
          start + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(end - start + 1));
      all.push_back({{rng() % 2 == 0, static_cast<int>(rng() % 4), start, end}, point});
      clock = end + 1;
    }
  }
  std::vector<std::size_t> by_point(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) by_point[i] = i;
  std::stable_sort(by_point.begin(), by_point.end(),
                   [&](std::size_t a, std::size_t b) { return all[a].point < all[b].point; });
  int value = 0;
  for (std::size_t i : by_point) {
    if (all[i].op.write) {
      value = all[i].op.value;
    } else {
      all[i].op.value = value;
    }
  }
  std::vector<RegOp> ops;
  for (const Pending& p : all) ops.push_back(p.op);
  Linearization l = CheckRegister(ops);
  RC_ASSERT(l.linearizable);
  RC_ASSERT(l.order.size() == ops.size());
}

// Reading early never changes the verdict: the plain search and the one that linearizes reads
// as soon as they are legal agree on any history, linearizable or not.
RC_GTEST_PROP(Linearizability, LinearizingReadsEarlyGivesTheSameVerdict, ()) {
  int n = *model::UniformInRange(1, 14);
  std::vector<RegOp> ops;
  for (int i = 0; i < n; ++i) {
    std::int64_t start = *model::UniformInRange<std::int64_t>(0, 30);
    std::int64_t length = *model::UniformInRange<std::int64_t>(0, 15);
    bool unanswered = *model::UniformInRange(0, 10) == 0;
    ops.push_back({*rc::gen::arbitrary<bool>(), *model::UniformInRange(0, 3), start,
                   unanswered ? kNoAnswer : start + length});
  }
  Linearization fast = CheckRegister(ops, true);
  Linearization plain = CheckRegister(ops, false);
  RC_TAG(plain.linearizable ? "linearizable" : "not linearizable");
  RC_ASSERT(fast.linearizable == plain.linearizable);
  RC_ASSERT(fast.explored <= plain.explored);
}

// ---- one job's histories against the reference model ----

model::Job MakeJob(State state, std::vector<State> instances = {}) {
  model::Job job;
  job.id = "job-aaaaaaaa";
  job.state = state;
  if (!instances.empty()) job.tasks.push_back({"t0", std::move(instances)});
  return job;
}

JobOp Delete(std::int64_t from, std::int64_t to, std::optional<model::Outcome> got,
             int thread = 0) {
  JobOp op;
  op.kind = JobOpKind::kDelete;
  op.invoked = from;
  op.completed = got ? to : kNoAnswer;
  op.outcome = got;
  op.thread = thread;
  op.label = "DeleteJob job-aaaaaaaa -> " + (got ? model::ToString(*got) : "no answer");
  return op;
}

JobOp Describe(std::int64_t from, std::int64_t to, const std::optional<model::Job>& seen,
               int thread = 0) {
  JobOp op;
  op.kind = JobOpKind::kDescribe;
  op.invoked = from;
  op.completed = to;
  op.outcome = seen ? model::Ok() : model::Err(ErrorCode::kResourceNotFoundJob);
  if (seen) op.response = model::DescribeJobReply(*seen);
  op.thread = thread;
  op.label = "DescribeJob job-aaaaaaaa";
  return op;
}

JobOp Terminate(std::int64_t from, std::int64_t to, model::Outcome got, int thread = 0) {
  JobOp op;
  op.kind = JobOpKind::kTerminate;
  op.invoked = from;
  op.completed = to;
  op.outcome = got;
  op.thread = thread;
  op.label = "TerminateJob job-aaaaaaaa";
  return op;
}

JobOp List(std::int64_t from, std::int64_t to, std::optional<std::string> state) {
  JobOp op;
  op.kind = JobOpKind::kList;
  op.invoked = from;
  op.completed = to;
  op.outcome = model::Ok();
  op.listed_state = std::move(state);
  op.label = "DescribeJobs";
  return op;
}

const model::Outcome kOk = model::Ok();
const model::Outcome kNotFound = model::Err(ErrorCode::kResourceNotFoundJob);
const model::Outcome kInUse = model::Err(ErrorCode::kUnsupportedOperation);

JobVerdict Check(const std::optional<model::Job>& initial, const std::vector<JobOp>& ops,
                 model::Profile profile = model::Profile::kStrict) {
  return CheckJobHistory("job-aaaaaaaa", initial, ops, profile);
}

TEST(JobHistory, ConcurrentDeletesOneWinsTheOthersFindNothing) {
  auto job = MakeJob(State::kSucceed, {State::kSucceed});
  JobVerdict v = Check(
      job, {Delete(0, 100, kOk, 0), Delete(10, 90, kNotFound, 1), Delete(20, 80, kNotFound, 2)});
  EXPECT_TRUE(v.linearizable);
  EXPECT_FALSE(v.final.has_value());  // deleted
}

TEST(JobHistory, TwoConcurrentDeletesBothSucceedingIsConc1) {
  auto job = MakeJob(State::kSucceed);
  std::vector<JobOp> ops = {Describe(0, 5, job), Delete(10, 100, kOk, 0), Delete(20, 90, kOk, 1),
                            Describe(200, 210, std::nullopt)};
  JobVerdict v = Check(job, ops);
  EXPECT_FALSE(v.linearizable);
  EXPECT_EQ(v.minimal, (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(OnlyDeletes(ops, v.minimal));
}

TEST(JobHistory, AJobSeenAfterItsDeletionAnsweredIsNotLinearizable) {
  auto job = MakeJob(State::kFailed);
  std::vector<JobOp> ops = {Delete(0, 10, kOk), Describe(20, 30, job)};
  JobVerdict v = Check(job, ops);
  EXPECT_FALSE(v.linearizable);
  EXPECT_EQ(v.minimal.size(), 2U);
  EXPECT_FALSE(OnlyDeletes(ops, v.minimal));
  // Overlapping, the describe may come first.
  EXPECT_TRUE(Check(job, {Delete(0, 30, kOk), Describe(20, 40, job)}).linearizable);
}

TEST(JobHistory, ADeleteOfARunningJobNeedsTheTerminateBeforeIt) {
  auto job = MakeJob(State::kRunning, {State::kRunning});
  // The terminate overlaps the delete: it may have come first.
  EXPECT_TRUE(Check(job, {Terminate(0, 50, kOk, 0), Delete(40, 60, kOk, 1)}).linearizable);
  // The delete answered before the terminate was sent: the job was still RUNNING.
  EXPECT_FALSE(Check(job, {Delete(0, 10, kOk, 1), Terminate(20, 50, kOk, 0)}).linearizable);
  // Refused first, then terminated: both fine in that order.
  JobVerdict v = Check(job, {Delete(0, 10, kInUse, 1), Terminate(20, 50, kOk, 0)});
  ASSERT_TRUE(v.linearizable);
  ASSERT_TRUE(v.final.has_value());
  EXPECT_EQ(v.final->state, State::kFailed);
  EXPECT_EQ(v.final->tasks[0].instances[0], State::kFailed);
}

TEST(JobHistory, AnUnansweredDeleteMayHaveTakenEffectOrNot) {
  auto job = MakeJob(State::kSucceed);
  EXPECT_TRUE(
      Check(job, {Delete(0, 0, std::nullopt), Describe(50, 60, std::nullopt)}).linearizable);
  EXPECT_TRUE(Check(job, {Delete(0, 0, std::nullopt), Describe(50, 60, job)}).linearizable);
  // But not both ways at once.
  EXPECT_FALSE(Check(job, {Delete(0, 0, std::nullopt), Describe(50, 60, std::nullopt),
                           Describe(70, 80, job)})
                   .linearizable);
}

TEST(JobHistory, ListingsSeeTheJobExactlyWhileItExists) {
  auto job = MakeJob(State::kSucceed);
  EXPECT_TRUE(Check(job, {List(0, 5, "SUCCEED"), Delete(10, 20, kOk), List(30, 40, std::nullopt)})
                  .linearizable);
  EXPECT_FALSE(Check(job, {Delete(10, 20, kOk), List(30, 40, "SUCCEED")}).linearizable);
  EXPECT_FALSE(Check(job, {List(0, 5, "RUNNING")}).linearizable);
}

TEST(JobHistory, TheProfileDecidesWhichRefusalsAreAllowed) {
  auto job = MakeJob(State::kRunning);
  std::vector<JobOp> ops = {Delete(0, 10, model::Err(ErrorCode::kResourceInUseJob))};
  EXPECT_FALSE(Check(job, ops, model::Profile::kStrict).linearizable);
  EXPECT_TRUE(Check(job, ops, model::Profile::kLenient).linearizable);
}

TEST(JobHistory, ANeverExistingJobIsNotFoundWhateverTheOrder) {
  EXPECT_TRUE(Check(std::nullopt, {Delete(0, 10, kNotFound), Describe(5, 15, std::nullopt),
                                   Terminate(0, 20, kNotFound)})
                  .linearizable);
  EXPECT_FALSE(Check(std::nullopt, {Terminate(0, 20, kOk)}).linearizable);
}

TEST(JobHistory, TheUnexplainedCallsAreTheCauseNotTheSymptoms) {
  // A RUNNING job deleted, then found gone by a terminate and a describe: the delete is what
  // no state explains; the later answers only follow from it.
  auto job = MakeJob(State::kRunning);
  std::vector<JobOp> ops = {Delete(0, 10, kOk), Terminate(20, 30, kNotFound),
                            Describe(40, 50, std::nullopt)};
  JobVerdict v = Check(job, ops);
  ASSERT_FALSE(v.linearizable);
  EXPECT_EQ(v.minimal, (std::vector<std::size_t>{0}));
  auto breach = SequentialClause("job-aaaaaaaa", job, ops, v.minimal, model::Profile::kStrict);
  ASSERT_TRUE(breach.has_value());
  EXPECT_EQ(breach->clause, model::Clause::kDelJobActive);
  EXPECT_EQ(breach->op, 0U);
}

TEST(JobHistory, CallsInSequenceAreJudgedUnderTheLastOnesClause) {
  auto job = MakeJob(State::kSucceed);
  // Deleted, then still listed: GONE-2, not a concurrency defect.
  std::vector<JobOp> listed = {Delete(0, 10, kOk), List(20, 30, "SUCCEED")};
  auto breach = SequentialClause("job-aaaaaaaa", job, listed, {0, 1}, model::Profile::kStrict);
  ASSERT_TRUE(breach.has_value());
  EXPECT_EQ(breach->clause, model::Clause::kGoneListed);
  EXPECT_EQ(breach->op, 1U);
  // Deleted twice in sequence: GONE-3; and not CONC-1, since they do not overlap.
  std::vector<JobOp> twice = {Delete(0, 10, kOk), Delete(20, 30, kOk)};
  breach = SequentialClause("job-aaaaaaaa", job, twice, {0, 1}, model::Profile::kStrict);
  ASSERT_TRUE(breach.has_value());
  EXPECT_EQ(breach->clause, model::Clause::kGoneDeleteAgain);
  EXPECT_FALSE(OnlyDeletes(twice, {0, 1}));
  // Overlapping: a concurrency defect, CONC-1's.
  std::vector<JobOp> together = {Delete(0, 10, kOk), Delete(5, 30, kOk)};
  EXPECT_FALSE(
      SequentialClause("job-aaaaaaaa", job, together, {0, 1}, model::Profile::kStrict).has_value());
  EXPECT_TRUE(OnlyDeletes(together, {0, 1}));
}

TEST(JobHistory, TheTimelineDrawsTheMinimalCallsOnOneScale) {
  auto job = MakeJob(State::kSucceed);
  std::vector<JobOp> ops = {Delete(1'000'000, 3'000'000, kOk, 0),
                            Delete(2'000'000, 4'000'000, kOk, 3)};
  std::string t = Timeline(ops, {0, 1}, 21);
  EXPECT_EQ(
      t,
      "  thread 1  |------------|         DeleteJob job-aaaaaaaa -> success  (1.00-3.00 ms)\n"
      "  thread 4        |-------------|  DeleteJob job-aaaaaaaa -> success  (2.00-4.00 ms)\n");
}

}  // namespace
}  // namespace dj::check
