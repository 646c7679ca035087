// Client-side pacing (issue 4): a token bucket per (credential, action, region) at a fraction
// of the action's documented limit, so that ordinary properties never trip a real-time
// target's limiter. Thread-safe; one Pacer serves a whole run, since the target's limiter
// remembers across histories too. Clock and waiting are injectable for tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "models/rate_limit.h"
#include "models/token_bucket.h"

namespace dj::client {

class Pacer {
 public:
  using Clock = std::function<std::int64_t()>;         // milliseconds, monotonic
  using Sleep = std::function<void(std::int64_t ms)>;  // wait that long

  // fraction in (0, 1]; null clock/sleep: std::chrono::steady_clock and sleep_for, or, with
  // `cancel`, a sleep that ends within protocol::kInterruptPollMs of *cancel becoming true (an
  // interrupted run: Acquire then returns early, and the caller sends nothing more).
  explicit Pacer(double fraction = 0.9, Clock clock = nullptr, Sleep sleep = nullptr,
                 const std::atomic<bool>* cancel = nullptr);

  // Wait until a request of `key` may go under `limit` requests per second; the ms waited.
  // limit <= 0: no wait.
  std::int64_t Acquire(const model::RateKey& key, int limit);
  // A request of `key` went without waiting (a rate-limit probe): later ones wait for it.
  void Spend(const model::RateKey& key, int limit);

  std::int64_t now_ms() const { return clock_(); }
  void sleep_ms(std::int64_t ms) const { sleep_(ms); }
  double fraction() const { return fraction_; }
  std::int64_t waited_ms() const;
  std::int64_t paced_requests() const;

 private:
  model::TokenBucket& Bucket(const model::RateKey& key, int limit);

  double fraction_;
  Clock clock_;
  Sleep sleep_;
  mutable std::mutex mu_;
  std::map<model::RateKey, model::TokenBucket> buckets_;
  std::int64_t waited_ms_ = 0;
  std::int64_t paced_ = 0;
};

}  // namespace dj::client
