// Every planted fault observably changes the mock's answers against the correct mock, in a
// scenario aimed at the clause the fault names.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <latch>
#include <map>
#include <thread>

#include "tests/harness/mock_fixture.h"

namespace dj::testing {
namespace {

using mock::Fault;
using nlohmann::json;

// What a scenario observed: one line per answer (status, outcome, RequestId, key fields).
using Observation = std::vector<std::string>;

std::string Summary(const client::Exchange& x) {
  std::string line = "HTTP " + std::to_string(x.response.status) + " " + OutcomeText(x);
  line += x.answer.request_id ? " rid" : " no-rid";
  if (x.answer.IsSuccess()) {
    const json& r = x.answer.response;
    if (r.contains("TotalCount")) line += " total=" + r["TotalCount"].dump();
    if (r.contains("TaskInstanceMetrics")) line += " metrics=" + r["TaskInstanceMetrics"].dump();
  }
  return line;
}

client::Exchange WithOptions(MockFixture& f,
                             const std::function<void(protocol::EncodeOptions&)>& change,
                             protocol::Call call = protocol::Call::Of(
                                 model::DescribeJobRequest("job-00000000"), "ap-guangzhou")) {
  protocol::EncodeOptions o = f.api().Options();
  change(o);
  return f.Send(call, o);
}

using Scenario = std::function<Observation(MockFixture&)>;

const std::map<Fault, Scenario>& Scenarios() {
  static const std::map<Fault, Scenario> kScenarios = {
      {Fault::kRunningDeletable,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(model::DeleteJobRequest(f.Create("RUNNING", {}))))};
       }},
      {Fault::kInstancesIgnored,
       [](MockFixture& f) {
         return Observation{
             Summary(f.Send(model::DeleteJobRequest(f.Create("SUCCEED", {"RUNNING"}))))};
       }},
      {Fault::kInterruptedCompleted,
       [](MockFixture& f) {
         return Observation{
             Summary(f.Send(model::DeleteJobRequest(f.Create("FAILED", {"FAILED_INTERRUPTED"}))))};
       }},
      {Fault::kLaxJobId,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(model::DeleteJobRequest("job-F5DA1EDL")))};
       }},
      {Fault::kNotFoundAsMalformed,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(model::DeleteJobRequest("job-00000000")))};
       }},
      {Fault::kDeletedStillDescribed,
       [](MockFixture& f) {
         std::string id = f.Create("SUCCEED", {});
         return Observation{Summary(f.Send(model::DeleteJobRequest(id))),
                            Summary(f.Send(model::DescribeJobRequest(id)))};
       }},
      {Fault::kDeletedStillListed,
       [](MockFixture& f) {
         std::string id = f.Create("SUCCEED", {});
         return Observation{Summary(f.Send(model::DeleteJobRequest(id))),
                            Summary(f.Send({model::Action::kDescribeJobs, {{"JobIds", {id}}}}))};
       }},
      {Fault::kSecondDeleteSucceeds,
       [](MockFixture& f) {
         std::string id = f.Create("SUCCEED", {});
         return Observation{Summary(f.Send(model::DeleteJobRequest(id))),
                            Summary(f.Send(model::DeleteJobRequest(id)))};
       }},
      {Fault::kFailedDeleteMutates,
       [](MockFixture& f) {
         std::string id = f.Create("RUNNING", {"RUNNING", "SUCCEED"});
         return Observation{Summary(f.Send(model::DeleteJobRequest(id))),
                            Summary(f.Send(model::DescribeJobRequest(id)))};
       }},
      {Fault::kDeletesNeighbour,
       [](MockFixture& f) {
         std::string a = f.Create(
             {{"JobId", "job-aaaaaaaa"}, {"JobState", "SUCCEED"}, {"Tasks", json::array()}});
         std::string b = f.Create(
             {{"JobId", "job-bbbbbbbb"}, {"JobState", "RUNNING"}, {"Tasks", json::array()}});
         return Observation{Summary(f.Send(model::DeleteJobRequest(a))),
                            Summary(f.Send(model::DescribeJobRequest(b)))};
       }},
      {Fault::kNoRateLimit,
       [](MockFixture& f) {
         Observation o;
         for (int i = 0; i < 3; ++i)
           o.push_back(Summary(f.Send(model::DeleteJobRequest("job-0000000" + std::to_string(i)))));
         return o;
       }},
      {Fault::kRateLimitedStillDeletes,
       [](MockFixture& f) {
         std::string id = f.Create("SUCCEED", {});
         f.Send(model::DeleteJobRequest("job-00000001"));
         f.Send(model::DeleteJobRequest("job-00000002"));
         return Observation{Summary(f.Send(model::DeleteJobRequest(id))),
                            Summary(f.Send(model::DescribeJobRequest(id)))};
       }},
      {Fault::kLimitOnePerSecond,
       [](MockFixture& f) {
         Observation o;
         for (int i = 0; i < 2; ++i)
           o.push_back(Summary(f.Send(model::DeleteJobRequest("job-0000000" + std::to_string(i)))));
         return o;
       }},
      {Fault::kLimitShared,
       [](MockFixture& f) {
         f.Send(model::DeleteJobRequest("job-00000001"));
         f.Send(model::DeleteJobRequest("job-00000002"));
         auto second = f.Client(ControlConfig().credentials[1]);
         return Observation{Summary(second->Send(model::DeleteJobRequest("job-00000003")))};
       }},
      {Fault::kNonAtomicDelete,
       [](MockFixture& f) {
         // Two deletes of one job from two threads at once: the planted race lets both through.
         std::string id = f.Create("SUCCEED", {});
         auto other = f.Client(DefaultCredentials());
         std::latch start(2);
         client::Exchange a;
         std::thread t([&] {
           start.arrive_and_wait();
           a = other->Send(model::DeleteJobRequest(id));
         });
         start.arrive_and_wait();
         client::Exchange b = f.Send(model::DeleteJobRequest(id));
         t.join();
         std::vector<std::string> both = {OutcomeText(a), OutcomeText(b)};
         std::sort(both.begin(), both.end());
         return Observation{both[0] + " and " + both[1]};
       }},
      {Fault::kNoRequestIdOnErrors,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(model::DescribeJobRequest("job-00000000")))};
       }},
      {Fault::kRequestIdNotUuid,
       [](MockFixture& f) {
         auto id = f.Send(model::DescribeJobRequest("job-00000000")).answer.request_id;
         return Observation{id && id->size() == 36 ? "a UUID-sized RequestId" : "another RequestId"};
       }},
      {Fault::kRequestIdRepeated,
       [](MockFixture& f) {
         auto a = f.Send(model::DescribeJobRequest("job-00000000")).answer.request_id;
         auto b = f.Send(model::DescribeJobRequest("job-00000000")).answer.request_id;
         return Observation{a == b ? "same RequestId" : "distinct RequestIds"};
       }},
      {Fault::kErrorsNot200,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(model::DescribeJobRequest("job-00000000")))};
       }},
      {Fault::kInternalErrorOnEmptyJob,
       [](MockFixture& f) {
         std::string id = f.Create({{"JobState", "SUCCEED"}, {"Tasks", json::array()}});
         return Observation{Summary(f.Send(model::DeleteJobRequest(id)))};
       }},
      {Fault::kSignatureUnchecked,
       [](MockFixture& f) {
         return Observation{Summary(WithOptions(f, [](auto& o) { o.faults.wrong_key = true; }))};
       }},
      {Fault::kExpiredAccepted,
       [](MockFixture& f) {
         return Observation{Summary(WithOptions(f, [](auto& o) { o.timestamp -= 3600; }))};
       }},
      {Fault::kLocalDateAccepted,
       [](MockFixture& f) {
         return Observation{Summary(WithOptions(f, [](auto& o) { o.faults.local_date = true; }))};
       }},
      {Fault::kRegionOptional,
       [](MockFixture& f) {
         protocol::Call call =
             protocol::Call::Of(model::DescribeJobRequest("job-00000000"), std::nullopt);
         return Observation{Summary(f.Send(call, f.api().Options()))};
       }},
      {Fault::kUnknownParamsIgnored,
       [](MockFixture& f) {
         return Observation{Summary(f.Send(
             {model::Action::kDescribeJob, {{"JobId", "job-00000000"}, {"Verbose", true}}}))};
       }},
      {Fault::kGarbageAnswers,
       [](MockFixture& f) {
         auto x =
             f.Send({model::Action::kDescribeJob, {{"JobId", "job-00000000"}, {"Verbose", true}}});
         return Observation{Summary(x), x.answer.json_envelope ? "envelope" : "no envelope"};
       }},
      {Fault::kHangs,
       [](MockFixture& f) {
         return Observation{
             Summary(f.Send(model::DeleteJobRequest("job-" + std::string(61, 'a'))))};
       }},
  };
  return kScenarios;
}

TEST(Faults, CatalogueHasAtLeastTwelveDistinctNamedFaults) {
  EXPECT_GE(mock::kAllFaults.size(), 12U);
  for (Fault f : mock::kAllFaults) {
    EXPECT_EQ(mock::FaultFromName(mock::FaultName(f)), f);
    EXPECT_FALSE(mock::FaultDescription(f).empty());
  }
  EXPECT_FALSE(mock::FaultFromName("no-such-fault").has_value());
}

TEST(Faults, EachFaultChangesWhatTheMockAnswers) {
  for (Fault fault : mock::kAllFaults) {
    SCOPED_TRACE(std::string(mock::FaultName(fault)) + " (" +
                 std::string(model::ClauseId(mock::BrokenClause(fault))) + ")");
    auto it = Scenarios().find(fault);
    ASSERT_NE(it, Scenarios().end()) << "no scenario";
    MockFixture correct(Via::kInProcess);
    MockFixture faulty(Via::kInProcess, ControlConfig({fault}));
    Observation want = it->second(correct);
    Observation got = it->second(faulty);
    EXPECT_NE(want, got) << "the faulty mock answered exactly as the correct one: "
                         << ::testing::PrintToString(got);
  }
}

}  // namespace
}  // namespace dj::testing
