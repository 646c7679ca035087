// The mock's audit log: one entry per SubmitJob, TerminateJob or DeleteJob request the mock
// answered, whatever the answer, so that a test can see every attempt a harness made to
// change a job (and whether the job was one of the foreign ones). Never a credential,
// signature or token: an entry holds only the fields below.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>

#include "models/actions.h"

namespace dj::mock {

// A JobId longer than this is kept as its first kAuditJobIdBytes bytes followed by "...".
inline constexpr std::size_t kAuditJobIdBytes = 128;

struct AuditEntry {
  std::uint64_t seq = 0;          // 1, 2, ... in answer order (set by MockService)
  std::int64_t wall_seconds = 0;  // the mock's wall clock when it answered
  model::Action action = model::Action::kDeleteJob;
  // The JobId parameter as received (a value that is not a string: its JSON text); for a
  // successful SubmitJob the id of the new job. std::nullopt when there is none.
  std::optional<std::string> job_id;
  bool foreign = false;  // job_id names one of the foreign jobs (MockConfig::foreign_jobs)
  // "success", the error code answered (e.g. "AuthFailure.SignatureFailure"), "no answer"
  // (the planted fault hangs) or "unreadable" (garbage-answers: not an envelope).
  std::string outcome;

  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// A new entry for a request whose Action text names a mutating action (model::Mutates),
// std::nullopt for any other text or none (such requests are not audited).
std::optional<AuditEntry> StartAudit(const std::optional<std::string>& action,
                                     std::int64_t wall_seconds);
// The JobId parameter as an entry keeps it: a string as is, another value as its JSON text;
// std::nullopt when there is none.
std::optional<std::string> AuditedJobId(const nlohmann::json& params);
// Complete an entry once the answer is made: whether its JobId names one of `foreign` (the
// foreign jobs' ids), then the JobId cut to kAuditJobIdBytes.
void FinishAudit(AuditEntry& entry, const std::set<std::string, std::less<>>& foreign);

// One line of the --audit-log file, without the newline: a JSON object with "seq", "time"
// (ISO-8601 UTC), "action", "job_id" (null when absent), "foreign" and "outcome". Bytes that
// are not UTF-8 are replaced, so any JobId gives valid JSON.
std::string AuditJsonLine(const AuditEntry& entry);

}  // namespace dj::mock
