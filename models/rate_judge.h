// Judging a target's rate limiter from the outside (target-contract §3; RL-1, RL-2, RL-4).
//
// The harness cannot know which algorithm a target's limiter runs (sliding log, fixed window,
// counting refused requests or not). It can know what every conformant limiter must do:
//   - admit a request when the requests sent for its key within one window before it, itself
//     included, are no more than the limit (the stream is paced there: RL-1);
//   - refuse a request when the admissions within one window before it already reach the
//     limit (times a slack for fixed-window limiters: RL-2).
// Between the two the target may do either. Times are intervals: a request was counted at
// some moment between sending it and reading its answer. In virtual time both ends are the
// same; in real time the judge reasons about what was possibly and what was surely inside a
// window, minus a margin for the target's clock resolution.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "models/rate_limit.h"

namespace dj::model {

struct Interval {
  std::int64_t from_ms = 0;  // the request was sent
  std::int64_t to_ms = 0;    // its answer was read (== from_ms in virtual time)
};

enum class Admission : unsigned char { kAdmitted, kRefused, kUnknown };

struct RateJudgeOptions {
  std::int64_t window_ms = 1000;
  // Admissions a window may hold, as a multiple of the limit: 1 for sliding limiters, 2 for
  // fixed-window limiters, which may admit `limit` at each side of a window boundary.
  int slack = 1;
  // How far a real-time target's clock may misjudge a gap, in ms (0 in virtual time).
  std::int64_t margin_ms = 0;
};

struct RateVerdict {
  bool must_admit = false;      // the stream over every credential is paced here (RL-1)
  bool must_admit_own = false;  // the key's own stream is paced here (RL-4 when only this)
  bool must_refuse = false;     // the key's window is already full (RL-2)
  int admitted_in_window = 0;   // surely admitted within one window before it, same key
  int sent_in_window = 0;       // possibly sent within one window before it, same key
  int sent_in_window_all = 0;   // the same over every credential
};

class RateJudge {
 public:
  explicit RateJudge(RateJudgeOptions options = {}) : options_(options) {}

  // What any conformant limiter must do with a request of `key` sent during `when`.
  // limit <= 0: nothing is demanded.
  RateVerdict Judge(const RateKey& key, Interval when, int limit) const;
  // The request was sent and answered so (kUnknown: no answer).
  void Record(const RateKey& key, Interval when, Admission admission);
  void Reset() { log_.clear(); }
  // The earliest time at which no request recorded so far can share a window with a new one
  // (std::nullopt when none is recorded): a schedule that starts then starts from quiet.
  std::optional<std::int64_t> QuietFrom() const;

  const RateJudgeOptions& options() const { return options_; }

 private:
  struct Sent {
    Interval when;
    Admission admission;
  };
  RateJudgeOptions options_;
  std::map<RateKey, std::deque<Sent>> log_;  // in the order recorded
};

}  // namespace dj::model
