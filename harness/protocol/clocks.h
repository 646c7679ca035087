// The system's clocks and waiting: what every injectable clock (mock, client, pacer, driver,
// live fuzzing) falls back to when a test does not give its own.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace dj::protocol {

// UNIX time in seconds (signature timestamps, CreateTime).
inline std::int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Milliseconds of a monotonic clock (rate limits, pacing, deadlines).
inline std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void SleepMs(std::int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// How often an interruptible wait looks at its flag: a run stops within about this long.
inline constexpr std::int64_t kInterruptPollMs = 50;

// Wait `ms`, or less: returns within kInterruptPollMs of `stop` becoming true (at once when
// it already is). A null `stop` waits the whole time.
inline void SleepMsUnless(std::int64_t ms, const std::atomic<bool>* stop) {
  if (stop == nullptr) return SleepMs(ms);
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stop->load()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    until - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return;
    SleepMs(std::min<std::int64_t>(left, kInterruptPollMs));
  }
}

}  // namespace dj::protocol
