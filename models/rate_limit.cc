// Sliding-window-log rate limiter.
#include "models/rate_limit.h"

#include <algorithm>

namespace dj::model {
namespace {

// Admissions still inside the window ending at now_ms.
std::size_t InWindow(const std::deque<std::int64_t>& log, std::int64_t now_ms,
                     std::int64_t window) {
  auto first = std::upper_bound(log.begin(), log.end(), now_ms - window);
  return static_cast<std::size_t>(log.end() - first);
}

}  // namespace

bool RateLimiter::WouldAdmit(const RateKey& key, std::int64_t now_ms, int limit) const {
  if (limit <= 0) return true;
  auto it = admitted_.find(key);
  if (it == admitted_.end()) return true;
  return InWindow(it->second, now_ms, window_ms_) < static_cast<std::size_t>(limit);
}

bool RateLimiter::Admit(const RateKey& key, std::int64_t now_ms, int limit) {
  if (limit <= 0) return true;
  std::deque<std::int64_t>& log = admitted_[key];
  while (!log.empty() && log.front() <= now_ms - window_ms_) log.pop_front();
  if (log.size() >= static_cast<std::size_t>(limit)) return false;
  log.push_back(now_ms);
  return true;
}

std::int64_t RateLimiter::NextAdmission(const RateKey& key, std::int64_t now_ms, int limit) const {
  if (WouldAdmit(key, now_ms, limit)) return now_ms;
  const std::deque<std::int64_t>& log = admitted_.at(key);
  // The window must lose enough old admissions to drop below the limit.
  std::size_t in_window = InWindow(log, now_ms, window_ms_);
  std::size_t must_expire = in_window - static_cast<std::size_t>(limit) + 1;
  std::int64_t oldest_needed = log[log.size() - in_window + must_expire - 1];
  return oldest_needed + window_ms_;
}

}  // namespace dj::model
