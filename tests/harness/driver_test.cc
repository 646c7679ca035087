// The Driver judges: for every planted fault, a short hand-written history against the faulty
// in-process mock yields a finding of the fault's clause, and the same history against the
// correct mock yields none.
#include "harness/runner/driver.h"

#include <gtest/gtest.h>

#include <map>

#include "harness/client/inprocess_target.h"

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

std::string Text(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings)
    out += std::string(model::ClauseId(f.clause)) + ": " + f.message + "\n";
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
