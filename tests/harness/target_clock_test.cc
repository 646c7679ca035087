// The target's clock (client/target_clock.h) against fake targets whose clock, Date header and
// signature window are given; the Date header's format (protocol/http_date.h); the mock's
// --clock-offset-s and Date header; waits that an interrupt cuts short (protocol/clocks.h).
#include "harness/client/target_clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "harness/client/inprocess_target.h"
#include "harness/client/pacer.h"
#include "harness/mock/mock_service.h"
#include "harness/protocol/clocks.h"
#include "harness/protocol/http_date.h"

namespace dj::client {
namespace {

constexpr std::int64_t kOurStartMs = 1'735'689'599'250;  // 2024-12-31T23:59:59.25Z

// A target on a fake clock that both sides read: it answers DescribeJob with
// ResourceNotFound.Job, or AuthFailure.SignatureExpire when the signed timestamp is outside
// its window around its own clock (our clock + offset_s). It sends a Date header of
// date_offset_s (or none), and each call takes round_trips_ms[i] (the last one repeating).
class ClockTarget final : public Target {
 public:
  std::int64_t now_ms = kOurStartMs;              // our clock
  std::int64_t offset_s = 0;                      // the clock it checks signatures by
  std::optional<std::int64_t> date_offset_s = 0;  // the clock its Date header shows; none
  std::int64_t window_past_s = 300;
  std::optional<std::int64_t> window_future_s = 300;  // std::nullopt: no limit ahead
  bool checks_freshness = true;
  std::vector<std::int64_t> round_trips_ms = {20};
  double read_at = 0.5;  // when in a call the target reads its clock
  int calls = 0;
  bool fail = false;
  TransportErrorKind fail_kind = TransportErrorKind::kConnect;

  SendResult Send(const protocol::HttpRequest& request) override {
    if (fail) return Failure{TransportError{"it failed", fail_kind, false}};
    std::int64_t rtt = round_trips_ms[std::min<std::size_t>(static_cast<std::size_t>(calls),
                                                            round_trips_ms.size() - 1)];
    ++calls;
    std::int64_t before = static_cast<std::int64_t>(static_cast<double>(rtt) * read_at);
    now_ms += before;
    std::int64_t target_s = FloorSeconds(now_ms) + offset_s;
    std::int64_t signed_s = std::stoll(
        std::string(protocol::FindHeader(request.headers, "X-TC-Timestamp").value_or("0")));
    bool expired =
        checks_freshness && (signed_s < target_s - window_past_s ||
                             (window_future_s && signed_s > target_s + *window_future_s));
    protocol::HttpResponse r;
    r.status = 200;
    r.headers.emplace_back("Content-Type", "application/json");
    if (date_offset_s) {
      r.headers.emplace_back("Date",
                             protocol::FormatHttpDate(FloorSeconds(now_ms) + *date_offset_s));
    }
    r.body = std::string(R"({"Response":{"Error":{"Code":")") +
             (expired ? "AuthFailure.SignatureExpire" : "ResourceNotFound.Job") +
             R"(","Message":"m"},"RequestId":"7d6c3bd4-0000-4000-8000-000000000000"}})";
    now_ms += rtt - before;
    return r;
  }
  std::string HostHeader() const override { return "127.0.0.1:9"; }
  std::string Name() const override { return "clock target"; }

  static std::int64_t FloorSeconds(std::int64_t ms) {
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  }
};

const protocol::Credentials kCreds{"AKIDclockTest", "clockTestKey", ""};

ClockProbeConfig ConfigFor(ClockTarget& t) {
  ClockProbeConfig c;
  c.probe = model::DescribeJobRequest("job-zzzzzzzz");
  c.wall_ms = [&t] { return t.now_ms; };
  return c;
}

TEST(TargetClock, ReadsTheDateHeader) {
  for (std::int64_t offset : {0, 40, -40, 400, -400, 86400}) {
    ClockTarget t;
    t.offset_s = offset;
    t.date_offset_s = offset;
    auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
    ASSERT_TRUE(e) << e.error();
    EXPECT_NEAR(static_cast<double>(e->offset_s), static_cast<double>(offset), 1.0) << offset;
    EXPECT_EQ(e->source, ClockSource::kDateHeader);
    EXPECT_EQ(e->uncertainty_s, 1);
    EXPECT_EQ(e->requests, 4);  // three samples and the check
  }
}

TEST(TargetClock, TheQuickestAnswerCounts) {
  // The slow answers' midpoints are 2.5 s before the target read its clock; the quick one's
  // 10 ms: taking a slow one would be 2 s off.
  ClockTarget t;
  t.offset_s = t.date_offset_s.emplace(40);
  t.round_trips_ms = {5000, 20, 5000, 20};
  t.read_at = 1.0;  // at the end of each call: a midpoint is rtt / 2 early
  auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
  ASSERT_TRUE(e) << e.error();
  EXPECT_NEAR(static_cast<double>(e->offset_s), 40.0, 1.0);
}

TEST(TargetClock, WithoutADateHeaderFindsTheSignatureWindow) {
  for (std::int64_t offset : {0, 40, -40, 299, 301, -1000, 5000, -10000}) {
    ClockTarget t;
    t.offset_s = offset;
    t.date_offset_s.reset();
    ClockProbeConfig config = ConfigFor(t);
    auto e = EstimateTargetClock(t, kCreds, config);
    ASSERT_TRUE(e) << offset << ": " << e.error();
    EXPECT_NEAR(static_cast<double>(e->offset_s), static_cast<double>(offset), 1.0) << offset;
    EXPECT_EQ(e->source, ClockSource::kSignatureWindow);
    EXPECT_LE(e->requests, MaxClockProbeRequests(config)) << offset;
    if (offset == 40) {
      EXPECT_EQ(e->requests, 24);  // the figure target_clock.h gives
    }
  }
}

TEST(TargetClock, AWindowThatRefusesOnlyOldTimestampsIsTakenAsTheDocumentedOne) {
  ClockTarget t;
  t.offset_s = 100;
  t.date_offset_s.reset();
  t.window_future_s.reset();
  auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
  ASSERT_TRUE(e) << e.error();
  EXPECT_NEAR(static_cast<double>(e->offset_s), 100.0, 1.0);
}

TEST(TargetClock, ATargetThatChecksNoFreshnessLeavesOurClock) {
  ClockTarget t;
  t.offset_s = 700;
  t.date_offset_s.reset();
  t.checks_freshness = false;
  auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->source, ClockSource::kNoWindow);
  EXPECT_EQ(e->offset_s, 0);
  EXPECT_NE(e->Describe().find("unknown"), std::string::npos) << e->Describe();
}

TEST(TargetClock, ADateHeaderThatIsNotTheSigningClockFails) {
  ClockTarget t;
  t.offset_s = 0;
  t.date_offset_s = 1000;
  auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("AuthFailure.SignatureExpire"), std::string::npos) << e.error();
  EXPECT_NE(e.error().find("1000 s ahead"), std::string::npos) << e.error();
}

TEST(TargetClock, AClockBeyondTheSearchFails) {
  ClockTarget t;
  t.offset_s = 20000;
  t.date_offset_s.reset();
  ClockProbeConfig config = ConfigFor(t);
  auto e = EstimateTargetClock(t, kCreds, config);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("refused every request"), std::string::npos) << e.error();
  EXPECT_LE(t.calls, MaxClockProbeRequests(config));
  EXPECT_EQ(MaxClockProbeRequests(config), 79);  // the figure target_clock.h gives
}

TEST(TargetClock, NoConnectionFails) {
  ClockTarget t;
  t.fail = true;
  auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("no answer"), std::string::npos) << e.error();
}

// A target that answers, but brokenly (it trickles, sends too much, or no HTTP): the run is
// what judges that, so the estimate leaves our clock instead of ending the run before it.
TEST(TargetClock, AnAnswerThatCannotBeReadLeavesOurClockUnmeasured) {
  for (TransportErrorKind kind : {TransportErrorKind::kTimeout, TransportErrorKind::kTooLarge,
                                  TransportErrorKind::kMalformed, TransportErrorKind::kClosed}) {
    ClockTarget t;
    t.fail = true;
    t.fail_kind = kind;
    auto e = EstimateTargetClock(t, kCreds, ConfigFor(t));
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e->source, ClockSource::kUnmeasured);
    EXPECT_EQ(e->offset_s, 0);
    EXPECT_EQ(e->requests, 1);
    EXPECT_NE(e->Describe().find("not measured (") , std::string::npos) << e->Describe();
    EXPECT_EQ(ClockSourceName(e->source), "unmeasured");
  }
}

TEST(TargetClock, DescribesTheOffsetInOneLine) {
  ClockEstimate e{40, ClockSource::kDateHeader, 1, 4, ""};
  EXPECT_EQ(e.Describe(), "target clock: 40 s ahead of ours (Date header, ±1 s)");
  e.offset_s = -7;
  EXPECT_EQ(e.Describe(), "target clock: 7 s behind ours (Date header, ±1 s)");
  e.offset_s = 0;
  EXPECT_EQ(e.Describe(), "target clock: the same as ours (Date header, ±1 s)");
  EXPECT_EQ(ClockSourceName(ClockSource::kDateHeader), "date-header");
  EXPECT_EQ(ClockSourceName(ClockSource::kSignatureWindow), "signature-window");
}

TEST(HttpDate, FormatsAndReadsImfFixdate) {
  EXPECT_EQ(protocol::FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(protocol::FormatHttpDate(1735689599), "Tue, 31 Dec 2024 23:59:59 GMT");
  EXPECT_EQ(protocol::FormatHttpDate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(protocol::ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(protocol::ParseHttpDate(" Tue, 29 Feb 2000 00:00:00 GMT "), 951782400);
  for (std::int64_t t : {0LL, 1LL, 86399LL, 1735689599LL, 4102444800LL}) {
    EXPECT_EQ(protocol::ParseHttpDate(protocol::FormatHttpDate(t)), t) << t;
  }
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT"}) {
    EXPECT_EQ(protocol::ParseHttpDate(bad), std::nullopt) << bad;
  }
}

// The mock's wall clock: --clock-offset-s moves signature freshness and the Date header.
TEST(MockClock, TheOffsetMovesFreshnessAndTheDateHeader) {
  constexpr std::int64_t kNow = 1735689599;
  mock::MockConfig config;
  config.clock_offset_s = 400;
  mock::MockService service(config, [] { return kNow; });
  InProcessTarget target(service);
  for (std::int64_t shift : {0, 400}) {
    ClientConfig c;
    c.wall_seconds = [shift] { return kNow + shift; };
    ApiClient api(target, config.credentials.front(), c);
    Exchange x = api.Send(model::DescribeJobRequest("job-zzzzzzzz"));
    ASSERT_FALSE(x.transport_error);
    EXPECT_EQ(protocol::FindHeader(x.response.headers, "Date"),
              protocol::FormatHttpDate(kNow + 400));
    EXPECT_EQ(x.answer.code_text,
              shift == 0 ? "AuthFailure.SignatureExpire" : "ResourceNotFound.Job")
        << shift;
  }
  ClockProbeConfig probe;
  probe.probe = model::DescribeJobRequest("job-zzzzzzzz");
  probe.wall_ms = [] { return kNow * 1000 + 500; };
  auto e = EstimateTargetClock(target, config.credentials.front(), probe);
  ASSERT_TRUE(e) << e.error();
  EXPECT_NEAR(static_cast<double>(e->offset_s), 400.0, 1.0);
}

TEST(InterruptibleWait, ARaisedFlagEndsSleepsAndPacing) {
  std::atomic<bool> stop{true};
  auto started = std::chrono::steady_clock::now();
  protocol::SleepMsUnless(60000, &stop);
  Pacer pacer(0.9, nullptr, nullptr, &stop);
  const model::RateKey key{"AKIDone", model::Action::kDeleteJob, "ap-guangzhou"};
  pacer.Acquire(key, 1);
  EXPECT_GT(pacer.Acquire(key, 1), 0);  // it had to wait (about 1.1 s), and did not
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace dj::client
