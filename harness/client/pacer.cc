// Token-bucket pacing shared by every driver of a run.
#include "harness/client/pacer.h"

#include "harness/protocol/clocks.h"

namespace dj::client {

Pacer::Pacer(double fraction, Clock clock, Sleep sleep, const std::atomic<bool>* cancel)
    : fraction_(fraction), clock_(std::move(clock)), sleep_(std::move(sleep)) {
  if (!clock_) clock_ = protocol::SteadyMs;
  if (!sleep_) sleep_ = [cancel](std::int64_t ms) { protocol::SleepMsUnless(ms, cancel); };
}

model::TokenBucket& Pacer::Bucket(const model::RateKey& key, int limit) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    // Capacity 1: requests spaced at least 1/rate apart never crowd a one-second window.
    it = buckets_.emplace(key, model::TokenBucket(fraction_ * limit, 1.0)).first;
  }
  return it->second;
}

std::int64_t Pacer::Acquire(const model::RateKey& key, int limit) {
  if (limit <= 0) return 0;
  std::int64_t wait = 0;
  {
    // Reserve under the lock, wait outside it: other keys (and other threads) go on.
    std::lock_guard lock(mu_);
    std::int64_t now = clock_();
    wait = Bucket(key, limit).Reserve(now) - now;
    ++paced_;
    waited_ms_ += wait;
  }
  if (wait > 0) sleep_(wait);
  return wait;
}

void Pacer::Spend(const model::RateKey& key, int limit) {
  if (limit <= 0) return;
  std::lock_guard lock(mu_);
  Bucket(key, limit).Spend(clock_());
}

std::int64_t Pacer::waited_ms() const {
  std::lock_guard lock(mu_);
  return waited_ms_;
}

std::int64_t Pacer::paced_requests() const {
  std::lock_guard lock(mu_);
  return paced_;
}

}  // namespace dj::client
