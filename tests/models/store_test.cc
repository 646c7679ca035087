// The Store, job predicates, and the control-extension job description.
#include "models/store.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "models/job_id_gen.h"

namespace dj::model {
namespace {

using nlohmann::json;

Job MakeJob(std::string id, State state, std::vector<std::vector<State>> tasks) {
  Job job;
  job.id = std::move(id);
  job.state = state;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    job.tasks.push_back({"t" + std::to_string(i), tasks[i]});
  return job;
}

TEST(Store, PutFindEraseRemembersDeletion) {
  Store store;
  store.Put(MakeJob("job-aaaaaaaa", State::kSucceed, {}));
  ASSERT_NE(store.Find("job-aaaaaaaa"), nullptr);
  EXPECT_FALSE(store.WasDeleted("job-aaaaaaaa"));
  EXPECT_FALSE(store.AnyDeleted());
  EXPECT_TRUE(store.Erase("job-aaaaaaaa"));
  EXPECT_EQ(store.Find("job-aaaaaaaa"), nullptr);
  EXPECT_TRUE(store.WasDeleted("job-aaaaaaaa"));
  EXPECT_FALSE(store.Erase("job-aaaaaaaa"));
  // Re-creating the id (control extension) makes it live again.
  store.Put(MakeJob("job-aaaaaaaa", State::kRunning, {}));
  EXPECT_FALSE(store.WasDeleted("job-aaaaaaaa"));
  EXPECT_EQ(store.Find("job-aaaaaaaa")->state, State::kRunning);
  store.Clear();
  EXPECT_EQ(store.size(), 0U);
  EXPECT_FALSE(store.AnyDeleted());
}

TEST(Store, PutReplacesAJobWithTheSameId) {
  Store store;
  store.Put(MakeJob("job-aaaaaaaa", State::kRunning, {{State::kRunning}}));
  store.Put(MakeJob("job-aaaaaaaa", State::kFailed, {}));
  EXPECT_EQ(store.size(), 1U);
  EXPECT_EQ(store.Find("job-aaaaaaaa")->state, State::kFailed);
}

// Many inserts and erases (blocks split and empty) against a sorted set: every rank agrees.
RC_GTEST_PROP(RankIndex, AgreesWithASortedSet, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const int ops = *rc::gen::inRange(0, 4000);
  const int keys = *rc::gen::inRange(1, 3000);
  std::mt19937 rng(seed);
  RankIndex index;
  std::set<std::string> expected;
  for (int i = 0; i < ops; ++i) {
    std::string key = "job-" + std::to_string(rng() % static_cast<unsigned>(keys));
    if (expected.contains(key)) {
      if (rng() % 3 == 0) {
        index.Erase(key);
        expected.erase(key);
      }
    } else {
      index.Insert(key);
      expected.insert(key);
    }
  }
  RC_ASSERT(index.size() == expected.size());
  std::size_t rank = 0;
  for (const std::string& key : expected)
    RC_ASSERT(index.At(rank++) == std::optional<std::string_view>(key));
  RC_ASSERT(!index.At(expected.size()).has_value());
}

TEST(Store, FromRankFollowsPutsAndErases) {
  Store store;
  for (int i = 0; i < 1000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "job-%08d", i);
    store.Put(MakeJob(id, State::kSucceed, {}));
  }
  store.Put(MakeJob("job-00000500", State::kRunning, {}));  // a replacement adds no key
  EXPECT_TRUE(store.Erase("job-00000000"));
  ASSERT_NE(store.FromRank(0), store.jobs().end());
  EXPECT_EQ(store.FromRank(0)->first, "job-00000001");
  EXPECT_EQ(store.FromRank(499)->first, "job-00000500");
  EXPECT_EQ(store.FromRank(998)->first, "job-00000999");
  EXPECT_EQ(store.FromRank(999), store.jobs().end());
  Store copy = store;
  EXPECT_EQ(copy, store);
  EXPECT_EQ(copy.FromRank(10)->first, "job-00000011");
  store.Clear();
  EXPECT_EQ(store.FromRank(0), store.jobs().end());
}

TEST(Deletable, JobAndEveryInstanceMustBeSucceedOrFailed) {
  EXPECT_TRUE(IsDeletable(MakeJob("j", State::kSucceed, {})));
  EXPECT_TRUE(IsDeletable(MakeJob("j", State::kFailed, {{State::kSucceed, State::kFailed}, {}})));
  EXPECT_FALSE(IsDeletable(MakeJob("j", State::kRunning, {})));
  EXPECT_FALSE(IsDeletable(MakeJob("j", State::kSucceed, {{State::kSucceed}, {State::kPending}})));
  EXPECT_FALSE(IsDeletable(MakeJob("j", State::kFailedInterrupted, {})));
  EXPECT_FALSE(IsDeletable(MakeJob("j", State::kFailed, {{State::kFailedInterrupted}})));
  EXPECT_TRUE(IsDeletableIfInterruptedCompleted(
      MakeJob("j", State::kFailedInterrupted, {{State::kFailedInterrupted}})));
  EXPECT_FALSE(IsDeletableIfInterruptedCompleted(
      MakeJob("j", State::kFailedInterrupted, {{State::kRunning}})));
}

TEST(Deletable, InstanceCounts) {
  auto counts = InstanceCounts(
      MakeJob("j", State::kRunning, {{State::kRunning, State::kRunning}, {State::kFailed}}));
  EXPECT_EQ(counts[static_cast<std::size_t>(State::kRunning)], 2);
  EXPECT_EQ(counts[static_cast<std::size_t>(State::kFailed)], 1);
  EXPECT_EQ(counts[static_cast<std::size_t>(State::kSucceed)], 0);
}

TEST(Deletable, WorstInstanceStateOrdersByDistanceFromCompletion) {
  EXPECT_EQ(WorstInstanceState(MakeJob("j", State::kSucceed, {})), std::nullopt);
  EXPECT_EQ(WorstInstanceState(MakeJob("j", State::kSucceed, {{State::kSucceed, State::kFailed}})),
            State::kFailed);
  EXPECT_EQ(
      WorstInstanceState(MakeJob("j", State::kRunning,
                                 {{State::kFailed}, {State::kFailedInterrupted, State::kSucceed}})),
      State::kFailedInterrupted);
  EXPECT_EQ(WorstInstanceState(MakeJob("j", State::kRunning,
                                       {{State::kRunning}, {State::kPending, State::kStarting}})),
            State::kPending);
  EXPECT_EQ(WorstInstanceState(MakeJob("j", State::kRunning, {{State::kSubmitted}})),
            State::kSubmitted);
}

// The job is deletable exactly when its own state and its worst instance are completed.
RC_GTEST_PROP(Deletable, WorstInstanceDecidesWithTheJobState, ()) {
  Job job;
  job.state = *rc::gen::elementOf(kAllStates);
  job.tasks = *rc::gen::container<std::vector<Task>>(
      rc::gen::map(rc::gen::container<std::vector<State>>(rc::gen::elementOf(kAllStates)),
                   [](std::vector<State> v) {
                     return Task{"t", std::move(v)};
                   }));
  auto worst = WorstInstanceState(job);
  RC_ASSERT(IsDeletable(job) == (IsCompleted(job.state) && (!worst || IsCompleted(*worst))));
}

TEST(ControlJson, ParsesTheContractExample) {
  json body =
      json::parse(R"({"JobId": "job-ab12cd34", "JobName": "conformance", "JobState": "SUCCEED",
                              "Tasks": [{"TaskName": "t0", "InstanceStates": ["SUCCEED", "RUNNING"]}]})");
  auto job = JobFromControlJson(body, "job-unused00");
  ASSERT_TRUE(job.ok()) << job.error();
  EXPECT_EQ(job->id, "job-ab12cd34");
  EXPECT_EQ(job->name, "conformance");
  EXPECT_EQ(job->state, State::kSucceed);
  ASSERT_EQ(job->tasks.size(), 1U);
  EXPECT_EQ(job->tasks[0].instances, (std::vector<State>{State::kSucceed, State::kRunning}));
}

TEST(ControlJson, AbsentIdTakesTheGivenOne) {
  auto job =
      JobFromControlJson(json::parse(R"({"JobState": "RUNNING", "Tasks": []})"), "job-fresh000");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->id, "job-fresh000");
  EXPECT_TRUE(job->tasks.empty());
}

TEST(ControlJson, RefusesMalformedDescriptions) {
  for (const char* text : {
           R"([])",
           R"({"Tasks": []})",
           R"({"JobState": "succeed", "Tasks": []})",
           R"({"JobState": "DONE", "Tasks": []})",
           R"({"JobState": 5, "Tasks": []})",
           R"({"JobState": "SUCCEED"})",
           R"({"JobState": "SUCCEED", "Tasks": {}})",
           R"({"JobState": "SUCCEED", "Tasks": [{"InstanceStates": []}]})",
           R"({"JobState": "SUCCEED", "Tasks": [{"TaskName": "t", "InstanceStates": "RUNNING"}]})",
           R"({"JobState": "SUCCEED", "Tasks": [{"TaskName": "t", "InstanceStates": ["RUNING"]}]})",
           R"({"JobState": "SUCCEED", "Tasks": [{"TaskName": "t", "InstanceStates": [], "X": 1}]})",
           R"({"JobState": "SUCCEED", "Tasks": [], "Zone": "x"})",
           R"({"JobId": "JOB-AB12CD34", "JobState": "SUCCEED", "Tasks": []})",
           R"({"JobId": 7, "JobState": "SUCCEED", "Tasks": []})",
           R"({"JobName": [], "JobState": "SUCCEED", "Tasks": []})",
       }) {
    auto job = JobFromControlJson(json::parse(text), "job-fresh000");
    EXPECT_FALSE(job.ok()) << text;
    if (!job.ok()) {
      EXPECT_FALSE(job.error().empty());
    }
  }
}

rc::Gen<State> GenState() {
  return rc::gen::elementOf(std::vector<State>(kAllStates.begin(), kAllStates.end()));
}

rc::Gen<Job> GenJob() {
  return rc::gen::build<Job>(
      rc::gen::set(&Job::id, GenWellFormedJobId()),
      rc::gen::set(&Job::name, rc::gen::container<std::string>(
                                   rc::gen::inRange('a', static_cast<char>('z' + 1)))),
      rc::gen::set(&Job::state, GenState()),
      rc::gen::set(&Job::tasks,
                   rc::gen::container<std::vector<Task>>(rc::gen::build<Task>(
                       rc::gen::set(&Task::name, rc::gen::just(std::string("t"))),
                       rc::gen::set(&Task::instances,
                                    rc::gen::container<std::vector<State>>(GenState()))))));
}

RC_GTEST_PROP(ControlJsonProp, RoundTrips, ()) {
  Job job = *GenJob();
  auto back = JobFromControlJson(ToControlJson(job), "job-unused00");
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == job);
}

}  // namespace
}  // namespace dj::model
