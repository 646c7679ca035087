// The rate-limit model (target-contract §3; RL-*): a sliding window per (credential, action,
// region). At most `limit` admissions in any window of `window_ms` (half-open: a request at t
// counts admissions in (t - window_ms, t]). Time is a parameter, in milliseconds.
#pragma once

#include <compare>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "models/actions.h"

namespace dj::model {

struct RateKey {
  std::string secret_id;
  Action action = Action::kDeleteJob;
  std::string region;

  friend auto operator<=>(const RateKey&, const RateKey&) = default;
  friend bool operator==(const RateKey&, const RateKey&) = default;
};

class RateLimiter {
 public:
  explicit RateLimiter(std::int64_t window_ms = 1000) : window_ms_(window_ms) {}

  // Admit (and record) or refuse a request at now_ms. limit <= 0 admits everything and
  // records nothing. Times for one key must not decrease.
  bool Admit(const RateKey& key, std::int64_t now_ms, int limit);
  // Would a request at now_ms be admitted? Records nothing.
  bool WouldAdmit(const RateKey& key, std::int64_t now_ms, int limit) const;
  // The earliest time >= now_ms at which a request would be admitted.
  std::int64_t NextAdmission(const RateKey& key, std::int64_t now_ms, int limit) const;
  // Empty every window (target-contract §2 reset).
  void Reset() { admitted_.clear(); }

  std::int64_t window_ms() const { return window_ms_; }

 private:
  std::int64_t window_ms_;
  std::map<RateKey, std::deque<std::int64_t>> admitted_;  // admission times, oldest first
};

}  // namespace dj::model
