// The reference model's decisions (Decide/Apply) for the five actions, and CheckCommon.
#include "models/api_model.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>

#include "models/job_id_gen.h"

namespace dj::model {
namespace {

using nlohmann::json;

constexpr std::string_view kId = "job-aaaaaaaa";
constexpr std::string_view kOther = "job-bbbbbbbb";

Job MakeJob(std::string_view id, State state, std::vector<std::vector<State>> tasks) {
  Job job;
  job.id = std::string(id);
  job.state = state;
  job.zone = "ap-guangzhou-2";
  job.create_time = 1735689599;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    job.tasks.push_back({"t" + std::to_string(i), tasks[i]});
  return job;
}

Store With(std::vector<Job> jobs) {
  Store s;
  for (auto& j : jobs) s.Put(std::move(j));
  return s;
}

Clause DeleteClause(const Store& store, std::string_view id) {
  return Decide(store, DeleteJobRequest(id), {}).clause;
}

TEST(DeleteJob, CompletedJobIsDeletedAndGone) {
  Store store = With({MakeJob(kId, State::kFailed, {{State::kSucceed, State::kFailed}}),
                      MakeJob(kOther, State::kRunning, {})});
  Decision d = Decide(store, DeleteJobRequest(kId), {});
  EXPECT_EQ(d.clause, Clause::kDelCompleted);
  EXPECT_TRUE(d.Succeeds());
  EXPECT_EQ(d.reply, json::object());  // ENV-5: only RequestId is added
  EXPECT_EQ(d.effect, Effect(EraseJob{std::string(kId)}));
  Store before_other = store;
  Apply(store, d.effect);
  EXPECT_EQ(store.Find(kId), nullptr);
  EXPECT_EQ(*store.Find(kOther), *before_other.Find(kOther));  // ISO-2
  EXPECT_EQ(DeleteClause(store, kId), Clause::kGoneDeleteAgain);
  EXPECT_EQ(Decide(store, DescribeJobRequest(kId), {}).clause, Clause::kGoneDescribe);
  EXPECT_EQ(Decide(store, TerminateJobRequest(kId), {}).clause, Clause::kGoneTerminate);
}

TEST(DeleteJob, JobWithoutInstancesIsDeletable) {
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kSucceed, {})}), kId), Clause::kDelCompleted);
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kSucceed, {{}, {}})}), kId),
            Clause::kDelCompleted);
}

TEST(DeleteJob, RefusalsNameTheReason) {
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kRunning, {{State::kSucceed}})}), kId),
            Clause::kDelJobActive);
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kSubmitted, {})}), kId), Clause::kDelJobActive);
  EXPECT_EQ(DeleteClause(
                With({MakeJob(kId, State::kSucceed, {{State::kSucceed, State::kStarting}})}), kId),
            Clause::kDelInstanceActive);
  // FAILED_INTERRUPTED alone in the way: DEL-4, on the job or on an instance.
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kFailedInterrupted, {{State::kSucceed}})}), kId),
            Clause::kDelInterrupted);
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kFailed, {{State::kFailedInterrupted}})}), kId),
            Clause::kDelInterrupted);
  // Something else in the way too: the other clause.
  EXPECT_EQ(DeleteClause(With({MakeJob(kId, State::kFailedInterrupted, {{State::kRunning}})}), kId),
            Clause::kDelJobActive);
  EXPECT_EQ(
      DeleteClause(
          With({MakeJob(kId, State::kFailed, {{State::kFailedInterrupted, State::kPending}})}),
          kId),
      Clause::kDelInstanceActive);
}

TEST(DeleteJob, RefusalHasNoEffectAndAMessage) {
  Store store = With({MakeJob(kId, State::kRunning, {})});
  Decision d = Decide(store, DeleteJobRequest(kId), {});
  EXPECT_FALSE(d.Succeeds());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(d.effect));
  EXPECT_NE(d.detail.find("RUNNING"), std::string::npos);
}

rc::Gen<State> GenState() {
  return rc::gen::elementOf(std::vector<State>(kAllStates.begin(), kAllStates.end()));
}

// DEL-1..4 over every (job state, instance states) combination.
RC_GTEST_PROP(DeleteJobProp, DeletedExactlyWhenJobAndAllInstancesCompleted, ()) {
  State job_state = *GenState();
  auto tasks = *rc::gen::container<std::vector<std::vector<State>>>(
      rc::gen::container<std::vector<State>>(GenState()));
  Store store = With({MakeJob(kId, job_state, tasks)});
  bool completed = IsCompleted(job_state);
  for (const auto& t : tasks) {
    for (State s : t) completed = completed && IsCompleted(s);
  }
  Clause c = DeleteClause(store, kId);
  RC_ASSERT((c == Clause::kDelCompleted) == completed);
  RC_ASSERT(completed || c == Clause::kDelJobActive || c == Clause::kDelInstanceActive ||
            c == Clause::kDelInterrupted);
  if (c == Clause::kDelJobActive) {
    RC_ASSERT(!IsCompleted(job_state));
  }
  if (c == Clause::kDelInstanceActive) {
    RC_ASSERT(IsCompleted(job_state));
  }
}

TEST(JobIdParam, AbsentWrongTypeMalformedUnknown) {
  Store store = With({MakeJob(kId, State::kSucceed, {})});
  for (Action a : {Action::kDeleteJob, Action::kDescribeJob, Action::kTerminateJob}) {
    EXPECT_EQ(Decide(store, {a, json::object()}, {}).clause, Clause::kIdAbsent);
    for (json v : {json(123), json(nullptr), json::array({kId}), json::object({{"JobId", kId}}),
                   json(true)}) {
      EXPECT_EQ(Decide(store, {a, {{"JobId", v}}}, {}).clause, Clause::kIdNotString) << v.dump();
    }
    for (std::string_view bad : {"", "JOB-AAAAAAAA", "job-aaaaaaa", "job-aaaaaaaa "}) {
      EXPECT_EQ(Decide(store, {a, {{"JobId", bad}}}, {}).clause, Clause::kIdMalformed) << bad;
    }
    EXPECT_EQ(Decide(store, {a, {{"JobId", kOther}}}, {}).clause, Clause::kIdUnknown);
  }
}

TEST(Params, NotAnObjectOrUnknownName) {
  Store store;
  EXPECT_EQ(Decide(store, {Action::kDeleteJob, json::array()}, {}).clause, Clause::kBodyNotObject);
  EXPECT_EQ(Decide(store, {Action::kDeleteJob, json("job-aaaaaaaa")}, {}).clause,
            Clause::kBodyNotObject);
  Decision d = Decide(store, {Action::kDeleteJob, {{"JobId", kId}, {"Foo", 1}}}, {});
  EXPECT_EQ(d.clause, Clause::kUnknownParameter);
  EXPECT_NE(d.detail.find("Foo"), std::string::npos);
  // Names are case-sensitive.
  EXPECT_EQ(Decide(store, {Action::kDeleteJob, {{"jobId", kId}}}, {}).clause,
            Clause::kUnknownParameter);
}

TEST(DescribeJob, ReportsTheJobAndInstanceMetrics) {
  Store store = With({MakeJob(kId, State::kRunning,
                              {{State::kRunning, State::kFailedInterrupted}, {State::kSucceed}})});
  Decision d = Decide(store, DescribeJobRequest(kId), {});
  ASSERT_EQ(d.clause, Clause::kObsDescribe);
  EXPECT_EQ(d.reply["JobId"], kId);
  EXPECT_EQ(d.reply["JobState"], "RUNNING");
  EXPECT_EQ(d.reply["CreateTime"], "2024-12-31T23:59:59Z");
  EXPECT_TRUE(d.reply["EndTime"].is_null());
  EXPECT_EQ(d.reply["TaskInstanceMetrics"]["RunningCount"], 1);
  EXPECT_EQ(d.reply["TaskInstanceMetrics"]["FailedInterruptedCount"], 1);
  EXPECT_EQ(d.reply["TaskInstanceMetrics"]["SucceedCount"], 1);
  EXPECT_EQ(d.reply["TaskInstanceMetrics"]["PendingCount"], 0);
  EXPECT_EQ(d.reply["TaskSet"].size(), 2U);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(d.effect));
}

TEST(TerminateJob, SubmittedRefusedOthersFail) {
  Store store = With({MakeJob(kId, State::kSubmitted, {{State::kPending}}),
                      MakeJob(kOther, State::kRunning,
                              {{State::kRunning, State::kSucceed, State::kFailedInterrupted}})});
  EXPECT_EQ(Decide(store, TerminateJobRequest(kId), {}).clause, Clause::kDrvTerminateSubmitted);
  Decision d = Decide(store, TerminateJobRequest(kOther), {});
  ASSERT_EQ(d.clause, Clause::kDrvTerminate);
  Apply(store, d.effect);
  const Job* job = store.Find(kOther);
  EXPECT_EQ(job->state, State::kFailed);
  EXPECT_EQ(job->tasks[0].instances,
            (std::vector<State>{State::kFailed, State::kSucceed, State::kFailed}));
  EXPECT_EQ(DeleteClause(store, kOther), Clause::kDelCompleted);
}

TEST(TerminateJob, SucceedJobKeepsItsState) {
  Store store = With({MakeJob(kId, State::kSucceed, {{State::kSucceed}})});
  Decision d = Decide(store, TerminateJobRequest(kId), {});
  ASSERT_EQ(d.clause, Clause::kDrvTerminate);
  Store before = store;
  Apply(store, d.effect);
  EXPECT_EQ(store, before);
}

// The API documentation: TerminateJob has no effect on a SUCCEED job, unfinished instances
// and all; the job stays as deletable (or not) as it was.
TEST(TerminateJob, SucceedJobWithUnfinishedInstanceChangesNothing) {
  Store store = With({MakeJob(kId, State::kSucceed, {{State::kSucceed, State::kFailedInterrupted}})});
  Decision d = Decide(store, TerminateJobRequest(kId), {});
  ASSERT_EQ(d.clause, Clause::kDrvTerminate);
  Store before = store;
  Apply(store, d.effect);
  EXPECT_EQ(store, before);
  EXPECT_EQ(DeleteClause(store, kId), Clause::kDelInterrupted);
  EXPECT_EQ(TerminatedJobs(*before.Find(kId)).size(), 1U);
}

// A FAILED job with unfinished instances: the documentation is silent, so both effects are
// plausible, the reference mock's first.
TEST(TerminateJob, FailedJobWithUnfinishedInstanceMayGoEitherWay) {
  Job job = MakeJob(kId, State::kFailed, {{State::kRunning, State::kSucceed}});
  std::vector<Job> plausible = TerminatedJobs(job);
  ASSERT_EQ(plausible.size(), 2U);
  EXPECT_EQ(plausible[0].tasks[0].instances, (std::vector<State>{State::kFailed, State::kSucceed}));
  EXPECT_EQ(plausible[1], job);
  EXPECT_EQ(TerminatedJobs(MakeJob(kId, State::kFailed, {{State::kSucceed}})).size(), 1U);
}

ApiRequest List(json params) { return {Action::kDescribeJobs, std::move(params)}; }

TEST(DescribeJobs, ListsInIdOrderWithPaging) {
  Store store = With({MakeJob("job-cccccccc", State::kRunning, {}),
                      MakeJob(kId, State::kSucceed, {}), MakeJob(kOther, State::kFailed, {})});
  Decision d = Decide(store, List(json::object()), {});
  ASSERT_EQ(d.clause, Clause::kDrvList);
  EXPECT_EQ(d.reply["TotalCount"], 3);
  ASSERT_EQ(d.reply["JobSet"].size(), 3U);
  EXPECT_EQ(d.reply["JobSet"][0]["JobId"], kId);
  EXPECT_EQ(d.reply["JobSet"][2]["JobId"], "job-cccccccc");
  EXPECT_EQ(d.reply["JobSet"][0]["Placement"]["Zone"], "ap-guangzhou-2");

  Decision page = Decide(store, List({{"Offset", 1}, {"Limit", 1}}), {});
  EXPECT_EQ(page.reply["TotalCount"], 3);
  ASSERT_EQ(page.reply["JobSet"].size(), 1U);
  EXPECT_EQ(page.reply["JobSet"][0]["JobId"], kOther);
  // Query style sends numbers as strings.
  EXPECT_EQ(Decide(store, List({{"Offset", "2"}, {"Limit", "5"}}), {}).reply["JobSet"].size(), 1U);
}

TEST(DescribeJobs, ByIdsAndByFilters) {
  Store store = With({MakeJob(kId, State::kSucceed, {}), MakeJob(kOther, State::kFailed, {})});
  Decision by_id = Decide(store, List({{"JobIds", {kOther, "job-zzzzzzzz"}}}), {});
  EXPECT_EQ(by_id.reply["TotalCount"], 1);
  EXPECT_EQ(by_id.reply["JobSet"][0]["JobId"], kOther);
  json filters = json::array({{{"Name", "job-state"}, {"Values", {"SUCCEED", "RUNNING"}}}});
  Decision by_state = Decide(store, List({{"Filters", filters}}), {});
  EXPECT_EQ(by_state.reply["TotalCount"], 1);
  EXPECT_EQ(by_state.reply["JobSet"][0]["JobId"], kId);
  json tag = json::array({{{"Name", "tag:owner"}, {"Values", {"me"}}}});
  EXPECT_EQ(Decide(store, List({{"Filters", tag}}), {}).reply["TotalCount"], 0);
}

TEST(DescribeJobs, Refusals) {
  Store store;
  json f = json::array({{{"Name", "job-id"}, {"Values", {kId}}}});
  EXPECT_EQ(Decide(store, List({{"JobIds", {kId}}, {"Filters", f}}), {}).clause,
            Clause::kDrvListCombination);
  EXPECT_EQ(Decide(store,
                   List({{"Filters", json::array({{{"Name", "color"}, {"Values", {"red"}}}})}}), {})
                .clause,
            Clause::kDrvListBadFilter);
  EXPECT_EQ(Decide(store, List({{"Filters", json::array({{{"Name", "job-id"}}})}}), {}).clause,
            Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"JobIds", kId}}), {}).clause, Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"JobIds", {"JOB-1"}}}), {}).clause, Clause::kIdMalformed);
  EXPECT_EQ(Decide(store, List({{"Limit", 0}}), {}).clause, Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"Limit", 101}}), {}).clause, Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"Offset", -1}}), {}).clause, Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"Offset", "1x"}}), {}).clause, Clause::kDrvListBadValue);
  EXPECT_EQ(Decide(store, List({{"Limit", 100}}), {}).clause, Clause::kDrvList);
}

TEST(DescribeJobs, AfterADeletionTheListingIsJudgedUnderGone2) {
  Store store = With({MakeJob(kId, State::kSucceed, {}), MakeJob(kOther, State::kFailed, {})});
  Apply(store, Decide(store, DeleteJobRequest(kId), {}).effect);
  Decision d = Decide(store, List({{"JobIds", {kId, kOther}}}), {});
  EXPECT_EQ(d.clause, Clause::kGoneListed);
  EXPECT_EQ(d.reply["TotalCount"], 1);
  EXPECT_EQ(d.reply["JobSet"][0]["JobId"], kOther);
}

// The listing as it was first written: every job of the store (and of `also`) looked at in id
// order, the matches counted and the page cut from them. DescribeJobs now looks up named ids
// and stops walking at the page's end; it must give the same pages.
json ListByFullScan(const Store& store, const Store::JobMap& also, const json& p) {
  Store::JobMap all = store.jobs();
  for (const auto& [id, job] : also) all.emplace(id, job);
  std::int64_t offset = p.contains("Offset") ? p["Offset"].get<std::int64_t>() : 0;
  std::int64_t limit = p.contains("Limit") ? p["Limit"].get<std::int64_t>() : 20;
  auto any_of = [](const json& values, std::string_view field) {
    return std::any_of(values.begin(), values.end(),
                       [&](const json& v) { return v.get<std::string>() == field; });
  };
  json set = json::array();
  std::int64_t total = 0;
  for (const auto& [id, job] : all) {
    bool match = !p.contains("JobIds") || any_of(p["JobIds"], id);
    for (const json& f : p.value("Filters", json::array())) {
      std::string name = f["Name"].get<std::string>();
      std::string field = name == "job-id"      ? job.id
                          : name == "job-name"  ? job.name
                          : name == "job-state" ? std::string(StateName(job.state))
                          : name == "zone"      ? job.zone
                                                : std::string("\x01no such field");
      match = match && any_of(f["Values"], field);
    }
    if (!match) continue;
    if (total >= offset && total < offset + limit) set.push_back(JobListEntry(job));
    ++total;
  }
  return {{"JobSet", std::move(set)}, {"TotalCount", total}};
}

RC_GTEST_PROP(DescribeJobs, PagesAreThoseOfAFullScan, ()) {
  // Few distinct ids, names and states, so that lists and filters hit, miss and repeat.
  auto id_gen = rc::gen::map(rc::gen::inRange(0, 12), [](int i) {
    return "job-0000000" + std::string(1, "0123456789ab"[i]);
  });
  std::vector<State> states(std::begin(kAllStates), std::end(kAllStates));
  Store store;
  Store::JobMap also;
  for (int i = 0, n = *rc::gen::inRange(0, 10); i < n; ++i) {
    Job job = MakeJob(*id_gen, *rc::gen::elementOf(states), {{State::kSucceed}});
    job.name = *rc::gen::element<std::string>("a", "b");
    if (*rc::gen::inRange(0, 4) == 0) {
      store.Erase(job.id);
      also[job.id] = job;  // deleted, and listed by deleted-still-listed
    } else if (!also.contains(job.id)) {
      store.Put(job);
    }
  }
  if (*rc::gen::arbitrary<bool>()) store.Put(MakeJob("job-zzzzzzzz", State::kRunning, {}));
  json p = json::object();
  auto ids = rc::gen::container<std::vector<std::string>>(id_gen);
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      p["JobIds"] = *ids;
      break;
    case 1: {
      json filters = json::array();
      for (int i = 0, n = *rc::gen::inRange(1, 3); i < n; ++i) {
        std::string name =
            *rc::gen::element<std::string>("job-id", "job-name", "job-state", "zone", "tag-key");
        json values = name == "job-id"      ? json(*ids)
                      : name == "job-name"  ? json({*rc::gen::element<std::string>("a", "b")})
                      : name == "job-state" ? json({StateName(*rc::gen::elementOf(states))})
                                            : json({"ap-guangzhou-2"});
        filters.push_back({{"Name", name}, {"Values", values}});
      }
      p["Filters"] = filters;
      break;
    }
    default:
      break;
  }
  if (*rc::gen::arbitrary<bool>()) p["Offset"] = *rc::gen::inRange(0, 14);
  if (*rc::gen::arbitrary<bool>()) p["Limit"] = *rc::gen::inRange(1, 6);
  Decision d = Decide(store, List(p), {});
  RC_ASSERT(d.Succeeds());
  RC_ASSERT(d.reply == ListByFullScan(store, {}, p));
  Decision with_also = DecideListingAlso(store, also, List(p));
  RC_ASSERT(with_also.Succeeds());
  RC_ASSERT(with_also.reply == ListByFullScan(store, also, p));
}

// Pages far into a store of many blocks of the rank index, after deletions, are a full scan's.
TEST(DescribeJobs, DeepPagesOfALargeStoreAreThoseOfAFullScan) {
  Store store;
  for (int i = 0; i < 3000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "job-%08d", i * 7 % 3000);
    store.Put(MakeJob(id, i % 2 == 0 ? State::kSucceed : State::kRunning, {}));
  }
  for (int i = 0; i < 3000; i += 5) {
    char id[16];
    std::snprintf(id, sizeof id, "job-%08d", i);
    store.Erase(id);
  }
  for (std::int64_t offset : {0, 1, 255, 256, 511, 1000, 2399, 2400, 5000}) {
    json p = {{"Offset", offset}, {"Limit", 100}};
    EXPECT_EQ(Decide(store, List(p), {}).reply, ListByFullScan(store, {}, p)) << offset;
  }
}

TEST(SubmitJob, CreatesASubmittedJobWithPendingInstances) {
  json params =
      json::parse(R"({"Placement":{"Zone":"ap-guangzhou-2"},"Job":{"JobName":"hello","Tasks":[
      {"TaskName":"hello","TaskInstanceNum":2,"Application":{"DeliveryForm":"LOCAL","Command":"echo hello"}},
      {"TaskInstanceNum":"1"}]}})");
  Store store;
  Decision d = Decide(store, {Action::kSubmitJob, params}, {"job-fresh000", 1735689599});
  ASSERT_EQ(d.clause, Clause::kDrvSubmit);
  EXPECT_EQ(d.reply, json({{"JobId", "job-fresh000"}}));
  Apply(store, d.effect);
  const Job* job = store.Find("job-fresh000");
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->state, State::kSubmitted);
  EXPECT_EQ(job->name, "hello");
  EXPECT_EQ(job->zone, "ap-guangzhou-2");
  ASSERT_EQ(job->tasks.size(), 2U);
  EXPECT_EQ(job->tasks[0].instances, (std::vector<State>{State::kPending, State::kPending}));
  EXPECT_EQ(job->tasks[1].name, "Task1");
  EXPECT_EQ(job->create_time, 1735689599);
}

TEST(SubmitJob, Refusals) {
  Store store;
  auto clause = [&](const char* text) {
    return Decide(store, {Action::kSubmitJob, json::parse(text)}, {"job-fresh000", 0}).clause;
  };
  EXPECT_EQ(clause(R"({"Job":{"Tasks":[{}]}})"), Clause::kDrvSubmitMissing);
  EXPECT_EQ(clause(R"({"Placement":{},"Job":{"Tasks":[{}]}})"), Clause::kDrvSubmitMissing);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"}})"), Clause::kDrvSubmitMissing);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"},"Job":{}})"), Clause::kDrvSubmitMissing);
  EXPECT_EQ(clause(R"({"Placement":"z","Job":{"Tasks":[{}]}})"), Clause::kDrvSubmitInvalid);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"},"Job":{"Tasks":[]}})"), Clause::kDrvSubmitInvalid);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"},"Job":{"Tasks":[{"TaskInstanceNum":0}]}})"),
            Clause::kDrvSubmitInvalid);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"},"Job":{"Tasks":[{"TaskName":1}]}})"),
            Clause::kDrvSubmitInvalid);
  EXPECT_EQ(clause(R"({"Placement":{"Zone":"z"},"Job":{"Tasks":[{}]},"Other":1})"),
            Clause::kUnknownParameter);
}

TEST(CheckCommon, OrderAndCodes) {
  auto clause = [](CommonParams p) {
    auto r = CheckCommon(p);
    return r.ok() ? std::optional<Clause>() : std::optional<Clause>(r.error().clause);
  };
  CommonParams ok{"DeleteJob", "2017-03-12", "ap-guangzhou"};
  EXPECT_EQ(CheckCommon(ok).value(), Action::kDeleteJob);
  EXPECT_EQ(clause({std::nullopt, std::nullopt, std::nullopt}), Clause::kActionMissing);
  EXPECT_EQ(clause({"deletejob", "2017-03-12", "ap-guangzhou"}), Clause::kActionUnknown);
  EXPECT_EQ(clause({"DeleteJob", std::nullopt, "ap-guangzhou"}), Clause::kVersionMissing);
  EXPECT_EQ(clause({"DeleteJob", "2019-07-22", "ap-guangzhou"}), Clause::kVersionUnknown);
  EXPECT_EQ(clause({"DeleteJob", "2017-03-12", std::nullopt}), Clause::kRegionMissing);
  EXPECT_EQ(clause({"DeleteJob", "2017-03-12", "mars-north-1"}), Clause::kRegionUnsupported);
  auto missing = CheckCommon({"DeleteJob", "2017-03-12", std::nullopt});
  EXPECT_EQ(missing.error().detail, "The request is missing a required parameter `Region`.");
}

TEST(FormatIsoUtc, Examples) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1735689599), "2024-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoUtc(1518000549), "2018-02-07T10:49:09Z");
}

}  // namespace
}  // namespace dj::model
