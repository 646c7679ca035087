// Backoff from limiter refusals of calls the harness does not judge for their limit.
#include "harness/runner/backoff.h"

#include <algorithm>
#include <cstdio>

#include "models/clauses.h"

namespace dj::run {

bool IsLimitAnswer(const protocol::Answer& answer) {
  return answer.code && model::IsRateLimitCode(*answer.code);
}

bool IsLimitAnswer(const client::Exchange& x) { return !x.transport_error && IsLimitAnswer(x.answer); }

Backoff RetryWhileLimited(const std::function<bool()>& attempt, const BackoffPolicy& policy,
                          const std::function<void(std::int64_t)>& sleep,
                          const std::function<bool()>& stop) {
  Backoff b;
  std::int64_t pause = std::max<std::int64_t>(1, policy.first_pause_ms);
  while (true) {
    ++b.attempts;
    if (!attempt()) return b;
    if (stop && stop()) return b;
    if (b.attempts >= policy.max_attempts || b.waited_ms + pause > policy.max_wait_ms) {
      b.gave_up = true;
      return b;
    }
    sleep(pause);
    b.waited_ms += pause;
    pause = std::min(pause * 2, std::max(pause, policy.max_pause_ms));
  }
}

std::string GaveUpText(std::string_view action, const Backoff& backoff) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(backoff.waited_ms) / 1000.0);
  return "the target answered RequestLimitExceeded to " + std::string(action) + " " +
         std::to_string(backoff.attempts) + " times in a row over " + seconds +
         " s of backoff: the harness does not judge that action's limit, but cannot go on "
         "without its answer (target-contract §3)";
}

std::string RetriedNote(const Backoff& backoff) {
  if (backoff.attempts <= 1) return "";
  int refused = backoff.attempts - (backoff.gave_up ? 0 : 1);
  return "sent " + std::to_string(backoff.attempts) + " times: " + std::to_string(refused) +
         " RequestLimitExceeded, " + std::to_string(backoff.waited_ms) + " ms of backoff";
}

}  // namespace dj::run
