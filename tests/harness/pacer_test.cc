// Client pacing: a token bucket per (credential, action, region), shared by threads.
#include "harness/client/pacer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace dj::client {
namespace {

const model::RateKey kDelete{"AKIDone", model::Action::kDeleteJob, "ap-guangzhou"};

TEST(Pacer, KeepsToNinetyPercentOfTheLimit) {
  std::int64_t now = 0;
  Pacer pacer(
      0.9, [&] { return now; }, [&](std::int64_t ms) { now += ms; });
  EXPECT_EQ(pacer.Acquire(kDelete, 2), 0);    // the bucket starts with one token
  EXPECT_EQ(pacer.Acquire(kDelete, 2), 556);  // 1 / 1.8 per second
  EXPECT_EQ(pacer.Acquire(kDelete, 2), 556);
  EXPECT_EQ(now, 1112);
  EXPECT_EQ(pacer.waited_ms(), 1112);
  EXPECT_EQ(pacer.paced_requests(), 3);
  EXPECT_EQ(pacer.Acquire(kDelete, 0), 0);  // no limit, no wait
}

TEST(Pacer, KeysAreApartAndUnpacedRequestsStillCount) {
  std::int64_t now = 0;
  Pacer pacer(
      0.9, [&] { return now; }, [&](std::int64_t ms) { now += ms; });
  model::RateKey other = kDelete;
  other.secret_id = "AKIDtwo";
  EXPECT_EQ(pacer.Acquire(kDelete, 2), 0);
  EXPECT_EQ(pacer.Acquire(other, 2), 0);
  pacer.Spend(other, 2);  // a probe that went without asking
  EXPECT_EQ(pacer.Acquire(other, 2), 1112);
}

// Threads asking at once get reservations spaced at least 1/rate apart, whatever the order.
TEST(Pacer, ThreadsShareOneBucket) {
  std::mutex mu;
  std::vector<std::int64_t> waits;
  Pacer pacer(
      0.9, [] { return std::int64_t{0}; },
      [&](std::int64_t ms) {
        std::lock_guard lock(mu);
        waits.push_back(ms);
      });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) pacer.Acquire(kDelete, 2);
    });
  }
  for (auto& th : threads) th.join();
  waits.push_back(0);  // the first one did not wait
  std::sort(waits.begin(), waits.end());
  ASSERT_EQ(waits.size(), 80U);
  for (std::size_t i = 1; i < waits.size(); ++i) EXPECT_GE(waits[i] - waits[i - 1], 555) << i;
}

}  // namespace
}  // namespace dj::client
