// Concurrent histories of one job against the reference model (CONC-1, CONC-2).
//
// Jobs are independent in the model, so a concurrent history is checked one JobId at a time
// (the decomposition Knossos and Porcupine call P-compositionality): the operations that name
// the job, from the state the model held before them. A listing that names several jobs
// becomes one operation per job, so the atomicity of one listing across jobs is not judged.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/linearizability.h"
#include "models/clauses.h"
#include "models/store.h"

namespace dj::check {

enum class JobOpKind : unsigned char { kDelete, kDescribe, kTerminate, kList };

// One call as seen from one job.
struct JobOp {
  JobOpKind kind = JobOpKind::kDescribe;
  std::int64_t invoked = 0;    // ns, any origin shared by the history
  std::int64_t completed = 0;  // kNoAnswer when no answer came
  // What was answered; std::nullopt when unknown (no answer, or no readable envelope): the
  // call may then have taken effect or not.
  std::optional<model::Outcome> outcome;
  nlohmann::json response;                  // kDescribe: the Response object of a success
  std::optional<std::string> listed_state;  // kList: the job's JobState, or not listed
  int thread = 0;                           // for the timeline
  std::string label;                        // e.g. "DeleteJob job-ab12cd34 -> success"
};

struct JobVerdict {
  bool linearizable = false;
  bool gave_up = false;             // too many states to decide: not judged
  std::optional<model::Job> final;  // after a witness order (std::nullopt: gone)
  // Not linearizable: the calls whose answers alone cannot be explained, whatever the others
  // did (each other call may have taken effect at any time after it was made, or never); with
  // any one of them forgotten too, the rest could be.
  std::vector<std::size_t> minimal;
  std::size_t explored = 0;
};

// Check the job's operations from `initial` (std::nullopt: no such job, never or no longer).
// `minimize` also computes JobVerdict::minimal (a few more checks, each small).
JobVerdict CheckJobHistory(const std::string& job_id, const std::optional<model::Job>& initial,
                           const std::vector<JobOp>& ops, model::Profile profile,
                           bool minimize = true);

// True when the subset is two or more deletes, all answered, some of them overlapping: the
// case CONC-1 names (when the job was deletable).
bool OnlyDeletes(const std::vector<JobOp>& ops, const std::vector<std::size_t>& subset);

// When no two calls of the subset overlap, no other call on the job was made before the last
// of them, and in time order every one but the last is answered as the model allows, the
// defect is the last one's own, not one of concurrency: that call and the clause that decides
// it in the state the others left (e.g. DEL-2 for a RUNNING job deleted, GONE-2 for a deleted
// job still listed). std::nullopt otherwise, or when that clause is a driver clause, which is
// not judged.
struct SequentialBreach {
  model::Clause clause;
  std::size_t op;  // index into the ops
};
std::optional<SequentialBreach> SequentialClause(const std::string& job_id,
                                                 const std::optional<model::Job>& initial,
                                                 const std::vector<JobOp>& ops,
                                                 const std::vector<std::size_t>& subset,
                                                 model::Profile profile);

// The operations as a timeline for the text report: one line per operation, a bar from its
// call to its answer on a scale that spans them, then its thread, label and times (in ms from
// the history's origin: the times are in ns from there).
std::string Timeline(const std::vector<JobOp>& ops, const std::vector<std::size_t>& subset,
                     int width = 48);

}  // namespace dj::check
