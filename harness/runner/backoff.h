// Backing off from RequestLimitExceeded on the calls whose limit the harness does not judge
// (target-contract §3: every action but DeleteJob): such an answer is transient, so the call is
// sent again after a pause that doubles, within a bounded budget. Only a spent budget is
// reported, as a setup-level message, never as a clause's finding.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "harness/client/api_client.h"

namespace dj::run {

struct BackoffPolicy {
  std::int64_t first_pause_ms = 100;  // doubled after each refusal
  std::int64_t max_pause_ms = 2000;
  int max_attempts = 10;             // sends of one call in all, the first included
  std::int64_t max_wait_ms = 15000;  // pauses of one call in all
};

// What became of one call's sends.
struct Backoff {
  int attempts = 0;           // sends made
  std::int64_t waited_ms = 0;  // pauses made
  bool gave_up = false;        // the budget ran out while the answer was still a refusal
};

// True when the exchange was answered RequestLimitExceeded or a documented sub-code.
bool IsLimitAnswer(const client::Exchange& x);
bool IsLimitAnswer(const protocol::Answer& answer);

// Calls `attempt` (one send; true when its answer was a limiter's refusal) until an answer is
// not, `stop` returns true, or the policy's budget is spent; pauses with `sleep` in between.
Backoff RetryWhileLimited(const std::function<bool()>& attempt, const BackoffPolicy& policy,
                          const std::function<void(std::int64_t)>& sleep,
                          const std::function<bool()>& stop);

// The setup-level message of a spent budget, e.g. "the target answered RequestLimitExceeded to
// DescribeJob 10 times in a row over 11.1 s of backoff: ...".
std::string GaveUpText(std::string_view action, const Backoff& backoff);
// For the trace of a call that was sent again: "sent 3 times: 2 RequestLimitExceeded, 300 ms of
// backoff"; empty when it was sent once.
std::string RetriedNote(const Backoff& backoff);

}  // namespace dj::run
