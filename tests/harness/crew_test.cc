// The Crew that runs a batch's call threads: every job at once, threads kept between batches.
#include "harness/runner/crew.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace dj::run {
namespace {

// Each job arrives, then waits (up to 10 s) for all the others: only jobs that run at the same
// time all see everyone arrive.
std::vector<std::function<void()>> Rendezvous(int n, std::atomic<int>& arrived,
                                              std::atomic<int>& saw_all,
                                              std::set<std::thread::id>& ids, std::mutex& mu) {
  std::vector<std::function<void()>> jobs;
  for (int i = 0; i < n; ++i) {
    jobs.emplace_back([&, n] {
      {
        std::lock_guard lock(mu);
        ids.insert(std::this_thread::get_id());
      }
      ++arrived;
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (arrived.load() < n && std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
      if (arrived.load() >= n) ++saw_all;
    });
  }
  return jobs;
}

TEST(Crew, RunsEveryJobAtOnceAndKeepsItsThreads) {
  Crew crew;
  std::mutex mu;
  std::set<std::thread::id> first_ids;
  std::atomic<int> arrived{0};
  std::atomic<int> saw_all{0};
  crew.RunAll(Rendezvous(8, arrived, saw_all, first_ids, mu));
  EXPECT_EQ(saw_all.load(), 8);
  EXPECT_EQ(first_ids.size(), 8U);
  EXPECT_FALSE(first_ids.contains(std::this_thread::get_id()));
  EXPECT_EQ(crew.size(), 8U);

  // A smaller batch reuses threads of the first; a larger one adds threads.
  std::set<std::thread::id> second_ids;
  arrived = 0;
  saw_all = 0;
  crew.RunAll(Rendezvous(3, arrived, saw_all, second_ids, mu));
  EXPECT_EQ(saw_all.load(), 3);
  for (const auto& id : second_ids) EXPECT_TRUE(first_ids.contains(id));
  EXPECT_EQ(crew.size(), 8U);
  arrived = 0;
  saw_all = 0;
  std::set<std::thread::id> third_ids;
  crew.RunAll(Rendezvous(10, arrived, saw_all, third_ids, mu));
  EXPECT_EQ(saw_all.load(), 10);
  EXPECT_EQ(crew.size(), 10U);
  crew.RunAll({});  // nothing to run: returns at once
}

}  // namespace
}  // namespace dj::run
