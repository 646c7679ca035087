// The system's clocks and waiting: what every injectable clock (mock, client, pacer, driver,
// live fuzzing) falls back to when a test does not give its own.
#pragma once

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

}  // namespace dj::protocol
