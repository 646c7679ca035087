// Results values for the report writers' tests: one clause of every status, a failure without a
// shrunk history, and a message full of Markdown and HTML a target might echo.
#pragma once

#include <string>

#include "reports/results.h"

namespace dj::report::testing {

inline FailureReport Failure(std::string clause, std::string message, int requests,
                             std::uint64_t seed) {
  FailureReport f;
  f.clause = std::move(clause);
  f.message = std::move(message);
  f.property = "histories";
  f.seed = seed;
  f.requests = requests;
  f.steps = nlohmann::json::array({{{"action", "DeleteJob"}}});
  f.history.push_back({"DeleteJob {\"JobId\":\"job-syaahqqm\"} [form-post]",
                       "api",
                       "POST / DeleteJob {\"JobId\":\"job-syaahqqm\"}",
                       "HTTP 200  {\"Response\":{\"RequestId\":\"r-1\"}}",
                       "success",
                       {f.clause + ": " + f.message}});
  f.repro = "#!/bin/bash\ncurl -sS \"$DJ_TARGET\"\n";
  return f;
}

inline ClauseResult Clause(std::string id, Status status, int checks, std::string reason = "") {
  ClauseResult c;
  c.id = std::move(id);
  c.text = "The text of " + c.id + ".";
  c.status = status;
  c.checks = checks;
  c.reason = std::move(reason);
  return c;
}

// The run's seed, start, duration and pacing are what golden tests normalise.
inline Results SampleResults() {
  Results r;
  r.version = "0.1.0";
  r.target = "http://127.0.0.1:41234";
  r.control = "the target itself";
  r.seed = 1000003;
  r.profile = "strict";
  r.styles = "both";
  r.runs = 20;
  r.max_steps = 40;
  r.started = "2026-11-29T11:45:56Z";
  r.duration_seconds = 12.53;
  r.histories = 80;
  r.requests = 1432;
  r.pacing_seconds = 0.25;

  ClauseResult passed = Clause("ENV-2", Status::kPassed, 1432);
  ClauseResult failed = Clause("DEL-2", Status::kFailed, 57);
  failed.failures = 1;
  failed.failure =
      Failure("DEL-2", "answered success; DEL-2 expects UnsupportedOperation", 1, 1000003);
  ClauseResult flaky = Clause("CONC-1", Status::kFlaky, 12);
  flaky.failures = 1;
  flaky.failure =
      Failure("CONC-1",
              "two deletes of job-a|b both succeeded: <script>alert(1)</script> `x` *y* [z](u)\n"
              "second line",
              3, 77);
  flaky.failure->replays = 3;
  flaky.failure->reproduced = 1;
  ClauseResult unreported = Clause("ID-4", Status::kFailed, 3);
  unreported.failures = 2;
  ClauseResult skipped =
      Clause("GONE-1", Status::kSkipped, 0, "needs the conformance control extension");
  r.clauses = {passed, failed, flaky, unreported, skipped};
  return r;
}

}  // namespace dj::report::testing
