// The reference model of the five actions (target-contract §1) as pure functions:
// Decide(store, request, fresh) says which clause decides the answer, what a success answers,
// and what a success changes; Apply(store, effect) makes the change. Which outcomes a target
// may give is the clause table's business (Allowed(decision.clause, profile)).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "models/actions.h"
#include "models/clauses.h"
#include "models/result.h"
#include "models/store.h"

namespace dj::model {

// One API call as the action receives it: the action and its parameters as a JSON value
// (an object unless a fault made it something else). Query-style parameters arrive
// unflattened, every leaf a string.
struct ApiRequest {
  Action action = Action::kDescribeJob;
  nlohmann::json params = nlohmann::json::object();

  friend bool operator==(const ApiRequest&, const ApiRequest&) = default;
};

// Well-formed requests, for tests and drivers.
ApiRequest DeleteJobRequest(std::string_view job_id);
ApiRequest DescribeJobRequest(std::string_view job_id);
ApiRequest TerminateJobRequest(std::string_view job_id);

// What a successful answer changes.
struct EraseJob {
  std::string id;
  friend bool operator==(const EraseJob&, const EraseJob&) = default;
};
struct PutJob {
  Job job;
  friend bool operator==(const PutJob&, const PutJob&) = default;
};
struct TerminateJobEffect {
  std::string id;
  friend bool operator==(const TerminateJobEffect&, const TerminateJobEffect&) = default;
};
using Effect = std::variant<std::monostate, EraseJob, PutJob, TerminateJobEffect>;

struct Decision {
  Clause clause = Clause::kEnvShape;
  // For a success: the answer's fields besides RequestId (e.g. DescribeJob's job view).
  nlohmann::json reply = nlohmann::json::object();
  // For a success: what it changes. Apply it only when the answer was a success.
  Effect effect;
  // For a refusal: a one-line reason, e.g. "The JobId `JOB-1` is not well formed."
  std::string detail;

  bool Succeeds() const { return !RefusesRequest(clause); }
};

// What the model cannot make up itself: the id a SubmitJob would get, and the time.
struct Fresh {
  std::string job_id;
  std::int64_t now = 0;  // UNIX seconds
};

// The decision for `request` against `store` (clauses COM-4, COM-7, ID-*, DEL-*, GONE-*,
// OBS-1, DRV-*). Never fails: every request has a deciding clause.
Decision Decide(const Store& store, const ApiRequest& request, const Fresh& fresh);
// DescribeJobs as if the jobs of `also` (not in the store) were listed too: the reference mock's
// planted fault deleted-still-listed, without copying the store.
Decision DecideListingAlso(const Store& store, const Store::JobMap& also,
                           const ApiRequest& request);
// Apply a success's effect. A TerminateJob applies the first of TerminatedJobs().
void Apply(Store& store, const Effect& effect);
// What a successful TerminateJob may leave of `job`, the reference mock's choice first
// (docs/profiles-and-decisions.md, decision 9). A SUCCEED job is unchanged, as the API
// documentation says; a job not finished becomes FAILED with every unfinished instance; for a
// FAILED job with unfinished instances the documentation is silent, so both are plausible:
// those instances become FAILED, or nothing changes.
std::vector<Job> TerminatedJobs(const Job& job);

// The common parameters as received (absent = std::nullopt).
struct CommonParams {
  std::optional<std::string> action;
  std::optional<std::string> version;
  std::optional<std::string> region;
};
// COM-1, COM-2, COM-3 in that order; the action on success.
Result<Action, Refusal> CheckCommon(const CommonParams& common);

// The job views the reference mock answers (facts §6d, §6e). OBS-1 compares against them.
nlohmann::json DescribeJobReply(const Job& job);
nlohmann::json JobListEntry(const Job& job);
// ISO-8601 UTC, "YYYY-MM-DDThh:mm:ssZ" (facts §4).
std::string FormatIsoUtc(std::int64_t unix_seconds);

}  // namespace dj::model
