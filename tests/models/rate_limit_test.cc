// The sliding-window rate-limit model (RL-1, RL-2, RL-4).
#include "models/rate_limit.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace dj::model {
namespace {

const RateKey kKey{"AKIDone", Action::kDeleteJob, "ap-guangzhou"};

TEST(RateLimiter, AtMostLimitInAnyWindow) {
  RateLimiter rl;
  EXPECT_TRUE(rl.Admit(kKey, 0, 2));
  EXPECT_TRUE(rl.Admit(kKey, 0, 2));
  EXPECT_FALSE(rl.Admit(kKey, 0, 2));
  EXPECT_FALSE(rl.Admit(kKey, 999, 2));  // both admissions still inside (-1, 999]
  EXPECT_TRUE(rl.Admit(kKey, 1000, 2));  // the window (0, 1000] holds none of them
  EXPECT_TRUE(rl.Admit(kKey, 1000, 2));
  EXPECT_FALSE(rl.Admit(kKey, 1500, 2));
}

TEST(RateLimiter, RefusedRequestsDoNotCount) {
  RateLimiter rl;
  ASSERT_TRUE(rl.Admit(kKey, 0, 1));
  for (int t = 1; t < 1000; t += 100) EXPECT_FALSE(rl.Admit(kKey, t, 1));
  EXPECT_TRUE(rl.Admit(kKey, 1000, 1));
}

TEST(RateLimiter, KeysAreIndependent) {
  RateLimiter rl;
  ASSERT_TRUE(rl.Admit(kKey, 0, 1));
  EXPECT_TRUE(rl.Admit({"AKIDtwo", Action::kDeleteJob, "ap-guangzhou"}, 0, 1));  // RL-4
  EXPECT_TRUE(rl.Admit({"AKIDone", Action::kDeleteJob, "ap-shanghai"}, 0, 1));
  EXPECT_TRUE(rl.Admit({"AKIDone", Action::kDescribeJob, "ap-guangzhou"}, 0, 1));
  EXPECT_FALSE(rl.Admit(kKey, 0, 1));
}

TEST(RateLimiter, ZeroMeansUnlimitedAndResetEmpties) {
  RateLimiter rl;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.Admit(kKey, 0, 0));
  ASSERT_TRUE(rl.Admit(kKey, 0, 1));
  EXPECT_FALSE(rl.WouldAdmit(kKey, 0, 1));
  rl.Reset();
  EXPECT_TRUE(rl.WouldAdmit(kKey, 0, 1));
}

// RL-1: a stream paced at the limit (one request every 1000/limit ms) is always admitted.
RC_GTEST_PROP(RateLimiterProp, PacedStreamIsAlwaysAdmitted, ()) {
  int limit = *rc::gen::inRange(1, 10);
  std::int64_t start = *rc::gen::inRange<std::int64_t>(0, 100000);
  // Rounded up: 333 ms apart is faster than 3 per second.
  std::int64_t gap = (1000 + limit - 1) / limit + *rc::gen::inRange<std::int64_t>(0, 50);
  RateLimiter rl;
  for (int i = 0; i < 50; ++i) RC_ASSERT(rl.Admit(kKey, start + i * gap, limit));
}

// RL-2: whatever the arrival times, no window of 1000 ms holds more than `limit` admissions,
// and NextAdmission names exactly the first moment that would be admitted.
RC_GTEST_PROP(RateLimiterProp, NoWindowHoldsMoreThanTheLimit, ()) {
  int limit = *rc::gen::inRange(1, 5);
  auto gaps =
      *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(0, 700));
  RateLimiter rl;
  std::vector<std::int64_t> admitted;
  std::int64_t t = 0;
  for (std::int64_t g : gaps) {
    t += g;
    std::int64_t next = rl.NextAdmission(kKey, t, limit);
    RC_ASSERT(next >= t);
    RC_ASSERT(rl.WouldAdmit(kKey, next, limit));
    if (next > t) {
      RC_ASSERT(!rl.WouldAdmit(kKey, next - 1, limit));
    }
    if (rl.Admit(kKey, t, limit)) {
      admitted.push_back(t);
    }
  }
  for (std::size_t i = 0; i < admitted.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t j = i; j < admitted.size() && admitted[j] < admitted[i] + 1000; ++j)
      ++in_window;
    RC_ASSERT(in_window <= static_cast<std::size_t>(limit));
  }
}

}  // namespace
}  // namespace dj::model
