// What the generators and probes reach, judged end to end against the in-process mock: JobId
// near misses in every request style (ID-1 as the server sees the id), AUTH-2 at the exact
// edge of the window, COM-6 at each style's limit from both sides.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdio>
#include <functional>

#include "harness/client/inprocess_target.h"
#include "harness/runner/driver.h"
#include "harness/runner/generators.h"
#include "models/job_id.h"
#include "models/job_id_gen.h"
#include "tests/harness/findings_text.h"

namespace dj::run {
namespace {

using model::Action;
using protocol::Style;

constexpr Style kStyles[] = {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet,
                             Style::kFormPost};

// The in-process mock behind a front end: `rule` may answer a request in the mock's stead.
// Each request moves the shared clock by `tick_s` first (a second passing in transit).
class Front final : public client::Target {
 public:
  // Called with the request and the clock's reading after the tick.
  using Rule = std::function<std::optional<client::SendResult>(const protocol::HttpRequest&,
                                                              std::int64_t now)>;
  Front(mock::MockService& service, Rule rule, std::atomic<std::int64_t>& now, int tick_s)
      : service_(service), rule_(std::move(rule)), now_(now), tick_s_(tick_s) {}
  client::SendResult Send(const protocol::HttpRequest& request) override {
    now_ += tick_s_;
    if (rule_) {
      if (auto answer = rule_(request, now_.load())) return *answer;
    }
    return client::InProcessTarget(service_).Send(request);
  }
  std::string HostHeader() const override { return "batch.tencentcloudapi.com"; }
  std::string Name() const override { return "front end"; }
  std::unique_ptr<Target> Another() const override {
    return std::make_unique<Front>(service_, rule_, now_, tick_s_);
  }

 private:
  mock::MockService& service_;
  Rule rule_;
  std::atomic<std::int64_t>& now_;
  int tick_s_;
};

struct RigOptions {
  DriverConfig driver;
  mock::FaultSet faults;
  Front::Rule rule;
  int tick_s = 0;
  bool control = true;
};

// One driver over a fresh in-process mock with control, both reading one frozen clock.
struct Rig {
  std::atomic<std::int64_t> now{1735689599};
  mock::MockConfig config;
  mock::MockService service;
  Front target;
  Driver driver;

  explicit Rig(RigOptions o = {})
      : config(Config(o.faults)),
        service(config, [this] { return now.load(); }),
        target(service, o.rule, now, o.tick_s),
        driver(target, o.control ? &target : nullptr, config.credentials.front(),
               WithClock(std::move(o.driver))) {}

  static mock::MockConfig Config(mock::FaultSet faults) {
    mock::MockConfig c;
    c.control = true;
    c.faults = std::move(faults);
    return c;
  }
  DriverConfig WithClock(DriverConfig d) {
    d.wall_seconds = [this] { return now.load(); };
    return d;
  }

  // The findings of the steps, and the record of the last API request.
  std::vector<Finding> Run(const std::vector<Step>& steps) {
    std::vector<Finding> out;
    if (!driver.Begin().ok()) ADD_FAILURE() << "Begin failed";
    for (const Step& s : steps) {
      auto found = driver.Execute(s);
      out.insert(out.end(), found.begin(), found.end());
    }
    return out;
  }
  const Recorded& LastApi() const {
    for (auto it = driver.trace().rbegin(); it != driver.trace().rend(); ++it) {
      if (it->kind == "api") return *it;
    }
    static const Recorded kNone;
    return kNone;
  }
};

// The JobId the server read off the request (decoded once, as a query or form value is).
std::optional<std::string> JobIdSeen(const protocol::HttpRequest& request) {
  auto wire = protocol::ParseWire(request);
  if (!wire) return std::nullopt;
  auto params = protocol::ApiParams(*wire);
  if (!params || !params->contains("JobId") || !(*params)["JobId"].is_string()) {
    return std::nullopt;
  }
  return (*params)["JobId"].get<std::string>();
}

// A near miss, sent in any style with any legal encoding, reaches the server as the id it is
// (a %XX written into the id arrives as those three characters, never decoded a second time),
// and the model expects what the mock answers: JobIdMalformed when ^job-[0-9a-z]{8}$ refuses
// it, ResourceNotFound.Job for one that happens to be well formed. No finding either way.
RC_GTEST_PROP(NearMissProp, JudgedAsTheServerSeesItInEveryStyle, ()) {
  model::NearMissId miss = *model::GenNearMissJobId(/*huge_weight=*/0);
  Style style = *rc::gen::elementOf(std::vector<Style>(std::begin(kStyles), std::end(kStyles)));
  Encoding encoding;
  encoding.space_as_plus = *rc::gen::arbitrary<bool>();
  encoding.encode_unreserved = *rc::gen::arbitrary<bool>();
  encoding.reverse_param_order = *rc::gen::arbitrary<bool>();
  RC_TAG(std::string(model::NearMissName(miss.kind)), std::string(protocol::StyleName(style)));
  Rig rig;
  std::vector<Finding> found =
      rig.Run({ApiCall{model::DeleteJobRequest(miss.id), style, encoding, WireFault::kNone}});
  RC_ASSERT(found.empty());
  const Recorded& r = rig.LastApi();
  RC_ASSERT(JobIdSeen(r.request) == std::optional<std::string>(miss.id));
  bool valid = model::IsWellFormedJobId(miss.id);
  RC_ASSERT(r.outcome == (valid ? "ResourceNotFound.Job" : "InvalidParameter.JobIdMalformed"));
}

TEST(NearMiss, PercentEncodedIdsAreMalformedInQueryStylesToo) {
  for (Style style : kStyles) {
    for (bool encode_unreserved : {false, true}) {
      Rig rig;
      Encoding encoding;
      encoding.encode_unreserved = encode_unreserved;
      std::vector<Finding> found = rig.Run(
          {ApiCall{model::DeleteJobRequest("job-%61bcdefg"), style, encoding, WireFault::kNone},
           ApiCall{model::DeleteJobRequest("job-%2561bcdefg"), style, encoding, WireFault::kNone}});
      EXPECT_TRUE(found.empty()) << Text(found);
      EXPECT_EQ(rig.LastApi().outcome, "InvalidParameter.JobIdMalformed");
      EXPECT_EQ(JobIdSeen(rig.LastApi().request), "job-%2561bcdefg");
    }
  }
}

// The 1 MiB id: ID-1 in a v3 POST body, COM-6 in a GET (32 KB) and a v1 form (1 MB).
TEST(NearMiss, HugeIdsAreMalformedOrTooLargeByStyle) {
  std::string huge = model::GenNearMissJobId(model::NearMiss::kHuge)(rc::Random(), 0).value();
  for (Style style : kStyles) {
    Rig rig;
    std::vector<Finding> found =
        rig.Run({ApiCall{model::DeleteJobRequest(huge), style, Encoding{}, WireFault::kNone}});
    EXPECT_TRUE(found.empty()) << protocol::StyleName(style) << "\n" << Text(found);
    EXPECT_EQ(rig.LastApi().outcome, style == Style::kApi3Post ? "InvalidParameter.JobIdMalformed"
                                                               : "RequestSizeLimitExceeded")
        << protocol::StyleName(style);
  }
}

// ----- AUTH-2 at the window's exact edge -----

constexpr WireFault kEdgeFaults[] = {WireFault::kTimestamp299Past,  WireFault::kTimestamp299Future,
                                     WireFault::kTimestamp300Past,  WireFault::kTimestamp300Future,
                                     WireFault::kTimestamp301Past,  WireFault::kTimestamp301Future};

std::vector<Step> EdgeProbes() {
  std::vector<Step> steps;
  for (Style style : kStyles) {
    for (WireFault f : kEdgeFaults) {
      steps.push_back(
          ApiCall{model::DescribeJobRequest("job-00000000"), style, Encoding{}, f});
    }
  }
  return steps;
}

// A front end whose window is closed at exactly 300 s (the other reading of the spec): it
// refuses a timestamp 300 s or more from its clock.
std::optional<client::SendResult> ClosedAt300(const protocol::HttpRequest& r, std::int64_t now) {
  static std::atomic<int> answered{0};
  auto wire = protocol::ParseWire(r);
  if (!wire || !wire->timestamp_text) return std::nullopt;
  std::int64_t skew = std::stoll(*wire->timestamp_text) - now;
  if (skew > -300 && skew < 300) return std::nullopt;
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", answered.fetch_add(1));
  return client::SendResult(
      protocol::ErrorResponse(id, model::ErrorCode::kAuthSignatureExpire, "expired"));
}

std::vector<std::string> Outcomes(const Driver& driver) {
  std::vector<std::string> out;
  for (const auto& r : driver.trace()) {
    if (r.kind == "api") out.push_back(r.outcome);
  }
  return out;
}

TEST(ClockEdge, TheReferenceMockPassesAt299And300And301InEveryStyle) {
  RigOptions o;
  o.driver.exact_clock = true;
  Rig rig(o);
  std::vector<Finding> found = rig.Run(EdgeProbes());
  EXPECT_TRUE(found.empty()) << Text(found);
  std::vector<std::string> outcomes = Outcomes(rig.driver);
  ASSERT_EQ(outcomes.size(), 24U);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i], i % 6 < 4 ? "ResourceNotFound.Job" : "AuthFailure.SignatureExpire")
        << i;
  }
  EXPECT_GE(rig.driver.checks().at(model::Clause::kAuthExpired), 8);
}

TEST(ClockEdge, AWindowClosedAtExactly300IsConformantToo) {
  RigOptions o;
  o.driver.exact_clock = true;
  o.rule = ClosedAt300;
  Rig rig(o);
  std::vector<Finding> found = rig.Run(EdgeProbes());
  EXPECT_TRUE(found.empty()) << Text(found);
  std::vector<std::string> outcomes = Outcomes(rig.driver);
  ASSERT_EQ(outcomes.size(), 24U);
  EXPECT_EQ(outcomes[2], "AuthFailure.SignatureExpire");  // 300 s in the past
}

TEST(ClockEdge, A301SecondTimestampAcceptedIsFoundOnlyWhenTheClockIsExact) {
  for (bool exact : {true, false}) {
    RigOptions o;
    o.driver.exact_clock = exact;
    o.faults = {mock::Fault::kExpiredAccepted};
    Rig rig(o);
    std::vector<Finding> found = rig.Run(EdgeProbes());
    if (!exact) {
      EXPECT_TRUE(found.empty()) << Text(found);  // nothing is demanded at the edge
      continue;
    }
    ASSERT_EQ(found.size(), 8U) << Text(found);  // 301 s either side, in four styles
    for (const Finding& f : found) EXPECT_EQ(f.clause, model::Clause::kAuthExpired) << f.message;
  }
}

// A second passes between signing and the answer: 299 s may have been 300 s on arrival, and
// a window closed at 300 s refuses it. Not a finding; 301 s in the past is still demanded.
TEST(ClockEdge, ASecondPassingInTransitOpensTheEdge) {
  RigOptions o;
  o.driver.exact_clock = true;
  o.tick_s = 1;
  o.rule = ClosedAt300;
  Rig rig(o);
  std::vector<Finding> found = rig.Run(EdgeProbes());
  EXPECT_TRUE(found.empty()) << Text(found);
  EXPECT_EQ(Outcomes(rig.driver)[0], "AuthFailure.SignatureExpire");  // 299 s past, seen at 300
}

TEST(ClockEdge, TheEdgeIsGeneratedAndPlannedOnlyWithAnExactClock) {
  for (bool exact : {false, true}) {
    GenModel m;
    m.styles = {kStyles[0], kStyles[1], kStyles[2], kStyles[3]};
    m.exact_clock = exact;
    int edge = 0;
    for (const auto& history : ControlPlan(m, PropertyKind::kAuthCommon)) {
      for (const Step& s : history) {
        const auto* call = std::get_if<ApiCall>(&s);
        edge += call != nullptr && EdgeShift(call->fault) ? 1 : 0;
      }
    }
    EXPECT_EQ(edge, exact ? 12 : 0);  // six faults, v3 and v1
    rc::Random random(4);
    for (int i = 0; i < 2000 && !exact; ++i) {
      Step s = GenStep(m, PropertyKind::kAuthCommon)(random.split(), 30).value();
      const auto* call = std::get_if<ApiCall>(&s);
      EXPECT_FALSE(call != nullptr && EdgeShift(call->fault)) << Describe(s);
    }
  }
}

// ----- COM-6 at each limit -----

GenModel AllStyles(bool control) {
  GenModel m;
  m.styles = {kStyles[0], kStyles[1], kStyles[2], kStyles[3]};
  m.control = control;
  return m;
}

// The size probes, one history after another.
std::vector<Step> Flat(const std::vector<std::vector<Step>>& histories) {
  std::vector<Step> out;
  for (const auto& h : histories) out.insert(out.end(), h.begin(), h.end());
  return out;
}

TEST(SizeProbes, UnderEveryReadingOfTheLimitAndOverIt) {
  ASSERT_EQ(SizeProbes(AllStyles(false)).size(), 4U);  // a history per style
  std::vector<Step> probes = Flat(SizeProbes(AllStyles(false)));
  ASSERT_EQ(probes.size(), 8U);
  for (const Step& s : probes) {
    const auto& call = std::get<ApiCall>(s);
    EXPECT_LT(nlohmann::json(s).dump().size(), 1000U);  // replay files hold the step
    Planted planted = Plant(call, "ap-guangzhou", 5);
    planted.options.timestamp = 1735689599;
    std::size_t bytes =
        WireBytes(protocol::Encode(planted.call, {"AKIDexample", "key", ""}, planted.options));
    if (call.fault == WireFault::kNearLimit) {
      EXPECT_LT(bytes, SizeLimitBytes(call.style, true)) << Describe(s);
      EXPECT_GT(bytes * 10, SizeLimitBytes(call.style, true) * 9) << Describe(s);
    } else {
      EXPECT_EQ(call.fault, WireFault::kOverLimit);
      EXPECT_GT(bytes, SizeLimitBytes(call.style, false) + 1) << Describe(s);
    }
  }
  EXPECT_EQ(Flat(SizeProbes(AllStyles(true))).size(), 7U);  // AuthCommonPlan: v3 oversize
}

TEST(SizeProbes, TheReferenceMockAnswersUnderAndRefusesOverInEveryStyle) {
  for (bool control : {true, false}) {
    RigOptions o;
    o.control = control;
    Rig rig(o);
    std::vector<Step> probes = Flat(SizeProbes(AllStyles(control)));
    std::vector<Finding> found = rig.Run(probes);
    EXPECT_TRUE(found.empty()) << Text(found);
    std::vector<std::string> expected;
    for (const Step& s : probes) {
      bool near = std::get<ApiCall>(s).fault == WireFault::kNearLimit;
      expected.push_back(near ? "success" : "RequestSizeLimitExceeded");
    }
    EXPECT_EQ(Outcomes(rig.driver), expected);
    EXPECT_GE(rig.driver.checks().at(model::Clause::kTooLarge), 7);
  }
}

// nginx as Debian ships it: bodies up to 1 MiB (client_max_body_size 1m), request lines up to
// 8 KiB (large_client_header_buffers 4 8k); its refusals are HTML.
std::optional<client::SendResult> StockNginx(const protocol::HttpRequest& r, std::int64_t) {
  int status = r.body.size() > (1U << 20) ? 413 : r.target.size() > 8192 ? 414 : 0;
  if (status == 0) return std::nullopt;
  protocol::HttpResponse answer;
  answer.status = status;
  answer.headers.emplace_back("Content-Type", "text/html");
  answer.body = "<html><body><h1>" + std::to_string(status) + "</h1></body></html>";
  return client::SendResult(answer);
}

TEST(SizeProbes, AGatewayTighterThanTheApiIsReportedUnderCom6InEitherProfile) {
  for (model::Profile profile : {model::Profile::kStrict, model::Profile::kLenient}) {
    RigOptions o;
    o.driver.profile = profile;
    o.rule = StockNginx;
    Rig rig(o);
    std::vector<Finding> found = rig.Run(Flat(SizeProbes(AllStyles(true))));
    std::string text = Text(found);
    EXPECT_NE(text.find("COM-6: a request under the size limit of its style was refused with HTTP "
                        "413 (99"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("was refused with HTTP 414"), std::string::npos) << text;
    for (const Finding& f : found) EXPECT_EQ(f.clause, model::Clause::kTooLarge) << f.message;
    // Under: the two GETs (414) and the v3 POST (413); the v1 form fits nginx's 1 MiB. Over:
    // the bare refusals are COM-6's lenient answers, strict's failures.
    EXPECT_EQ(found.size(), profile == model::Profile::kLenient ? 3U : 6U) << text;
  }
}

// A front end that times out on large requests (or loses the canary too, when `canary_lost`).
Front::Rule LosesLargeRequests(bool canary_lost) {
  return [canary_lost](const protocol::HttpRequest& r,
                       std::int64_t) -> std::optional<client::SendResult> {
    bool canary = r.body.find(planted::kCanaryId) != std::string::npos;
    if (r.body.size() > 100000 || (canary_lost && canary)) {
      return client::SendResult(Failure{client::TransportError{
          "no whole answer within 10000 ms", client::TransportErrorKind::kTimeout, true}});
    }
    return std::nullopt;
  };
}

// A size probe without an answer is not judged when the canary after it is answered; when the
// canary gets none either, ROB-1.
TEST(SizeProbes, ALostProbeIsLeftToTheCanary) {
  for (bool canary_lost : {false, true}) {
    RigOptions o;
    o.rule = LosesLargeRequests(canary_lost);
    Rig rig(o);
    std::vector<Finding> found = rig.Run(SizeProbes(AllStyles(false)).front());  // api3-post
    if (!canary_lost) {
      EXPECT_TRUE(found.empty()) << Text(found);
      EXPECT_NE(rig.LastApi().note.find("not judged"), std::string::npos);
      continue;
    }
    ASSERT_FALSE(found.empty());
    for (const Finding& f : found) EXPECT_EQ(f.clause, model::Clause::kRobAlive) << f.message;
  }
}

}  // namespace
}  // namespace dj::run
