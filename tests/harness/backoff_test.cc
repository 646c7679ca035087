// Tests of harness/runner/backoff: the pauses between sends of a call that a limiter refused
// (target-contract §3), their budget, and the texts a run reports.
#include "harness/runner/backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace dj::run {
namespace {

struct Sleeps {
  std::vector<std::int64_t> pauses;
  std::function<void(std::int64_t)> Fn() {
    return [this](std::int64_t ms) { pauses.push_back(ms); };
  }
};

// Refused `refusals` times, then answered.
std::function<bool()> RefusedTimes(int refusals, int& sends) {
  return [refusals, &sends] { return ++sends <= refusals; };
}

TEST(RetryWhileLimited, PausesDoubleFromTheFirstUpToTheCap) {
  Sleeps sleeps;
  int sends = 0;
  Backoff b = RetryWhileLimited(RefusedTimes(7, sends), BackoffPolicy{}, sleeps.Fn(), {});
  EXPECT_EQ(sleeps.pauses, (std::vector<std::int64_t>{100, 200, 400, 800, 1600, 2000, 2000}));
  EXPECT_EQ(b.attempts, 8);
  EXPECT_EQ(sends, 8);
  EXPECT_EQ(b.waited_ms, 7100);
  EXPECT_FALSE(b.gave_up);
  EXPECT_EQ(RetriedNote(b), "sent 8 times: 7 RequestLimitExceeded, 7100 ms of backoff");
}

TEST(RetryWhileLimited, AnAnswerAtOnceIsOneSendWithoutPause) {
  Sleeps sleeps;
  int sends = 0;
  Backoff b = RetryWhileLimited(RefusedTimes(0, sends), BackoffPolicy{}, sleeps.Fn(), {});
  EXPECT_EQ(b.attempts, 1);
  EXPECT_TRUE(sleeps.pauses.empty());
  EXPECT_EQ(RetriedNote(b), "");
}

TEST(RetryWhileLimited, GivesUpAfterMaxAttempts) {
  Sleeps sleeps;
  int sends = 0;
  Backoff b = RetryWhileLimited(RefusedTimes(100, sends), BackoffPolicy{}, sleeps.Fn(), {});
  EXPECT_TRUE(b.gave_up);
  EXPECT_EQ(b.attempts, 10);
  EXPECT_EQ(sleeps.pauses.size(), 9U);
  EXPECT_EQ(b.waited_ms, 11100);
  EXPECT_EQ(GaveUpText("DescribeJob", b).substr(0, 85),
            "the target answered RequestLimitExceeded to DescribeJob 10 times in a row over 11.1 s");
}

TEST(RetryWhileLimited, GivesUpBeforeAPauseThatWouldPassTheWaitBudget) {
  BackoffPolicy policy;
  policy.max_wait_ms = 1000;
  Sleeps sleeps;
  int sends = 0;
  Backoff b = RetryWhileLimited(RefusedTimes(100, sends), policy, sleeps.Fn(), {});
  EXPECT_TRUE(b.gave_up);
  EXPECT_EQ(sleeps.pauses, (std::vector<std::int64_t>{100, 200, 400}));
  EXPECT_EQ(b.attempts, 4);
}

TEST(RetryWhileLimited, StopsWithoutGivingUpWhenTold) {
  Sleeps sleeps;
  int sends = 0;
  Backoff b = RetryWhileLimited(RefusedTimes(100, sends), BackoffPolicy{}, sleeps.Fn(),
                                [&sends] { return sends >= 2; });
  EXPECT_FALSE(b.gave_up);
  EXPECT_EQ(b.attempts, 2);
  EXPECT_EQ(sleeps.pauses, (std::vector<std::int64_t>{100}));
}

}  // namespace
}  // namespace dj::run
