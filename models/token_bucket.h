// A token bucket that hands out reservations: the client's pacing below a target's limit
// (issue 4). Pure: time is a parameter, in milliseconds.
//
// With capacity 1 and a rate below the limit, the requests it lets through are spaced at least
// 1/rate apart, so no window of one second ever holds more than the limit. A larger capacity
// allows bursts, which a sliding-window target would refuse: capacity c at rate r keeps every
// window within c + r requests, so c must stay at most limit + 1 - r.
#pragma once

#include <cstdint>

namespace dj::model {

class TokenBucket {
 public:
  // rate_per_second > 0; capacity >= 1. The bucket starts full.
  TokenBucket(double rate_per_second, double capacity);

  // Take a token for a request that wants to go at now_ms: the time (>= now_ms) it may go.
  // Later reservations queue behind earlier ones.
  std::int64_t Reserve(std::int64_t now_ms);
  // A request went at now_ms without asking (the rate-limit probes): it still used a token,
  // which may leave the bucket in debt.
  void Spend(std::int64_t now_ms);

  double rate_per_second() const { return rate_; }
  double capacity() const { return capacity_; }

 private:
  void Refill(std::int64_t now_ms);

  double rate_;      // tokens per second
  double capacity_;  // at most this many tokens
  double tokens_;    // may be negative: reservations not yet due
  std::int64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace dj::model
