// The mock's modes for harnesses without the control extension: foreign jobs that must be
// left alone, jobs that move on their own by the (injected) steady clock, and the audit log of
// every request that tries to change a job.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/mock/audit.h"
#include "harness/mock/progress.h"
#include "models/job_id.h"
#include "tests/harness/mock_fixture.h"
#include "tests/testing/temp_dir.h"

namespace dj::mock {
// Readable failure messages for audit entries.
void PrintTo(const AuditEntry& e, std::ostream* out) { *out << AuditJsonLine(e); }
}  // namespace dj::mock

namespace dj::testing {
namespace {

using model::Action;
using model::State;
using nlohmann::json;

constexpr std::int64_t kStep = 100;  // autoprogress_ms of these tests

mock::MockConfig ModesConfig(int foreign = 0, std::int64_t autoprogress_ms = kStep) {
  mock::MockConfig c = ControlConfig();
  c.foreign_jobs = foreign;
  c.autoprogress_ms = autoprogress_ms;
  return c;
}

// A SubmitJob request with one task per command, each of `instances` instances.
model::ApiRequest Submit(const std::vector<std::string>& commands, int instances = 1) {
  json tasks = json::array();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    tasks.push_back({{"TaskName", "t" + std::to_string(i)},
                     {"TaskInstanceNum", instances},
                     {"Application", {{"DeliveryForm", "LOCAL"}, {"Command", commands[i]}}}});
  }
  return {Action::kSubmitJob,
          {{"Placement", {{"Zone", "ap-guangzhou-2"}}},
           {"Job", {{"JobName", "mine"}, {"Tasks", std::move(tasks)}}}}};
}

// Submit at the fixture's current steady clock; the new JobId.
std::string SubmitNow(MockFixture& f, const std::vector<std::string>& commands = {"echo hi"},
                      int instances = 1) {
  client::Exchange x = f.Send(Submit(commands, instances));
  EXPECT_EQ(OutcomeText(x), "success");
  auto id = x.answer.response.find("JobId");
  return id != x.answer.response.end() && id->is_string() ? id->get<std::string>() : "";
}

// "JOB: task0 instances | task1 instances ..." from the store, e.g. "RUNNING: RUNNING RUNNING".
std::string StatesOf(MockFixture& f, const std::string& id) {
  model::Store store = f.service().SnapshotStore();
  const model::Job* job = store.Find(id);
  if (job == nullptr) return "gone";
  std::string out(model::StateName(job->state));
  out += ":";
  for (std::size_t t = 0; t < job->tasks.size(); ++t) {
    if (t > 0) out += " |";
    for (State s : job->tasks[t].instances) out += " " + std::string(model::StateName(s));
  }
  return out;
}

std::string Name(State s) { return std::string(model::StateName(s)); }

json DescribeJob(MockFixture& f, const std::string& id) {
  client::Exchange x = f.Send(model::DescribeJobRequest(id));
  EXPECT_EQ(OutcomeText(x), "success") << id;
  return x.answer.response;
}

// ----- foreign jobs -----

class ForeignJobsTest : public ::testing::TestWithParam<Via> {};

TEST_P(ForeignJobsTest, ExistAreListedAndStayPut) {
  mock::MockConfig config = ModesConfig(30, /*autoprogress_ms=*/10);
  MockFixture f(GetParam(), config);
  std::vector<std::string> ids = f.service().ForeignJobIds();
  ASSERT_EQ(ids.size(), 30U);
  model::Store before = f.service().SnapshotStore();
  ASSERT_EQ(before.size(), 30U);

  std::set<std::string> names;
  std::set<State> job_states;
  int deletable = 0;
  bool unfinished_instance_of_finished_job = false;
  for (const std::string& id : ids) {
    EXPECT_TRUE(model::IsWellFormedJobId(id)) << id;
    const model::Job* job = before.Find(id);
    ASSERT_NE(job, nullptr) << id;
    names.insert(job->name);
    job_states.insert(job->state);
    EXPECT_EQ(job->zone, config.zone);
    EXPECT_LT(job->create_time, kVectorTime);
    EXPECT_GE(job->tasks.size(), 1U);
    EXPECT_LE(job->tasks.size(), 3U);
    for (const model::Task& t : job->tasks) {
      EXPECT_GE(t.instances.size(), 1U);
      EXPECT_LE(t.instances.size(), 3U);
    }
    if (model::IsDeletable(*job)) ++deletable;
    if (model::IsCompleted(job->state) && !model::IsDeletable(*job)) {
      unfinished_instance_of_finished_job = true;
    }
  }
  EXPECT_EQ(names.size(), 30U);
  EXPECT_TRUE(names.contains("foreign-0"));
  EXPECT_TRUE(names.contains("foreign-29"));
  EXPECT_EQ(job_states.size(), model::kStateCount) << "every job state appears";
  EXPECT_GE(deletable * 3, 30);
  EXPECT_TRUE(unfinished_instance_of_finished_job);

  // DescribeJobs lists them, DescribeJob describes them.
  client::Exchange list = f.Send(model::ApiRequest{Action::kDescribeJobs, {{"Limit", 100}}});
  ASSERT_EQ(OutcomeText(list), "success");
  EXPECT_EQ(list.answer.response["TotalCount"], 30);
  std::vector<std::string> listed;
  for (const json& j : list.answer.response["JobSet"])
    listed.push_back(j["JobId"].get<std::string>());
  EXPECT_EQ(listed, ids);
  json one = DescribeJob(f, ids[0]);
  EXPECT_EQ(one["JobName"], before.Find(ids[0])->name);
  EXPECT_EQ(one["JobState"], Name(before.Find(ids[0])->state));

  // An hour of autoprogress later nothing has moved.
  f.steady() += 3'600'000;
  EXPECT_EQ(f.service().SnapshotStore(), before);
  EXPECT_EQ(DescribeJob(f, ids[1])["JobState"], Name(before.Find(ids[1])->state));
}

TEST_P(ForeignJobsTest, ADeletableOneCanBeHarmedAndAnActiveOneCannot) {
  MockFixture f(GetParam(), ModesConfig(3));
  model::Store store = f.service().SnapshotStore();
  std::string deletable;
  std::string active;
  for (const std::string& id : f.service().ForeignJobIds()) {
    const model::Job* job = store.Find(id);
    if (model::IsDeletable(*job)) deletable = id;
    if (!model::IsCompleted(job->state)) active = id;
  }
  ASSERT_FALSE(deletable.empty());
  ASSERT_FALSE(active.empty());
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(active))), "UnsupportedOperation");
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(deletable))), "success");
  EXPECT_EQ(f.service().SnapshotStore().Find(deletable), nullptr);
  // It was someone else's: it stays among the foreign ids.
  auto ids = f.service().ForeignJobIds();
  EXPECT_NE(std::find(ids.begin(), ids.end(), deletable), ids.end());
}

TEST_P(ForeignJobsTest, ControlResetForgetsThem) {
  MockFixture f(GetParam(), ModesConfig(5));
  std::string mine = SubmitNow(f, {"sleep 1"});
  ASSERT_TRUE(f.control().Reset().ok());
  EXPECT_TRUE(f.service().ForeignJobIds().empty());
  EXPECT_EQ(f.service().SnapshotStore().size(), 0U);
  f.steady() += 10'000;  // a moving job does not come back either
  EXPECT_EQ(StatesOf(f, mine), "gone");
  EXPECT_EQ(f.service().SnapshotStore().size(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Targets, ForeignJobsTest, ::testing::Values(Via::kHttp, Via::kInProcess),
                         ViaName);

TEST(ForeignJobs, AtLeastAThirdAreDeletableForAnyCount) {
  for (int n : {1, 2, 3, 4, 5, 8, 100}) {
    mock::MockService service(
        ModesConfig(n), [] { return kVectorTime; }, [] { return 0; });
    model::Store store = service.SnapshotStore();
    int deletable = 0;
    for (const auto& [id, job] : store.jobs()) deletable += model::IsDeletable(job) ? 1 : 0;
    EXPECT_EQ(static_cast<int>(store.size()), n);
    EXPECT_GE(deletable * 3, n) << n;
  }
}

TEST(ForeignJobs, ComeFromTheSeed) {
  auto ids = [](std::uint64_t seed) {
    mock::MockConfig config = ModesConfig(10);
    config.seed = seed;
    mock::MockService service(
        config, [] { return kVectorTime; }, [] { return 0; });
    return std::pair(service.ForeignJobIds(), service.SnapshotStore());
  };
  EXPECT_EQ(ids(7), ids(7));
  EXPECT_NE(ids(7).first, ids(8).first);
}

TEST(ForeignJobs, NoneByDefault) {
  mock::MockService service(
      ControlConfig(), [] { return kVectorTime; }, [] { return 0; });
  EXPECT_TRUE(service.ForeignJobIds().empty());
  EXPECT_EQ(service.SnapshotStore().size(), 0U);
}

// ----- autoprogress -----

class AutoprogressTest : public ::testing::TestWithParam<Via> {};

TEST_P(AutoprogressTest, ASubmittedJobMovesThroughEveryStateOnTime) {
  MockFixture f(GetParam(), ModesConfig());
  f.steady() = 1000;
  std::string id = SubmitNow(f, {"echo one", "echo two"}, 2);
  struct Reading {
    std::int64_t steady;
    State job;
    State instances;
  };
  for (Reading r : std::vector<Reading>{
           {1000, State::kSubmitted, State::kPending},
           {1099, State::kSubmitted, State::kPending},
           {1100, State::kPending, State::kPending},
           {1199, State::kPending, State::kPending},
           {1200, State::kRunnable, State::kRunnable},
           {1299, State::kRunnable, State::kRunnable},
           {1300, State::kStarting, State::kStarting},
           {1400, State::kRunning, State::kRunning},
           {1499, State::kRunning, State::kRunning},  // a command other than sleep: one step
           {1500, State::kSucceed, State::kSucceed},
           {900000, State::kSucceed, State::kSucceed},
       }) {
    f.steady() = r.steady;
    json job = DescribeJob(f, id);
    EXPECT_EQ(job["JobState"], Name(r.job)) << "at " << r.steady;
    EXPECT_EQ(job["TaskInstanceMetrics"][std::string(model::MetricsField(r.instances))], 4)
        << "at " << r.steady;
  }
  // Listed in its current state too.
  client::Exchange list = f.Send(model::ApiRequest{Action::kDescribeJobs, {{"JobIds", {id}}}});
  EXPECT_EQ(list.answer.response["JobSet"][0]["JobState"], "SUCCEED");
}

TEST_P(AutoprogressTest, SleepCommandsRunThatLong) {
  MockFixture f(GetParam(), ModesConfig());
  std::string id = SubmitNow(f, {"sleep 2", "  sleep 0.25 ", "sleep 1"});
  // RUNNING from 4 steps (400 ms) on; each task ends its own sleep later.
  for (auto [steady, states] : std::vector<std::pair<std::int64_t, std::string>>{
           {399, "STARTING: STARTING | STARTING | STARTING"},
           {400, "RUNNING: RUNNING | RUNNING | RUNNING"},
           {649, "RUNNING: RUNNING | RUNNING | RUNNING"},
           {650, "RUNNING: RUNNING | SUCCEED | RUNNING"},
           {1400, "RUNNING: RUNNING | SUCCEED | SUCCEED"},
           {2399, "RUNNING: RUNNING | SUCCEED | SUCCEED"},
           {2400, "SUCCEED: SUCCEED | SUCCEED | SUCCEED"},
       }) {
    f.steady() = steady;
    EXPECT_EQ(StatesOf(f, id), states) << "at " << steady;
  }
}

TEST_P(AutoprogressTest, AFailingTaskMakesTheJobFailWhenTheLastTaskEnds) {
  MockFixture f(GetParam(), ModesConfig());
  std::string id = SubmitNow(f, {"false", "sleep 1"}, 2);
  f.steady() = 500;
  EXPECT_EQ(StatesOf(f, id), "RUNNING: FAILED FAILED | RUNNING RUNNING");
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(id))), "UnsupportedOperation");
  f.steady() = 1400;
  EXPECT_EQ(StatesOf(f, id), "FAILED: FAILED FAILED | SUCCEED SUCCEED");
  f.Advance(1000);  // a fresh rate-limit window for the next DeleteJob
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(id))), "success");
  EXPECT_EQ(StatesOf(f, id), "gone");

  std::string exit3 = SubmitNow(f, {"exit 3"});
  std::string exit0 = SubmitNow(f, {"exit 0"});
  f.steady() += 500;
  EXPECT_EQ(StatesOf(f, exit3), "FAILED: FAILED");
  EXPECT_EQ(StatesOf(f, exit0), "SUCCEED: SUCCEED");
}

TEST_P(AutoprogressTest, TerminateJobStopsProgressAndDeleteRemoves) {
  MockFixture f(GetParam(), ModesConfig());
  std::string id = SubmitNow(f, {"sleep 5"}, 3);
  f.steady() = 50;
  EXPECT_EQ(OutcomeText(f.Send(model::TerminateJobRequest(id))), "UnsupportedOperation");
  EXPECT_EQ(StatesOf(f, id), "SUBMITTED: PENDING PENDING PENDING");
  f.steady() = 250;
  EXPECT_EQ(OutcomeText(f.Send(model::TerminateJobRequest(id))), "success");
  EXPECT_EQ(StatesOf(f, id), "FAILED: FAILED FAILED FAILED");
  f.steady() = 60'000;  // long past the end of its sleep: it stays as TerminateJob left it
  EXPECT_EQ(StatesOf(f, id), "FAILED: FAILED FAILED FAILED");
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(id))), "success");
  EXPECT_EQ(OutcomeText(f.Send(model::DescribeJobRequest(id))), "ResourceNotFound.Job");
  f.steady() = 120'000;
  EXPECT_EQ(StatesOf(f, id), "gone");
}

TEST_P(AutoprogressTest, AJobDeletedWhileMovingStaysGone) {
  mock::MockConfig config = ModesConfig();
  config.faults.insert(mock::Fault::kRunningDeletable);
  MockFixture faulty(GetParam(), config);
  std::string id = SubmitNow(faulty, {"sleep 1"});
  faulty.steady() = 450;
  ASSERT_EQ(StatesOf(faulty, id), "RUNNING: RUNNING");
  EXPECT_EQ(OutcomeText(faulty.Send(model::DeleteJobRequest(id))), "success");
  faulty.steady() = 5000;
  EXPECT_EQ(StatesOf(faulty, id), "gone");
  EXPECT_EQ(OutcomeText(faulty.Send(model::DescribeJobRequest(id))), "ResourceNotFound.Job");
}

INSTANTIATE_TEST_SUITE_P(Targets, AutoprogressTest, ::testing::Values(Via::kHttp, Via::kInProcess),
                         ViaName);

TEST(Autoprogress, OffKeepsSubmittedJobsSubmitted) {
  MockFixture f(Via::kInProcess, ModesConfig(0, /*autoprogress_ms=*/0));
  std::string id = SubmitNow(f, {"echo hi"});
  f.steady() = 1'000'000'000;
  EXPECT_EQ(StatesOf(f, id), "SUBMITTED: PENDING");
}

TEST(Autoprogress, ControlJobsNeverMove) {
  MockFixture f(Via::kInProcess, ModesConfig());
  std::string id = f.Create("PENDING", {"PENDING", "RUNNING"});
  f.steady() = 1'000'000;
  EXPECT_EQ(StatesOf(f, id), "PENDING: PENDING RUNNING");
  // A submitted job that the control extension then replaces stops moving too.
  f.steady() = 0;
  std::string submitted = SubmitNow(f, {"echo hi"});
  f.Create({{"JobId", submitted},
            {"JobState", "PENDING"},
            {"Tasks", {{{"TaskName", "t0"}, {"InstanceStates", {"PENDING"}}}}}});
  f.steady() = 1'000'000;
  EXPECT_EQ(StatesOf(f, submitted), "PENDING: PENDING");
}

TEST(Autoprogress, CommandsTheMockUnderstands) {
  struct Case {
    const char* command;
    std::int64_t run_ms;
    bool fails;
  };
  for (Case c : std::vector<Case>{
           {"sleep 5", 5000, false},
           {"  sleep 0.25  ", 250, false},
           {"sleep\t3", 3000, false},
           {"sleep .5", 500, false},
           {"sleep 2.", 2000, false},
           {"sleep 1.0009", 1000, false},                             // whole milliseconds
           {"sleep 99999999999999999999", 1'000'000'000'000, false},  // saturates
           {"sleep -1", kStep, false},
           {"sleep 1s", kStep, false},
           {"sleep 1 2", kStep, false},
           {"sleep 1.2.3", kStep, false},
           {"sleep", kStep, false},
           {"sleeping 3", kStep, false},
           {"false", kStep, true},
           {" false ", kStep, true},
           {"/bin/false", kStep, false},
           {"exit 1", kStep, true},
           {"exit -2", kStep, true},
           {"exit 99999999999999999999", kStep, true},
           {"exit 0", kStep, false},
           {"exit 000", kStep, false},
           {"exit x", kStep, false},
           {"echo hello", kStep, false},
           {"", kStep, false},
       }) {
    mock::TaskRun run = mock::RunOfCommand(c.command, kStep);
    EXPECT_EQ(run.run_ms, c.run_ms) << "`" << c.command << "`";
    EXPECT_EQ(run.fails, c.fails) << "`" << c.command << "`";
  }
  // Tightly coupled tasks (Commands) and a missing Application run one step and succeed.
  json tasks = json::array();
  tasks.push_back({{"Application", {{"Commands", json::array({{{"Command", "sleep 9"}}})}}}});
  tasks.push_back(json::object());
  tasks.push_back({{"Application", {{"Command", "sleep 9"}}}});
  json params = {{"Job", {{"Tasks", tasks}}}};
  mock::JobProgress p = mock::StartProgress(params, 7, kStep);
  EXPECT_EQ(p.start_ms, 7);
  EXPECT_EQ(p.tasks, (std::vector<mock::TaskRun>{{kStep, false}, {kStep, false}, {9000, false}}));
}

// ----- the audit log -----

class AuditTest : public ::testing::TestWithParam<Via> {};

TEST_P(AuditTest, RecordsRefusedAndSuccessfulMutatingRequests) {
  MockFixture f(GetParam(), ModesConfig(3));
  std::ostringstream log;
  f.service().SetAuditLog(&log);
  model::Store store = f.service().SnapshotStore();
  std::string foreign;  // a deletable foreign job
  for (const std::string& id : f.service().ForeignJobIds()) {
    if (model::IsDeletable(*store.Find(id))) foreign = id;
  }
  ASSERT_FALSE(foreign.empty());
  auto call = [](const model::ApiRequest& r) {
    return protocol::Call::Of(r, std::string("ap-guangzhou"));
  };

  f.Send(model::DescribeJobRequest(foreign));  // not a mutating action: not recorded
  std::string mine = SubmitNow(f);
  f.wall() += 5;
  protocol::EncodeOptions bad_signature = f.api().Options();
  bad_signature.faults.wrong_key = true;
  f.Send(call(model::DeleteJobRequest(foreign)), bad_signature);
  protocol::Call no_version = call(model::DeleteJobRequest(foreign));
  no_version.version.reset();
  f.Send(no_version, f.api().Options());
  protocol::Call no_action = call(model::DeleteJobRequest(foreign));
  no_action.action.reset();
  f.Send(no_action, f.api().Options());  // the action cannot be read: not recorded
  protocol::Call lower_case = call(model::DeleteJobRequest(foreign));
  lower_case.action = "deletejob";
  f.Send(lower_case, f.api().Options());  // not an action either
  f.Send(model::TerminateJobRequest(mine));
  f.Send(model::DeleteJobRequest("JOB-1"));
  f.Send(model::DeleteJobRequest(foreign));
  f.Send(model::DeleteJobRequest(foreign));  // the third DeleteJob of this second

  std::vector<mock::AuditEntry> want = {
      {1, kVectorTime, Action::kSubmitJob, mine, false, "success"},
      {2, kVectorTime + 5, Action::kDeleteJob, foreign, true, "AuthFailure.SignatureFailure"},
      {3, kVectorTime + 5, Action::kDeleteJob, foreign, true, "MissingParameter"},
      {4, kVectorTime + 5, Action::kTerminateJob, mine, false, "UnsupportedOperation"},
      {5, kVectorTime + 5, Action::kDeleteJob, "JOB-1", false, "InvalidParameter.JobIdMalformed"},
      {6, kVectorTime + 5, Action::kDeleteJob, foreign, true, "success"},
      {7, kVectorTime + 5, Action::kDeleteJob, foreign, true, "RequestLimitExceeded"},
  };
  EXPECT_EQ(f.service().Audit(), want);

  std::string text = log.str();
  std::string expected_text;
  for (const mock::AuditEntry& e : want) expected_text += mock::AuditJsonLine(e) + "\n";
  EXPECT_EQ(text, expected_text);
  for (std::string_view secret : {mock::kDefaultSecretKey, mock::kDefaultSecretId,
                                  std::string_view("TC3-HMAC"), std::string_view("Signature=")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, AuditTest, ::testing::Values(Via::kHttp, Via::kInProcess),
                         ViaName);

TEST(Audit, JobIdsAreKeptAsReceivedAndBounded) {
  MockFixture f(Via::kInProcess, ModesConfig());
  f.Send(model::ApiRequest{Action::kDeleteJob, {{"JobId", 5}}});
  f.Send(model::ApiRequest{Action::kTerminateJob, json::object()});
  f.Advance(1000);
  std::string long_id = "job-" + std::string(300, 'a');
  f.Send(model::DeleteJobRequest(long_id));
  std::vector<mock::AuditEntry> audit = f.service().Audit();
  ASSERT_EQ(audit.size(), 3U);
  EXPECT_EQ(audit[0].job_id, "5");
  EXPECT_EQ(audit[0].outcome, "InvalidParameter");
  EXPECT_EQ(audit[1].job_id, std::nullopt);
  EXPECT_EQ(audit[1].outcome, "MissingParameter");
  EXPECT_EQ(audit[2].job_id, long_id.substr(0, mock::kAuditJobIdBytes) + "...");
}

TEST(Audit, MemoryKeepsTheConfiguredNumberOfNewestEntriesAndTheLogEvery) {
  for (std::size_t keep : {std::size_t{0}, std::size_t{2}}) {
    mock::MockConfig config = ModesConfig();
    config.audit_memory_entries = keep;
    MockFixture f(Via::kInProcess, config);
    std::ostringstream log;
    f.service().SetAuditLog(&log);
    for (std::string_view id : {"JOB-1", "JOB-2", "JOB-3"}) {
      f.Advance(1000);
      f.Send(model::DeleteJobRequest(std::string(id)));
    }
    std::vector<mock::AuditEntry> audit = f.service().Audit();
    ASSERT_EQ(audit.size(), keep);
    if (keep == 2) {
      EXPECT_EQ(audit[0].seq, 2);
      EXPECT_EQ(audit[1].job_id, "JOB-3");
    }
    std::string text = log.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
    f.service().SetAuditLog(nullptr);
  }
}

TEST(Audit, TheLogFileCanBeReadWhileTheMockRuns) {
  TempDir dir;
  std::filesystem::path path = dir.path() / "audit.jsonl";
  std::ofstream out(path, std::ios::app);
  MockFixture f(Via::kInProcess, ModesConfig());
  f.service().SetAuditLog(&out);
  std::string id = SubmitNow(f, {"echo hi"});
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  json entry = json::parse(line);
  EXPECT_EQ(entry, json({{"seq", 1},
                         {"time", "2024-12-31T23:59:59Z"},
                         {"action", "SubmitJob"},
                         {"job_id", id},
                         {"foreign", false},
                         {"outcome", "success"}}));
  f.service().SetAuditLog(nullptr);
}

TEST(Audit, JsonLinesAreValidForAnyBytes) {
  mock::AuditEntry e{3, kVectorTime, Action::kDeleteJob, "job-ab12cd34", true, "success"};
  EXPECT_EQ(
      mock::AuditJsonLine(e),
      R"({"seq":3,"time":"2024-12-31T23:59:59Z","action":"DeleteJob","job_id":"job-ab12cd34",)"
      R"("foreign":true,"outcome":"success"})");
  e.job_id.reset();
  EXPECT_EQ(json::parse(mock::AuditJsonLine(e))["job_id"], nullptr);
  e.job_id = std::string("job-\xff\xfe\n\"");
  json parsed = json::parse(mock::AuditJsonLine(e));
  EXPECT_TRUE(parsed["job_id"].is_string());
  EXPECT_EQ(mock::AuditJsonLine(e).find('\n'), std::string::npos);
}

TEST(Audit, OnlyApiRequestsAreRecorded) {
  MockFixture f(Via::kInProcess, ModesConfig());
  f.Create("SUCCEED", {});
  ASSERT_TRUE(f.control().Reset().ok());
  protocol::HttpRequest r =
      protocol::Encode(protocol::Call::Of(model::DeleteJobRequest("job-00000000"), "ap-guangzhou"),
                       DefaultCredentials(), f.api().Options());
  r.target = "/v2/";
  ASSERT_TRUE(f.target().Send(r).ok());
  EXPECT_TRUE(f.service().Audit().empty());
}

}  // namespace
}  // namespace dj::testing
