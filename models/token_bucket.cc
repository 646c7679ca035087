// Token bucket with reservations.
#include "models/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace dj::model {

TokenBucket::TokenBucket(double rate_per_second, double capacity)
    : rate_(rate_per_second), capacity_(std::max(1.0, capacity)), tokens_(capacity_) {}

void TokenBucket::Refill(std::int64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
    return;
  }
  if (now_ms <= last_ms_) return;
  tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0);
  last_ms_ = now_ms;
}

std::int64_t TokenBucket::Reserve(std::int64_t now_ms) {
  Refill(now_ms);
  double before = tokens_;
  tokens_ -= 1.0;
  if (before >= 1.0) return now_ms;
  // The token this request needs arrives when the bucket has refilled to one.
  return now_ms + static_cast<std::int64_t>(std::ceil((1.0 - before) * 1000.0 / rate_));
}

void TokenBucket::Spend(std::int64_t now_ms) {
  Refill(now_ms);
  tokens_ -= 1.0;
}

}  // namespace dj::model
