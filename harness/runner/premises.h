// What a run without the control extension assumes of the target beyond the API's rules, and
// whether it held (docs/profiles-and-decisions.md, "Premises"). An answer that only breaks a
// premise is never a finding: the premise is checked on its own, and when it fails the run
// says so once and skips the clauses that relied on it.
#pragma once

#include <string>

namespace dj::run {

struct Premises {
  enum class Verdict { kUntested, kHeld, kFailed };

  // The slow job (--slow-job-definition, --slow-job-seconds) keeps running for its promised
  // time unless terminated: what DEL-2 needs without control.
  Verdict slow_job = Verdict::kUntested;
  std::string slow_job_evidence;  // what showed it failed, for people

  bool SlowJobFailed() const { return slow_job == Verdict::kFailed; }
};

// The clauses a failed slow-job premise leaves unjudged without control.
inline constexpr const char* kSlowJobPremiseClauses = "DEL-2";

}  // namespace dj::run
