// The outside judge of rate limiters (RL-1, RL-2, RL-4) and the client's token bucket.
#include "models/rate_judge.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "models/gen_util.h"
#include "models/token_bucket.h"

namespace dj::model {
namespace {

const RateKey kOne{"AKIDone", Action::kDeleteJob, "ap-guangzhou"};
const RateKey kTwo{"AKIDtwo", Action::kDeleteJob, "ap-guangzhou"};

Interval At(std::int64_t t) { return {t, t}; }

TEST(RateJudge, PacedStreamMustBeAdmitted) {
  RateJudge judge;
  RateVerdict first = judge.Judge(kOne, At(0), 2);
  EXPECT_TRUE(first.must_admit);
  EXPECT_FALSE(first.must_refuse);
  judge.Record(kOne, At(0), Admission::kAdmitted);
  EXPECT_TRUE(judge.Judge(kOne, At(10), 2).must_admit);  // two in the window: paced
  judge.Record(kOne, At(10), Admission::kAdmitted);
  RateVerdict third = judge.Judge(kOne, At(999), 2);
  EXPECT_FALSE(third.must_admit);
  EXPECT_TRUE(third.must_refuse);
  EXPECT_EQ(third.admitted_in_window, 2);
  // (0, 1000] no longer holds the request at 0: with the one at 10, this one is paced.
  RateVerdict later = judge.Judge(kOne, At(1000), 2);
  EXPECT_TRUE(later.must_admit);
  EXPECT_FALSE(later.must_refuse);
  EXPECT_EQ(later.admitted_in_window, 1);
}

TEST(RateJudge, RefusedRequestsStillMakeAStreamUnpaced) {
  RateJudge judge;
  judge.Record(kOne, At(0), Admission::kAdmitted);
  judge.Record(kOne, At(1), Admission::kRefused);
  RateVerdict v = judge.Judge(kOne, At(2), 2);
  // A limiter that counts refused requests may refuse this one; one that does not must not
  // admit more than two: both are conformant, so nothing is demanded.
  EXPECT_FALSE(v.must_admit);
  EXPECT_FALSE(v.must_refuse);
}

TEST(RateJudge, CredentialsAreJudgedApartAndTogether) {
  RateJudge judge;
  judge.Record(kOne, At(0), Admission::kAdmitted);
  judge.Record(kOne, At(0), Admission::kAdmitted);
  RateVerdict other = judge.Judge(kTwo, At(0), 2);
  EXPECT_TRUE(other.must_admit_own);  // RL-4: its own stream is empty
  EXPECT_FALSE(other.must_admit);     // but over both credentials it is not paced
  EXPECT_FALSE(other.must_refuse);
  EXPECT_TRUE(judge.Judge(kOne, At(0), 2).must_refuse);
}

TEST(RateJudge, UnknownAnswersNeverMakeARefusalDue) {
  RateJudge judge;
  judge.Record(kOne, At(0), Admission::kUnknown);
  judge.Record(kOne, At(0), Admission::kUnknown);
  RateVerdict v = judge.Judge(kOne, At(0), 2);
  EXPECT_FALSE(v.must_refuse);
  EXPECT_FALSE(v.must_admit);
}

TEST(RateJudge, SlackAllowsTwiceTheLimit) {
  RateJudge judge({.window_ms = 1000, .slack = 2, .margin_ms = 0});
  for (int i = 0; i < 3; ++i) judge.Record(kOne, At(i), Admission::kAdmitted);
  EXPECT_FALSE(judge.Judge(kOne, At(3), 2).must_refuse);
  judge.Record(kOne, At(3), Admission::kAdmitted);
  EXPECT_TRUE(judge.Judge(kOne, At(4), 2).must_refuse);
}

TEST(RateJudge, RealTimeIntervalsAreJudgedConservatively) {
  RateJudge judge({.window_ms = 1000, .slack = 1, .margin_ms = 50});
  judge.Record(kOne, {0, 100}, Admission::kAdmitted);
  judge.Record(kOne, {100, 200}, Admission::kAdmitted);
  // Sent 850 ms after the first answer: the first may still be inside its window (margin
  // included), so three requests may share one: not paced. Surely inside? 900 - 0 >= 950? No:
  // 900 < 950, so both admissions are surely in its window and it must be refused.
  RateVerdict v = judge.Judge(kOne, {850, 900}, 2);
  EXPECT_FALSE(v.must_admit);
  EXPECT_TRUE(v.must_refuse);
  // Sent 1200 ms after the first answer: the first is surely out of the window.
  RateVerdict later = judge.Judge(kOne, {1300, 1400}, 2);
  EXPECT_TRUE(later.must_admit);
  EXPECT_FALSE(later.must_refuse);
  // In between: neither demanded.
  RateVerdict between = judge.Judge(kOne, {1000, 1040}, 2);
  EXPECT_FALSE(between.must_admit);
  EXPECT_FALSE(between.must_refuse);
}

TEST(RateJudge, NoLimitDemandsNothing) {
  RateJudge judge;
  for (int i = 0; i < 10; ++i) judge.Record(kOne, At(0), Admission::kAdmitted);
  RateVerdict v = judge.Judge(kOne, At(0), 0);
  EXPECT_FALSE(v.must_admit);
  EXPECT_FALSE(v.must_refuse);
}

// A limiter under test: admit or refuse a request of key k at time t.
using Limiter = std::function<bool(const RateKey&, std::int64_t)>;

struct Request {
  std::int64_t gap_ms;
  bool second_credential;
};

// Runs a schedule through a limiter: how many demands of the judge it broke.
struct Breaches {
  int must_admit = 0;
  int must_refuse = 0;
};
Breaches RunSchedule(const std::vector<Request>& schedule, const Limiter& limiter, int limit,
                     RateJudgeOptions options = {}) {
  RateJudge judge(options);
  Breaches b;
  std::int64_t t = 0;
  for (const Request& r : schedule) {
    t += r.gap_ms;
    const RateKey& key = r.second_credential ? kTwo : kOne;
    RateVerdict v = judge.Judge(key, At(t), limit);
    bool admitted = limiter(key, t);
    if (v.must_admit_own && !admitted) ++b.must_admit;
    if (v.must_refuse && admitted) ++b.must_refuse;
    judge.Record(key, At(t), admitted ? Admission::kAdmitted : Admission::kRefused);
  }
  return b;
}

rc::Gen<std::vector<Request>> GenSchedule() {
  auto gap = rc::gen::weightedOneOf<std::int64_t>(
      {{3, rc::gen::element<std::int64_t>(0, 1, 499, 500, 501, 999, 1000, 1001)},
       {2, UniformInRange<std::int64_t>(0, 1500)}});
  return rc::gen::container<std::vector<Request>>(rc::gen::build<Request>(
      rc::gen::set(&Request::gap_ms, gap), rc::gen::set(&Request::second_credential)));
}

RC_GTEST_PROP(RateJudge, TheSlidingLogLimiterMeetsEveryDemand, ()) {
  RateLimiter mock;  // what the reference mock runs
  Breaches b = RunSchedule(
      *GenSchedule(), [&](const RateKey& k, std::int64_t t) { return mock.Admit(k, t, 2); }, 2);
  RC_ASSERT(b.must_admit == 0);
  RC_ASSERT(b.must_refuse == 0);
}

RC_GTEST_PROP(RateJudge, ALimiterCountingRefusedRequestsMeetsEveryDemand, ()) {
  std::map<RateKey, std::vector<std::int64_t>> arrivals;
  Breaches b = RunSchedule(
      *GenSchedule(),
      [&](const RateKey& k, std::int64_t t) {
        auto& log = arrivals[k];
        auto in_window =
            std::count_if(log.begin(), log.end(), [t](std::int64_t a) { return t - a < 1000; });
        log.push_back(t);
        return in_window < 2;
      },
      2);
  RC_ASSERT(b.must_admit == 0);
  RC_ASSERT(b.must_refuse == 0);
}

// A fixed-window limiter: at most `limit` per aligned second.
Limiter FixedWindow(std::map<std::pair<RateKey, std::int64_t>, int>& counts, int limit) {
  return [&counts, limit](const RateKey& k, std::int64_t t) {
    int& n = counts[{k, t / 1000}];
    if (n >= limit) return false;
    ++n;
    return true;
  };
}

RC_GTEST_PROP(RateJudge, AFixedWindowLimiterMeetsEveryDemandWithSlack, ()) {
  std::map<std::pair<RateKey, std::int64_t>, int> counts;
  Breaches b = RunSchedule(*GenSchedule(), FixedWindow(counts, 2), 2,
                           {.window_ms = 1000, .slack = 2, .margin_ms = 0});
  RC_ASSERT(b.must_admit == 0);
  RC_ASSERT(b.must_refuse == 0);
}

TEST(RateJudge, AFixedWindowLimiterBreaksTheStrictWindow) {
  std::map<std::pair<RateKey, std::int64_t>, int> counts;
  // Two at the end of one second, two at the start of the next: four in 2 ms.
  Breaches b =
      RunSchedule({{998, false}, {1, false}, {1, false}, {1, false}}, FixedWindow(counts, 2), 2);
  EXPECT_EQ(b.must_refuse, 2);
  EXPECT_EQ(b.must_admit, 0);
}

TEST(RateJudge, ABurstyTokenBucketBreaksTheWindow) {
  TokenBucket bucket(2.0, 2.0);  // two per second, bursts of two: three in 500 ms
  Breaches b = RunSchedule(
      {{0, false}, {0, false}, {500, false}},
      [&](const RateKey&, std::int64_t t) { return bucket.Reserve(t) == t; }, 2);
  EXPECT_EQ(b.must_refuse, 1);
}

TEST(RateJudge, ALimitOfOneBreaksLiveness) {
  RateLimiter strict;
  Breaches b = RunSchedule(
      {{0, false}, {0, false}},
      [&](const RateKey& k, std::int64_t t) { return strict.Admit(k, t, 1); }, 2);
  EXPECT_EQ(b.must_admit, 1);
}

TEST(TokenBucket, StartsFullThenSpacesReservations) {
  TokenBucket bucket(1.8, 1.0);
  EXPECT_EQ(bucket.Reserve(0), 0);
  EXPECT_EQ(bucket.Reserve(0), 556);   // one token takes 555.6 ms
  EXPECT_EQ(bucket.Reserve(0), 1112);  // queued behind the previous reservation
  EXPECT_EQ(bucket.Reserve(5000), 5000);
}

TEST(TokenBucket, SpendingPutsTheBucketInDebt) {
  TokenBucket bucket(2.0, 1.0);
  bucket.Spend(0);
  bucket.Spend(0);
  EXPECT_EQ(bucket.Reserve(0), 1000);  // one token owed, one needed
}

// Reservations at 90 % of the limit never put more than the limit in any window, whenever
// they are asked for: a sliding-window target admits every one of them.
RC_GTEST_PROP(TokenBucket, NinetyPercentOfTheLimitStaysInsideEveryWindow, ()) {
  int limit = *UniformInRange(1, 6);
  TokenBucket bucket(0.9 * limit, 1.0);
  auto gaps = *rc::gen::container<std::vector<std::int64_t>>(UniformInRange<std::int64_t>(0, 1200));
  std::vector<std::int64_t> sent;
  std::int64_t now = 0;
  for (std::int64_t gap : gaps) {
    now += gap;
    std::int64_t at = bucket.Reserve(now);
    RC_ASSERT(at >= now);
    sent.push_back(at);
    now = at;
  }
  for (std::int64_t t : sent) {
    auto in_window = std::count_if(sent.begin(), sent.end(),
                                   [t](std::int64_t s) { return s <= t && t - s < 1000; });
    RC_ASSERT(in_window <= limit);
  }
}

}  // namespace
}  // namespace dj::model
