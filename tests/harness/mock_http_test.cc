// The reference mock, over real HTTP on a free loopback port and in-process, gives every
// clause's reference answer (strict profile), and a refused request changes nothing.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <thread>

#include "harness/protocol/envelope.h"
#include "tests/harness/mock_fixture.h"

namespace dj::testing {
namespace {

using model::Clause;
using nlohmann::json;
using protocol::Call;
using protocol::Style;

Call DeleteCall(std::string_view id) {
  return Call::Of(model::DeleteJobRequest(id), "ap-guangzhou");
}

client::Exchange Styled(MockFixture& f, Style style,
                        const std::function<void(protocol::EncodeOptions&)>& change,
                        const Call& call) {
  protocol::EncodeOptions o = f.api().Options();
  o.style = style;
  change(o);
  return f.Send(call, o);
}

client::Exchange WithOptions(MockFixture& f,
                             const std::function<void(protocol::EncodeOptions&)>& change,
                             const Call& call = DeleteCall("job-aaaaaaaa")) {
  return Styled(f, Style::kApi3Post, change, call);
}

client::Exchange WithCall(MockFixture& f, const std::function<void(Call&)>& change) {
  Call call = DeleteCall("job-aaaaaaaa");
  change(call);
  return f.Send(call, f.api().Options());
}

// A request encoded, then broken on the wire (the codec never builds such bytes itself).
client::Exchange Broken(MockFixture& f, Style style,
                        const std::function<void(protocol::HttpRequest&)>& change) {
  protocol::EncodeOptions o = f.api().Options();
  o.style = style;
  client::Exchange x;
  x.request = protocol::Encode(DeleteCall("job-aaaaaaaa"), DefaultCredentials(), o);
  change(x.request);
  auto sent = f.target().Send(x.request);
  if (!sent) {
    x.transport_error = sent.error();
    return x;
  }
  x.response = *sent;
  x.answer = protocol::ParseAnswer(x.response);
  return x;
}

model::ApiRequest Req(model::Action a, json params) { return {a, std::move(params)}; }

// A scenario sets the mock up and returns the one request that the clause decides, unsent, so
// that a test can look at the mock between the two.
using Send = std::function<client::Exchange()>;
using Scenario = std::function<Send(MockFixture&)>;

Send Delete(MockFixture& f, std::string id) {
  return [&f, id] { return f.Send(model::DeleteJobRequest(id)); };
}
Send Request(MockFixture& f, model::ApiRequest r) {
  return [&f, r] { return f.Send(r); };
}
Send Options(MockFixture& f, std::function<void(protocol::EncodeOptions&)> change) {
  return [&f, change] { return WithOptions(f, change); };
}
Send CallChange(MockFixture& f, std::function<void(Call&)> change) {
  return [&f, change] { return WithCall(f, change); };
}

// Create a completed job and delete it.
std::string Deleted(MockFixture& f) {
  std::string id = f.Create("SUCCEED", {});
  EXPECT_TRUE(f.Send(model::DeleteJobRequest(id)).answer.IsSuccess());
  return id;
}

const std::map<Clause, Scenario>& Scenarios() {
  using model::Action;
  static const std::map<Clause, Scenario> kScenarios = {
      {Clause::kAuthBadSignature,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.faults.wrong_key = true; }); }},
      {Clause::kAuthExpired,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.timestamp -= 301; }); }},
      {Clause::kAuthTimestampMissing,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.faults.omit_timestamp = true; }); }},
      {Clause::kAuthTimestampMalformed,
       [](MockFixture& f) {
         return Options(f, [](auto& o) { o.faults.timestamp_text = "1735689599.0"; });
       }},
      {Clause::kAuthUnknownSecretId,
       [](MockFixture& f) -> Send {
         return [&f] {
           return f.Client({"AKIDnobodyKnowsThisOne000000000000000001", "whatever", ""})
               ->Send(model::DeleteJobRequest("job-aaaaaaaa"));
         };
       }},
      {Clause::kAuthNoAuthorization,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.faults.omit_signature = true; }); }},
      {Clause::kAuthV1MissingParam,
       [](MockFixture& f) -> Send {
         return [&f] {
           return Styled(
               f, Style::kQueryGet, [](auto& o) { o.faults.v1_omit_param = "Nonce"; },
               DeleteCall("job-aaaaaaaa"));
         };
       }},
      {Clause::kAuthV1BadMethod,
       [](MockFixture& f) -> Send {
         return [&f] {
           return Styled(
               f, Style::kQueryGet, [](auto& o) { o.faults.signature_method = "HmacMD5"; },
               DeleteCall("job-aaaaaaaa"));
         };
       }},
      {Clause::kAuthLocalDate,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.faults.local_date = true; }); }},
      {Clause::kAuthTampered,
       [](MockFixture& f) {
         return Options(f, [](auto& o) { o.faults.tamper_after_signing = true; });
       }},
      {Clause::kActionMissing,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.action.reset(); }); }},
      {Clause::kActionUnknown,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.action = "DeleteJobs"; }); }},
      {Clause::kVersionMissing,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.version.reset(); }); }},
      {Clause::kVersionUnknown,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.version = "2018-03-12"; }); }},
      {Clause::kRegionMissing,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.region.reset(); }); }},
      {Clause::kRegionUnsupported,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.region = "mars-north-1"; }); }},
      {Clause::kUnknownParameter,
       [](MockFixture& f) { return CallChange(f, [](Call& c) { c.params["Force"] = true; }); }},
      {Clause::kUnsupportedMethod,
       [](MockFixture& f) { return Options(f, [](auto& o) { o.faults.method = "PUT"; }); }},
      {Clause::kTooLarge,
       [](MockFixture& f) {
         // Over the v3 POST limit: refused by the HTTP layer without reading the body.
         return Options(f, [](auto& o) {
           o.faults.raw_body = std::string(protocol::kV3PostLimitBytes + 1, ' ');
         });
       }},
      {Clause::kBodyNotObject,
       [](MockFixture& f) {
         return Options(f, [](auto& o) { o.faults.raw_body = "[\"job-aaaaaaaa\"]"; });
       }},
      {Clause::kQueryUndecodable,
       [](MockFixture& f) -> Send {
         return [&f] {
           return Broken(f, Style::kQueryGet,
                         [](protocol::HttpRequest& r) { r.target += "&JobId=%zz"; });
         };
       }},
      {Clause::kIdMalformed, [](MockFixture& f) { return Delete(f, "job-F5DA1EDL"); }},
      {Clause::kIdAbsent,
       [](MockFixture& f) { return Request(f, Req(Action::kDeleteJob, json::object())); }},
      {Clause::kIdNotString,
       [](MockFixture& f) {
         return Request(f, Req(Action::kDeleteJob, {{"JobId", 12345678}}));
       }},
      {Clause::kIdUnknown, [](MockFixture& f) { return Delete(f, "job-00000000"); }},
      {Clause::kDelCompleted,
       [](MockFixture& f) {
         return Delete(f, f.Create("FAILED", {"SUCCEED", "FAILED"}));
       }},
      {Clause::kDelJobActive,
       [](MockFixture& f) { return Delete(f, f.Create("RUNNING", {"SUCCEED"})); }},
      {Clause::kDelInstanceActive,
       [](MockFixture& f) {
         return Delete(f, f.Create("SUCCEED", {"SUCCEED", "RUNNABLE"}));
       }},
      {Clause::kDelInterrupted,
       [](MockFixture& f) { return Delete(f, f.Create("FAILED", {"FAILED_INTERRUPTED"})); }},
      {Clause::kGoneDescribe,
       [](MockFixture& f) { return Request(f, model::DescribeJobRequest(Deleted(f))); }},
      {Clause::kGoneListed,
       [](MockFixture& f) -> Send {
         std::string id = Deleted(f);
         return [&f, id] {
           client::Exchange x = f.Send(Req(model::Action::kDescribeJobs, {{"JobIds", {id}}}));
           EXPECT_EQ(x.answer.response["TotalCount"], 0);
           return x;
         };
       }},
      {Clause::kGoneDeleteAgain, [](MockFixture& f) { return Delete(f, Deleted(f)); }},
      {Clause::kGoneTerminate,
       [](MockFixture& f) { return Request(f, model::TerminateJobRequest(Deleted(f))); }},
      {Clause::kRateExceeded,
       [](MockFixture& f) {
         // Two admissions in the same (virtual) instant, then the third is over the limit.
         std::string id = f.Create("SUCCEED", {});
         f.Send(model::DeleteJobRequest("job-00000001"));
         f.Send(model::DeleteJobRequest("job-00000002"));
         return Delete(f, id);
       }},
      {Clause::kObsDescribe,
       [](MockFixture& f) {
         return Request(f, model::DescribeJobRequest(f.Create("RUNNING", {"RUNNING"})));
       }},
      {Clause::kDrvTerminateSubmitted,
       [](MockFixture& f) {
         return Request(f, model::TerminateJobRequest(f.Create("SUBMITTED", {"PENDING"})));
       }},
      {Clause::kDrvTerminate,
       [](MockFixture& f) {
         return Request(f, model::TerminateJobRequest(f.Create("RUNNING", {"RUNNING"})));
       }},
      {Clause::kDrvList,
       [](MockFixture& f) {
         f.Create("RUNNING", {});
         return Request(f, Req(Action::kDescribeJobs, json::object()));
       }},
      {Clause::kDrvListCombination,
       [](MockFixture& f) {
         return Request(f,
                        Req(Action::kDescribeJobs,
                            {{"JobIds", {"job-aaaaaaaa"}},
                             {"Filters", json::array({{{"Name", "zone"}, {"Values", {"x"}}}})}}));
       }},
      {Clause::kDrvListBadFilter,
       [](MockFixture& f) {
         return Request(f,
                        Req(Action::kDescribeJobs,
                            {{"Filters", json::array({{{"Name", "color"}, {"Values", {"x"}}}})}}));
       }},
      {Clause::kDrvListBadValue,
       [](MockFixture& f) {
         return Request(f, Req(Action::kDescribeJobs, {{"Limit", 1000}}));
       }},
      {Clause::kDrvSubmit,
       [](MockFixture& f) {
         return Request(f,
                        Req(Action::kSubmitJob,
                            json::parse(R"({"Placement":{"Zone":"ap-guangzhou-2"},"Job":{"Tasks":[
             {"TaskName":"hello","Application":{"DeliveryForm":"LOCAL","Command":"echo hello"}}]}})")));
       }},
      {Clause::kDrvSubmitMissing,
       [](MockFixture& f) {
         return Request(f, Req(Action::kSubmitJob, {{"Job", {{"Tasks", {json::object()}}}}}));
       }},
      {Clause::kDrvSubmitInvalid,
       [](MockFixture& f) {
         return Request(f, Req(Action::kSubmitJob, {{"Placement", {{"Zone", "z"}}},
                                                    {"Job", {{"Tasks", json::array()}}}}));
       }},
  };
  return kScenarios;
}

class ClauseTest : public ::testing::TestWithParam<Via> {};

// Every clause row with outcomes has a scenario here, so a new row cannot go untested.
TEST(ClauseScenarios, CoverEveryClauseWithOutcomes) {
  for (Clause c : model::kAllClauses) {
    if (!model::Info(c).strict.empty()) {
      EXPECT_TRUE(Scenarios().contains(c))
          << "no scenario for " << model::ClauseId(c) << ": " << model::Info(c).text;
    }
  }
}

TEST_P(ClauseTest, EveryClauseGetsItsReferenceAnswer) {
  for (const auto& [clause, provoke] : Scenarios()) {
    SCOPED_TRACE(std::string(model::ClauseId(clause)) + ": " +
                 std::string(model::Info(clause).text));
    MockFixture f(GetParam());
    client::Exchange x = provoke(f)();
    ASSERT_FALSE(x.transport_error.has_value()) << x.transport_error->message;
    model::Outcome want = model::Canonical(clause);
    EXPECT_EQ(OutcomeText(x), model::ToString(want)) << x.response.body.substr(0, 300);
    auto action = model::ActionFromName(
                      protocol::FindHeader(x.request.headers, "X-TC-Action").value_or("DeleteJob"))
                      .value_or(model::Action::kDeleteJob);
    for (const auto& v : protocol::CheckEnvelope(x.answer, action, model::Profile::kStrict)) {
      ADD_FAILURE() << model::ClauseId(v.clause) << ": " << v.detail;
    }
  }
}

// ISO-1, ISO-3, RL-3: a refused request, whatever the reason, leaves every job exactly as it
// was, bystanders and the job it names alike.
TEST_P(ClauseTest, RefusalsChangeNothing) {
  for (const auto& [clause, provoke] : Scenarios()) {
    if (!model::RefusesRequest(clause)) continue;
    SCOPED_TRACE(std::string(model::ClauseId(clause)));
    MockFixture f(GetParam());
    f.Create("SUCCEED", {"SUCCEED"});  // bystanders, one of them deletable
    f.Create("RUNNING", {"RUNNING"});
    Send send = provoke(f);
    model::Store before = f.service().SnapshotStore();
    client::Exchange x = send();
    EXPECT_FALSE(x.answer.IsSuccess());
    EXPECT_EQ(f.service().SnapshotStore(), before);
  }
}

// RL-3: a rate-limited DeleteJob of a deletable job leaves it in place.
TEST_P(ClauseTest, RateLimitedDeleteHasNoEffect) {
  MockFixture f(GetParam());
  std::string id = f.Create("SUCCEED", {});
  f.Send(model::DeleteJobRequest("job-00000001"));
  f.Send(model::DeleteJobRequest("job-00000002"));
  client::Exchange limited = f.Send(model::DeleteJobRequest(id));
  ASSERT_EQ(OutcomeText(limited), "RequestLimitExceeded");
  EXPECT_EQ(OutcomeText(f.Send(model::DescribeJobRequest(id))), "success");
  f.Advance(1000);
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest(id))), "success");
}

// RL-1 and RL-2 in virtual time: paced at 2/s every DeleteJob is admitted; a third in any
// window of one second is not. Malformed requests count once authenticated.
TEST_P(ClauseTest, DeleteJobLimitInVirtualTime) {
  MockFixture f(GetParam());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-0000000" + std::to_string(i)))),
              "ResourceNotFound.Job")
        << i;
    f.Advance(500);
  }
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("JOB-BAD"))),
            "InvalidParameter.JobIdMalformed");
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("JOB-BAD"))), "RequestLimitExceeded");
  // Requests refused before authentication do not count.
  f.Advance(1000);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(OutcomeText(WithOptions(f, [](auto& o) { o.faults.wrong_key = true; })),
              "AuthFailure.SignatureFailure");
  }
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000000"))), "ResourceNotFound.Job");
  // Other actions are not limited.
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(OutcomeText(f.Send(model::DescribeJobRequest("job-00000000"))),
              "ResourceNotFound.Job");
}

// RL-4: one credential's requests do not spend another's limit.
TEST_P(ClauseTest, LimitIsPerCredential) {
  MockFixture f(GetParam());
  auto second =
      f.Client({"AKIDsecondCredential000000000000000002", "secondSecretKey0000000000000002", ""});
  f.Send(model::DeleteJobRequest("job-00000001"));
  f.Send(model::DeleteJobRequest("job-00000002"));
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000003"))), "RequestLimitExceeded");
  EXPECT_EQ(OutcomeText(second->Send(model::DeleteJobRequest("job-00000003"))),
            "ResourceNotFound.Job");
}

// Without the control extension the limiter reads the mock's own steady clock.
TEST_P(ClauseTest, WithoutControlTheLimiterUsesTheSteadyClock) {
  mock::MockConfig config = ControlConfig();
  config.control = false;
  MockFixture f(GetParam(), config);
  f.Send(model::DeleteJobRequest("job-00000001"));
  f.Send(model::DeleteJobRequest("job-00000002"));
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000003"))), "RequestLimitExceeded");
  f.steady() += 1000;
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000003"))), "ResourceNotFound.Job");
}

// AUTH-2 boundary: 300 s either side is accepted, 301 s is not.
TEST_P(ClauseTest, TimestampWindowIsSymmetric) {
  MockFixture f(GetParam());
  for (std::int64_t skew : {-300, 300, 0}) {
    EXPECT_EQ(OutcomeText(WithOptions(
                  f, [&](auto& o) { o.timestamp += skew; },
                  Call::Of(model::DescribeJobRequest("job-00000000"), "ap-guangzhou"))),
              "ResourceNotFound.Job")
        << skew;
  }
  for (std::int64_t skew : {-301, 301, -86400}) {
    EXPECT_EQ(OutcomeText(WithOptions(f, [&](auto& o) { o.timestamp += skew; })),
              "AuthFailure.SignatureExpire")
        << skew;
  }
}

// STYLE-1: the same requests in all four styles, and with every legal query encoding, get the
// same outcomes.
TEST_P(ClauseTest, EveryStyleGetsTheSameOutcome) {
  for (Style style : {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet, Style::kFormPost}) {
    for (bool plus : {false, true}) {
      SCOPED_TRACE(std::string(protocol::StyleName(style)) + (plus ? " +" : ""));
      MockFixture f(GetParam());
      auto change = [&](protocol::EncodeOptions& o) {
        o.style = style;
        o.encoding.space_as_plus = plus;
        o.encoding.encode_unreserved = plus;
        o.reverse_param_order = plus;
        o.signature_method =
            plus ? protocol::SignatureMethod::kHmacSha1 : protocol::SignatureMethod::kHmacSha256;
        o.send_signature_method = !plus;
      };
      std::string done = f.Create("SUCCEED", {"SUCCEED"});
      std::string busy = f.Create("RUNNING", {"RUNNING"});
      auto send = [&](const model::ApiRequest& r) {
        return OutcomeText(Styled(f, style, change, Call::Of(r, "ap-guangzhou")));
      };
      EXPECT_EQ(send(model::DescribeJobRequest(done)), "success");
      EXPECT_EQ(send(model::DeleteJobRequest(busy)), "UnsupportedOperation");
      EXPECT_EQ(send(model::DeleteJobRequest("job F5DA1EDL")), "InvalidParameter.JobIdMalformed");
      f.Advance(1000);
      EXPECT_EQ(send(model::DeleteJobRequest(done)), "success");
      EXPECT_EQ(send(model::DescribeJobRequest(done)), "ResourceNotFound.Job");
      EXPECT_EQ(send({model::Action::kDescribeJobs, {{"JobIds", {busy, done}}, {"Limit", 5}}}),
                "success");
      EXPECT_EQ(
          send({model::Action::kDescribeJobs,
                {{"Filters", json::array({{{"Name", "job-state"}, {"Values", {"RUNNING"}}}})}}}),
          "success");
    }
  }
}

// ENV-3: RequestIds are unique lowercase UUIDs.
TEST_P(ClauseTest, RequestIdsAreUniqueUuids) {
  MockFixture f(GetParam());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    client::Exchange x = f.Send(model::DescribeJobRequest("job-0000000" + std::to_string(i % 10)));
    ASSERT_TRUE(x.answer.request_id.has_value());
    EXPECT_TRUE(protocol::IsLowercaseUuid(*x.answer.request_id)) << *x.answer.request_id;
    EXPECT_TRUE(seen.insert(*x.answer.request_id).second) << "repeated " << *x.answer.request_id;
  }
}

// The API documentation: TerminateJob has no effect on a SUCCEED job, even one with an
// unfinished instance, so the delete is still refused.
TEST_P(ClauseTest, TerminateJobOfASucceedJobChangesNothing) {
  MockFixture f(GetParam());
  std::string id = f.Create("SUCCEED", {"SUCCEED", "FAILED_INTERRUPTED"});
  json before = f.Send(model::DescribeJobRequest(id)).answer.response;
  ASSERT_TRUE(f.Send(model::TerminateJobRequest(id)).answer.IsSuccess());
  json after = f.Send(model::DescribeJobRequest(id)).answer.response;
  EXPECT_EQ(after["JobState"], "SUCCEED");
  EXPECT_EQ(after["TaskInstanceMetrics"], before["TaskInstanceMetrics"]);
  EXPECT_EQ(f.Send(model::DeleteJobRequest(id)).answer.AsOutcome(),
            model::Err(model::ErrorCode::kUnsupportedOperation));
}

// OBS-1: DescribeJob reports what the control extension stored.
TEST_P(ClauseTest, DescribeJobReportsTheStoredStates) {
  MockFixture f(GetParam());
  std::string id = f.Create(
      {{"JobName", "observed"},
       {"JobState", "FAILED_INTERRUPTED"},
       {"Tasks",
        {{{"TaskName", "a"}, {"InstanceStates", {"RUNNING", "FAILED_INTERRUPTED", "SUCCEED"}}},
         {{"TaskName", "b"}, {"InstanceStates", {"SUBMITTED"}}}}}});
  client::Exchange x = f.Send(model::DescribeJobRequest(id));
  ASSERT_TRUE(x.answer.IsSuccess());
  const json& r = x.answer.response;
  EXPECT_EQ(r["JobId"], id);
  EXPECT_EQ(r["JobName"], "observed");
  EXPECT_EQ(r["JobState"], "FAILED_INTERRUPTED");
  EXPECT_EQ(r["TaskInstanceMetrics"]["RunningCount"], 1);
  EXPECT_EQ(r["TaskInstanceMetrics"]["FailedInterruptedCount"], 1);
  EXPECT_EQ(r["TaskInstanceMetrics"]["SucceedCount"], 1);
  EXPECT_EQ(r["TaskInstanceMetrics"]["SubmittedCount"], 1);
  EXPECT_EQ(r["CreateTime"], "2024-12-31T23:59:59Z");
  EXPECT_EQ(r["TaskSet"].size(), 2U);
}

// CONC-1: of concurrent deletes of one deletable job exactly one succeeds.
TEST(ConcurrentDeletes, ExactlyOneSucceedsOverHttp) {
  mock::MockConfig config = ControlConfig();
  config.limits[model::Action::kDeleteJob] = 0;  // the limit is not under test here
  MockFixture f(Via::kHttp, config);
  std::string id = f.Create("SUCCEED", {"SUCCEED"});
  constexpr int kThreads = 8;
  std::vector<std::string> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // One connection per thread.
      auto client = f.Client(DefaultCredentials());
      outcomes[static_cast<std::size_t>(i)] =
          OutcomeText(client->Send(model::DeleteJobRequest(id)));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "success"), 1);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "ResourceNotFound.Job"), kThreads - 1);
}

// COM-6 from both sides in every style: a DescribeJobs just under its style's limit is
// answered (a GET of 30,000 bytes: a request line far over cpp-httplib's own 8 KiB), one just
// over it is refused, and so is a request line over 64 KiB; the mock answers the next request.
TEST_P(ClauseTest, EachSizeLimitHoldsFromBothSides) {
  MockFixture f(GetParam());
  struct Row {
    Style style;
    std::size_t under;
    std::size_t over;
  };
  const Row rows[] = {{Style::kApi3Get, 30000, 32 * 1024 + 1},
                      {Style::kQueryGet, 30000, 70000},
                      {Style::kFormPost, 990000, (1 << 20) + 1},
                      {Style::kApi3Post, 9900000, (10 << 20) + 1}};
  auto padded = [](std::size_t n) {
    json filter = {{"Name", "job-name"}, {"Values", {std::string(n, 'a')}}};
    return Call::Of({model::Action::kDescribeJobs, {{"Filters", json::array({filter})}}},
                    "ap-guangzhou");
  };
  auto same = [](protocol::EncodeOptions&) {};
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(protocol::StyleName(r.style)));
    EXPECT_EQ(OutcomeText(Styled(f, r.style, same, padded(r.under))), "success");
    EXPECT_EQ(OutcomeText(Styled(f, r.style, same, padded(r.over))), "RequestSizeLimitExceeded");
    EXPECT_EQ(OutcomeText(f.Send(model::DescribeJobRequest("job-00000000"))),
              "ResourceNotFound.Job");
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, ClauseTest, ::testing::Values(Via::kHttp, Via::kInProcess),
                         ViaName);

}  // namespace
}  // namespace dj::testing
