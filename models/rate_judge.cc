// What every conformant limiter must do, from the requests sent so far.
#include "models/rate_judge.h"

namespace dj::model {
namespace {

bool SameLimit(const RateKey& a, const RateKey& b) {
  return a.action == b.action && a.region == b.region;
}

}  // namespace

RateVerdict RateJudge::Judge(const RateKey& key, Interval when, int limit) const {
  RateVerdict v;
  if (limit <= 0) return v;
  const std::int64_t w = options_.window_ms;
  const std::int64_t m = options_.margin_ms;
  int sent_any = 0;
  for (const auto& [k, log] : log_) {
    if (!SameLimit(k, key)) continue;
    for (const Sent& s : log) {
      // Possibly inside the window that ends when this request is counted: its earliest
      // moment is less than a window after the other's latest.
      bool possibly = when.from_ms - s.when.to_ms < w + m;
      // Surely inside it: even the latest moment of this one and the earliest of the other
      // are less than a window apart.
      bool surely = when.to_ms - s.when.from_ms < w - m;
      if (possibly) ++sent_any;
      if (k == key) {
        if (possibly) ++v.sent_in_window;
        if (surely && s.admission == Admission::kAdmitted) ++v.admitted_in_window;
      }
    }
  }
  v.sent_in_window_all = sent_any;
  v.must_admit_own = v.sent_in_window + 1 <= limit;
  v.must_admit = sent_any + 1 <= limit;
  v.must_refuse = v.admitted_in_window >= limit * options_.slack;
  return v;
}

void RateJudge::Record(const RateKey& key, Interval when, Admission admission) {
  std::deque<Sent>& log = log_[key];
  // Forget what can no longer be inside any window with a later request.
  const std::int64_t horizon = options_.window_ms + options_.margin_ms;
  while (!log.empty() && when.from_ms - log.front().when.to_ms >= horizon) log.pop_front();
  log.push_back({when, admission});
}

std::optional<std::int64_t> RateJudge::QuietFrom() const {
  std::optional<std::int64_t> latest;
  for (const auto& [key, log] : log_) {
    for (const Sent& s : log) {
      if (!latest || s.when.to_ms > *latest) latest = s.when.to_ms;
    }
  }
  if (!latest) return std::nullopt;
  return *latest + options_.window_ms + options_.margin_ms;
}

}  // namespace dj::model
